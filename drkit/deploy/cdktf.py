"""The ``cdktf`` CLI run the way a user runs it: the printed lines, with bash, in a user's shell.

:class:`~drkit.deploy.cdktf_lines.CdktfCommands` writes the shell lines (``cd``, ``export``,
``cdktf deploy|diff|destroy``) that ``drkit demo --keep`` prints; :func:`run_cdktf` and
:func:`run_script` run exactly such lines with bash, in an environment without drkit's own
settings (no ``DRKIT_*``, no jsii quieting): what the project does by itself is what runs.
The local target keeps each stack's state beside the synth output, so these lines and
drkit's runner work on the same deployment.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import attrs

from drkit import JSII_QUIET
from drkit.deploy.cdktf_lines import CdktfCommands, Stacks
from drkit.deploy.errors import CdktfFailed
from drkit.deploy.synth import SYNTH_ENV
from drkit.deploy.terraform.runner import stop_process

_ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")
_SPINNER = re.compile(r"^\s*[\u2800-\u28ff]\s")


def clean_output(text: str) -> str:
    """cdktf's output without terminal escapes and spinner frames (it draws them without a TTY)."""
    lines = _ESCAPES.sub("", text).replace("\r", "\n").splitlines()
    return "\n".join(line for line in lines if line.strip() and not _SPINNER.match(line))


@attrs.frozen(kw_only=True)
class CdktfRun:
    """One ``cdktf`` command that succeeded: its cleaned output and how long it took."""

    output: str
    seconds: float


def run_cdktf(
    commands: CdktfCommands,
    command: str,
    stacks: Stacks = None,
    *,
    log: Path,
    timeout_seconds: float | None = 900,
) -> CdktfRun:
    """Run the lines of ``command`` (on ``stacks``, or every stack) with bash, as a user's
    shell would; keep the output in ``log``. See :func:`run_script`."""
    lines = commands.lines((command, stacks))
    return run_script(lines, command=command, log=log, timeout_seconds=timeout_seconds)


def run_script(
    lines: Sequence[str], *, command: str, log: Path, timeout_seconds: float | None = 900
) -> CdktfRun:
    """Run shell ``lines`` with bash (``set -e``) in a user's environment; keep the output in
    ``log``.

    Raises:
        CdktfFailed: It exited non-zero or ran past ``timeout_seconds`` (then it is
            stopped, cdktf and Terraform with it).
    """
    script = "set -e\n" + "\n".join(lines)
    started = time.monotonic()
    process = subprocess.Popen(
        ["bash", "-c", script],
        env=user_environment(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        raw, _ = process.communicate(timeout=timeout_seconds)
        code: int | None = process.returncode
    except subprocess.TimeoutExpired:
        raw, _ = stop_process(process)
        code = None
    except BaseException:
        stop_process(process)
        raise
    seconds = time.monotonic() - started
    output = clean_output(raw or "")
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text(f"{script}\n# exit code: {code}, {seconds:.1f} s\n{output}\n")
    if code != 0:
        raise CdktfFailed(command, code, output, str(log))
    return CdktfRun(output=output, seconds=seconds)


def user_environment(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """``base`` (this process's environment) as a user's shell has it: no drkit settings.

    Drops the variables that change what ``app.py`` synthesizes and the jsii
    quieting that importing drkit sets, so a command proves what the project
    does on its own.
    """
    drop: Sequence[str] = (*SYNTH_ENV, *JSII_QUIET)
    return {k: v for k, v in (os.environ if base is None else base).items() if k not in drop}
