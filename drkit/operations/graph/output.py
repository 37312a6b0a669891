"""Which format ``drkit graph`` writes: the one asked for, or the one the output file names."""

from __future__ import annotations

from pathlib import Path

from drkit.errors import SpecError

#: An ``--output`` file's suffix picks the format when ``--format`` is not given.
SUFFIXES = {".svg": "svg", ".dot": "dot", ".gv": "dot", ".mmd": "mermaid", ".mermaid": "mermaid"}


def output_format(given: str | None, output: Path | None) -> str:
    """The format to draw: ``--format``, else the one the ``--output`` file's suffix names,
    else Mermaid.

    Raises:
        SpecError: ``--output`` ends in no suffix drkit writes, or in another format's than
            ``--format`` (refused before anything is synthesized).
    """
    suffix = output.suffix.lower() if output is not None else ""
    named = SUFFIXES.get(suffix)
    if suffix and named is None:
        allowed = ", ".join(sorted(SUFFIXES))
        raise SpecError("--output", str(output), f"a file ending {allowed} (or none)")
    if given and named and named != given:
        raise SpecError(
            "--output", str(output), f"a file of the --format asked for ({given}), not {named}"
        )
    return given or named or "mermaid"
