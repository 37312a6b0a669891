"""The stacks deployed by the ``cdktf`` CLI, the way a user runs it, against the embedded emulator.

:class:`~drkit.deploy.cdktf_lines.CdktfCommands` writes the shell lines (``cd``, ``export``,
``cdktf deploy|diff|destroy``) that ``drkit demo --keep`` prints; :class:`CdktfDeployment`
runs exactly those lines with bash, in a user's environment.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from drkit import JSII_QUIET
from drkit.deploy.cdktf_lines import CdktfCommands, Stacks, change_lines
from drkit.deploy.errors import CdktfFailed, DeployError
from drkit.deploy.local import (
    DRIFT_FILE,
    EMULATOR_PARALLELISM,
    EmulatorDeployment,
    describe_changes,
)
from drkit.deploy.stackset import StackSet, run_rounds
from drkit.deploy.synth import SYNTH_ENV
from drkit.deploy.terraform import (
    StepTiming,
    Terraform,
    find_provider_mirror,
    find_terraform,
    write_cli_config,
)
from drkit.deploy.terraform.runner import stop_process
from drkit.regions.layout_change import LayoutChange
from drkit.regions.stacks import StackPlan

_ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")
_SPINNER = re.compile(r"^\s*[\u2800-\u28ff]\s")


def clean_output(text: str) -> str:
    """cdktf's output without terminal escapes and spinner frames (it draws them without a TTY)."""
    lines = _ESCAPES.sub("", text).replace("\r", "\n").splitlines()
    return "\n".join(line for line in lines if line.strip() and not _SPINNER.match(line))


@attrs.define(kw_only=True, eq=False)
class CdktfDeployment(EmulatorDeployment):
    """The stacks deployed with ``cdktf deploy`` / ``destroy``, as a user runs them.

    Each step runs the :class:`CdktfCommands` lines with bash, in an environment
    without drkit's own settings (no ``DRKIT_*``, no jsii quieting): what the
    project does by itself is what is tested. The drift check plans each stack
    cdktf synthesized with drkit's Terraform runner (``cdktf diff`` takes one stack and
    synthesizes the whole app each time: the same plan, many times slower).

    Attributes:
        cdktf: The CLI; :func:`find_cdktf` when ``None``.
        commands: The lines, once :meth:`prepare` ran.
        outputs: The cleaned output of each command run, by step.
        drift_plans: The plans :meth:`drift` saw (``terraform show -json``), by stack.
    """

    cdktf: Path | None = None
    commands: CdktfCommands | None = attrs.field(default=None, init=False)
    outputs: dict[str, str] = attrs.field(factory=dict, init=False)
    drift_plans: dict[str, dict[str, Any]] = attrs.field(factory=dict, init=False, repr=False)
    _readers: dict[str, Terraform] = attrs.field(factory=dict, init=False, repr=False)

    @property
    def stacks(self) -> StackSet:
        return StackSet(outdir=self._commands().outdir, plans=self.spec.stacks)

    def prepare(self) -> CdktfCommands:
        """Enforce IAM, empty the workdir, write the mirror-only CLI configuration, make the
        lines."""
        self._start()
        write_cli_config(self.workdir / "terraformrc", find_provider_mirror())
        self.commands = self._commands_for(self.environ)
        return self.commands

    def _commands_for(self, layout: Mapping[str, str]) -> CdktfCommands:
        return CdktfCommands.for_emulator(
            endpoint_url=self.emulator.endpoint_url,
            layout=layout,
            outdir=self.workdir / "cdktf.out",
            cli_config=self.workdir / "terraformrc",
            credentials=self.emulator.credentials,
            executable=self.cdktf,
        )

    def deploy(self, stacks: Stacks = None) -> None:
        """``cdktf deploy --auto-approve``: synth, then init and apply of each stack in order
        (every stack, or ``stacks`` alone)."""
        self._run("deploy", stacks)

    def change_layout(self, environ: Mapping[str, str]) -> LayoutChange:
        """Take the running deployment to ``environ``'s layout with the lines of
        :func:`~drkit.deploy.cdktf_lines.change_lines` (adding or removing a region)."""
        before, plans = self._commands(), self.spec.stacks
        self.environ = dict(environ)
        after = self._commands_for(self.environ)
        try:
            change = LayoutChange.between(plans, self.spec.stacks)
        except ValueError as err:
            raise DeployError(str(err)) from None
        lines = (
            change_lines(before, after, change) if change.steps else after.lines(("deploy", None))
        )
        step = f"change layout (+{','.join(change.added)} -{','.join(change.removed)})"
        done = run_script(
            lines,
            command=step,
            log=self._log(step),
            timeout_seconds=self.step_timeout_seconds,
        )
        self.commands = after
        for name in change.removed:
            self._readers.pop(name, None)
        self.timings.append(StepTiming(step, done.seconds))
        self.outputs[step] = done.output
        return change

    def drift(self) -> list[str]:
        """Plan every stack after deploy; one ``<stack>: <change>`` line per pending change.
        Keeps the plans in :attr:`drift_plans`: every value in them is known, as deployed."""

        def plan(p: StackPlan) -> list[str]:
            tf = self._reader(p.name)
            changed = bool(tf.plan(out=DRIFT_FILE, detailed_exitcode=True))
            self.drift_plans[p.name] = shown = tf.show_json(DRIFT_FILE)
            return describe_changes(shown) if changed else []

        found = self._timed("plan (drift)", lambda: run_rounds(self.stacks, "plan", plan))
        return [f"{name}: {line}" for name in self.stacks.names for line in found[name]]

    def destroy(self, stacks: Stacks = None) -> None:
        """``cdktf destroy --auto-approve``: every stack (or ``stacks``), dependants first."""
        self._run("destroy", stacks)

    def _commands(self) -> CdktfCommands:
        if self.commands is None:
            raise RuntimeError("prepare() first")
        return self.commands

    def _reader(self, name: str) -> Terraform:
        """drkit's runner on a stack cdktf synthesized (and initialized)."""
        if name not in self._readers:
            self._readers[name] = Terraform(
                working_dir=self.stacks.directory(name),
                cli_config=Path(self._commands().environ["TF_CLI_CONFIG_FILE"]),
                executable=find_terraform(),
                parallelism=EMULATOR_PARALLELISM,
                extra_env=self.emulator.client_env(),
                log_dir=self.workdir / "logs" / "terraform" / name,
            )
        return self._readers[name]

    def _log(self, step: str) -> Path:
        return self.workdir / "logs" / f"{len(self.timings) + 1:02d}-cdktf-{step}.log"

    def _run(self, command: str, stacks: Stacks = None) -> str:
        names = (stacks,) if isinstance(stacks, str) else tuple(stacks or ())
        step = " ".join((command, *names))
        done = run_cdktf(
            self._commands(),
            command,
            stacks,
            log=self._log(step),
            timeout_seconds=self.step_timeout_seconds,
        )
        self.timings.append(StepTiming(step, done.seconds))
        self.outputs[step] = done.output
        return done.output


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
