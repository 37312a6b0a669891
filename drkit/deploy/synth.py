"""Synthesize the stacks the way ``cdktf synth`` does: run ``app.py`` in its own process.

A separate process keeps the caller free of jsii (and of the provider's
memory) and exercises the real entry point. ``CDKTF_OUTDIR`` sends the output
to a directory of the caller's choosing, so a local deployment never overwrites
the ``cdktf.out`` of a real one.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

from drkit import FAST_IMPORT_ENV
from drkit.errors import DrkitError

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"
#: Environment settings that change what ``app.py`` synthesizes (and where).
#: They are taken only from the caller's explicit ``env``, never inherited
#: from the shell, so a stray ``DRKIT_CONFIG`` cannot change a deployment.
SYNTH_ENV = (
    "DRKIT_CONFIG",
    "DRKIT_TARGET",
    "DRKIT_ENDPOINT_URL",
    "DRKIT_RUNTIME",
    "ENVIRONMENT_SUFFIX",
    "CDKTF_OUTDIR",
    "CDKTF_CONTEXT_JSON",
    "CDKTF_TARGET_STACK_ID",
    "SYNTH_HCL_OUTPUT",
)
#: What a measurement or comparison of synths scrubs from the caller's shell: the settings
#: above, and the provider import mode (each case sets its own).
MEASURED_SYNTH_ENV = (*SYNTH_ENV, FAST_IMPORT_ENV)


class SynthFailed(DrkitError):
    """``app.py`` refused the spec or crashed; the message is its own."""


def synthesize(outdir: Path, env: Mapping[str, str] | None = None) -> tuple[Path, float]:
    """Run ``app.py`` with ``env`` added to this process's environment (minus :data:`SYNTH_ENV`).

    Returns:
        The output directory (``stacks/<name>/cdk.tf.json`` for each stack, and cdktf's
        ``manifest.json``) and the seconds it took.

    Raises:
        SynthFailed: With ``app.py``'s own one-line message for a bad spec.
    """
    outdir = Path(outdir).resolve()
    outdir.mkdir(parents=True, exist_ok=True)
    full_env = {
        **{k: v for k, v in os.environ.items() if k not in SYNTH_ENV},
        **(env or {}),
        "CDKTF_OUTDIR": str(outdir),
    }
    if full_env.get("DRKIT_CONFIG"):
        full_env["DRKIT_CONFIG"] = str(Path(full_env["DRKIT_CONFIG"]).resolve())
    started = time.perf_counter()
    # cdktf's default local backend keeps state in the working directory of
    # the synth (as an absolute path): running from the outdir gives every
    # deployment its own state, never the project's.
    done = subprocess.run(
        [sys.executable, str(APP)],
        check=False,
        cwd=outdir,
        env=full_env,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        lines = [line for line in done.stderr.strip().splitlines() if line.strip()]
        message = lines[-1] if done.returncode == 2 and lines else "\n".join(lines[-30:])
        raise SynthFailed(f"synthesis failed (exit {done.returncode}): {message}")
    if not (outdir / "manifest.json").is_file():
        raise SynthFailed(f"synthesis wrote no {outdir / 'manifest.json'}")
    return outdir, seconds
