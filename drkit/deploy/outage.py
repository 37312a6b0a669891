"""``drkit outage``: take a region of a kept demo's emulator out, and bring it back.

The emulator stops answering every request signed for the region (and, for us-east-1, for
the IAM and Route 53 control planes hosted there) as an unreachable endpoint would:
docs/emulator.md says what that models and what it does not. This is the only drkit code
besides the local deployment that uses the emulator package.
"""

from __future__ import annotations

from collections.abc import Sequence

from drkit_emulator.controls import RunningEmulator


def change_outage(endpoint_url: str, action: str, regions: Sequence[str]) -> str:
    """Take ``regions`` out, bring them back (none: all), or read the state; one line."""
    emulator = RunningEmulator(endpoint_url)
    if action == "take-out":
        out = emulator.take_out(*regions)
    elif action == "bring-back":
        out = emulator.bring_back(*regions)
    else:
        out = emulator.regions_out()
    if not out:
        return f"every region answers at {endpoint_url}"
    return f"out at {endpoint_url}: {', '.join(sorted(out))} (no answer to requests signed for it)"
