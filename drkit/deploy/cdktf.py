"""The stacks deployed by the ``cdktf`` CLI, the way a user runs it, against the embedded emulator.

:class:`CdktfCommands` writes the shell lines (``cd``, ``export``, ``cdktf
deploy|diff|destroy``) that ``drkit demo --keep`` prints; :class:`CdktfDeployment`
runs exactly those lines with bash. The project's own ``cdktf.json`` runs
``app.py``; the only extras offline are a mirror-only Terraform CLI
configuration and ``--skip-provider-lock`` (otherwise the CLI runs ``terraform
providers lock``, which asks the public registry). ``'*'`` names every stack (cdktf
orders them by their dependencies); one stack alone needs
``--ignore-missing-stack-dependencies``, which says its dependencies are applied already.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from drkit import JSII_QUIET
from drkit.deploy.errors import CdktfFailed, CdktfNotFound
from drkit.deploy.local import (
    DRIFT_FILE,
    EMULATOR_PARALLELISM,
    EmulatorDeployment,
    describe_changes,
)
from drkit.deploy.stackset import StackSet, run_rounds
from drkit.deploy.synth import ROOT, SYNTH_ENV
from drkit.deploy.terraform import (
    StepTiming,
    Terraform,
    find_provider_mirror,
    find_terraform,
    write_cli_config,
)
from drkit.deploy.terraform.cli_config import GO_RUNTIME_ENV
from drkit.deploy.terraform.runner import stop_process
from drkit.regions.spec import DeploymentSpec, Target
from drkit.regions.stacks import StackPlan

#: Where ``make tools`` installs cdktf-cli (npm ``cdktf-cli@0.21.0``).
PROJECT_CDKTF = ROOT / ".tools" / "cdktf" / "node_modules" / ".bin" / "cdktf"
#: Every stack, as cdktf's stack patterns (minimatch) read it.
EVERY_STACK = "*"
#: One stack whose dependencies are already applied.
ALONE = "--ignore-missing-stack-dependencies"
_PARALLELISM = ("--terraform-parallelism", str(EMULATOR_PARALLELISM))
_FLAGS = {
    "diff": ("--skip-provider-lock",),
    "deploy": ("--auto-approve", "--skip-provider-lock", *_PARALLELISM),
    "destroy": ("--auto-approve", "--skip-provider-lock", *_PARALLELISM),
}
_ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")
_SPINNER = re.compile(r"^\s*[\u2800-\u28ff]\s")


def find_cdktf(env: Mapping[str, str] | None = None) -> Path:
    """The project's cdktf (``make tools``), else one on the PATH.

    Raises:
        CdktfNotFound: Neither exists.
    """
    if PROJECT_CDKTF.is_file():
        return PROJECT_CDKTF
    env = os.environ if env is None else env
    found = shutil.which("cdktf", path=env.get("PATH", ""))
    if found is None:
        raise CdktfNotFound([str(PROJECT_CDKTF), "PATH"])
    return Path(found)


@attrs.frozen(kw_only=True)
class CdktfCommands:
    """The shell lines that run ``cdktf`` on a local deployment from the project directory.

    Attributes:
        executable: The cdktf CLI.
        outdir: The synth output directory; the local target keeps its state there
            (drkit/stacks/base.py), so these lines see the state of whoever deployed it.
        environ: The variables the commands need, in the order they are printed.
    """

    executable: Path
    outdir: Path
    environ: Mapping[str, str]

    @classmethod
    def for_emulator(
        cls,
        *,
        endpoint_url: str,
        layout: Mapping[str, str],
        outdir: Path,
        cli_config: Path,
        credentials: Mapping[str, str],
        executable: Path | None = None,
    ) -> CdktfCommands:
        """The lines for the layout ``layout`` (``DRKIT_CONFIG``, ``ENVIRONMENT_SUFFIX``).

        ``credentials`` (``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``) are the
        emulator's deployer's: it enforces IAM, and the local target's providers
        take their keys from the environment.

        Both layout variables are always set (the config empty for the built-in
        layout, the suffix resolved), so a value left in the user's shell cannot
        change the stack the lines deploy.
        """
        target = {"DRKIT_TARGET": Target.LOCAL.value, "DRKIT_ENDPOINT_URL": endpoint_url}
        config = layout.get("DRKIT_CONFIG") or ""
        spec = DeploymentSpec.from_environment({**layout, **target})
        environ = {
            **target,
            "DRKIT_CONFIG": str(Path(config).resolve()) if config else "",
            "ENVIRONMENT_SUFFIX": spec.environment_suffix,
            **{k: credentials[k] for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")},
            # Providers from the local mirror only; without it `terraform init` asks the registry.
            "TF_CLI_CONFIG_FILE": str(cli_config),
            # Neither cdktf nor Terraform calls HashiCorp's version check.
            "CHECKPOINT_DISABLE": "1",
            # Less garbage collection in Terraform and its provider, as drkit's runner does.
            **GO_RUNTIME_ENV,
        }
        return cls(
            executable=executable or find_cdktf(), outdir=Path(outdir).resolve(), environ=environ
        )

    def lines(self, *commands: tuple[str, str | None]) -> list[str]:
        """``cd <project>``, ``export ...``, then one ``cdktf <command> <stack>`` line per
        ``(command, stack)``; a stack of None is every stack."""
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in self.environ.items())
        return [
            f"cd {shlex.quote(str(ROOT))}",
            f"export {exports}",
            *(shlex.join(self.argv(command, stack)) for command, stack in commands),
        ]

    def argv(self, command: str, stack: str | None = None) -> list[str]:
        """``cdktf <command>`` on ``stack`` alone, or on every stack (None).

        Raises:
            ValueError: An unknown command, or ``diff`` without a stack (cdktf diffs one).
        """
        if command not in _FLAGS:
            raise ValueError(f"cdktf {command!r}: one of {', '.join(_FLAGS)}")
        if command == "diff" and stack is None:
            raise ValueError("cdktf diff takes one stack")
        alone = (ALONE,) if stack is not None and command != "diff" else ()
        return [
            _relative(self.executable),
            command,
            stack or EVERY_STACK,
            *_FLAGS[command],
            *alone,
            "--output",
            _relative(self.outdir),
        ]


def _relative(path: Path) -> str:
    """Paths inside the project as the ``cd``-ed shell sees them (shorter to read and copy)."""
    try:  # abspath, not resolve(): node_modules/.bin/cdktf is a symlink to keep as it is
        return str(Path(os.path.abspath(path)).relative_to(ROOT))
    except ValueError:
        return str(path)


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
        cli_config = write_cli_config(self.workdir / "terraformrc", find_provider_mirror())
        self.commands = CdktfCommands.for_emulator(
            endpoint_url=self.emulator.endpoint_url,
            layout=self.environ,
            outdir=self.workdir / "cdktf.out",
            cli_config=cli_config,
            credentials=self.emulator.credentials,
            executable=self.cdktf,
        )
        return self.commands

    def deploy(self, stack: str | None = None) -> None:
        """``cdktf deploy --auto-approve``: synth, then init and apply of each stack in order."""
        self._run("deploy", stack)

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

    def destroy(self, stack: str | None = None) -> None:
        """``cdktf destroy --auto-approve``: every stack, dependants first."""
        self._run("destroy", stack)

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

    def _run(self, command: str, stack: str | None = None) -> str:
        step = command if stack is None else f"{command} {stack}"
        done = run_cdktf(
            self._commands(),
            command,
            stack,
            log=self.workdir / "logs" / f"{len(self.timings) + 1:02d}-cdktf-{step}.log",
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
    stack: str | None = None,
    *,
    log: Path,
    timeout_seconds: float | None = 900,
) -> CdktfRun:
    """Run the lines of ``command`` (on ``stack``, or every stack) with bash, as a user's shell
    would; keep the output in ``log``.

    Raises:
        CdktfFailed: It exited non-zero or ran past ``timeout_seconds`` (then it is
            stopped, cdktf and Terraform with it).
    """
    script = "set -e\n" + "\n".join(commands.lines((command, stack)))
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
