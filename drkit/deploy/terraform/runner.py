"""Runs Terraform commands in a synthesized stack directory, offline, one timed step at a time.

Each command gets drkit's CLI configuration (:mod:`.cli_config`), its own
process group, an optional step timeout, and a log file; a failure raises
:class:`~drkit.deploy.errors.TerraformFailed` with the end of its output.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import attrs

from drkit.deploy.errors import TerraformFailed, TerraformNotFound
from drkit.deploy.terraform.cli_config import terraform_env, write_cli_config
from drkit.deploy.terraform.mirror import DEFAULT_AWS_PROVIDER_VERSION, find_provider_mirror
from drkit.deploy.terraform.plans import plan_has_changes
from drkit.deploy.terraform.shared_provider import SharedProvider
from drkit.errors import SpecError


class StepTiming(NamedTuple):
    """How long one Terraform command took: a plain ``(step, seconds)`` pair to callers.

    Attributes:
        step: The subcommand, e.g. ``"apply"``.
        seconds: Wall-clock time, including Terraform's own start-up.
    """

    step: str
    seconds: float


def find_terraform(env: Mapping[str, str] | None = None) -> Path:
    """Return the ``terraform`` executable on ``env["PATH"]``.

    Raises:
        TerraformNotFound: It is not there.
    """
    env = os.environ if env is None else env
    search_path = env.get("PATH", "")
    found = shutil.which("terraform", path=search_path)
    if found is None:
        raise TerraformNotFound(search_path)
    return Path(found)


def default_cli_config(working_dir: Path) -> Path:
    """Where :meth:`Terraform.for_stack` writes the CLI configuration unless told otherwise."""
    return Path(working_dir).resolve() / ".drkit" / "terraformrc"


@attrs.define(kw_only=True)
class Terraform:
    """Runs Terraform commands in one synthesized stack directory (the one holding ``cdk.tf.json``).

    Mutable on purpose: it accumulates :attr:`timings`. Build it with
    :meth:`for_stack`, which finds Terraform and the provider mirror and writes
    the CLI configuration.

    Attributes:
        working_dir: The stack directory Terraform runs in.
        cli_config: The CLI configuration file passed as ``TF_CLI_CONFIG_FILE``.
        executable: The ``terraform`` binary.
        parallelism: ``-parallelism`` for plan, apply and destroy (Terraform's default is 10).
        lock_timeout_seconds: How long to wait for the state lock.
        step_timeout_seconds: Stop a command that runs longer than this; ``None`` waits forever.
        extra_env: Variables added to every command's environment (after the
            automation flags, so they can override them).
        log_dir: Each command's complete output goes to ``<log_dir>/<n>-<step>.log``;
            ``None`` keeps no logs.
        provider: A running AWS provider every command but ``init`` attaches to
            (:mod:`.shared_provider`); ``None``: Terraform starts its own.
        timings: One ``(step, seconds)`` per command run so far.
    """

    working_dir: Path = attrs.field(converter=Path)
    cli_config: Path = attrs.field(converter=Path)
    executable: Path = attrs.field(converter=Path)
    parallelism: int = attrs.field(default=10)
    lock_timeout_seconds: int = 60
    step_timeout_seconds: float | None = None
    extra_env: Mapping[str, str] = attrs.field(factory=dict)
    log_dir: Path | None = None
    provider: SharedProvider | None = None
    timings: list[StepTiming] = attrs.field(factory=list)
    _last_log: str | None = attrs.field(default=None, init=False, repr=False)

    @parallelism.validator
    def _check_parallelism(self, attribute: attrs.Attribute[int], value: int) -> None:
        if value < 1:
            raise SpecError("parallelism", value, "an integer >= 1")

    @classmethod
    def for_stack(
        cls,
        working_dir: Path | str,
        *,
        provider_version: str = DEFAULT_AWS_PROVIDER_VERSION,
        mirror_root: Path | None = None,
        cli_config_path: Path | None = None,
        plugin_cache_dir: Path | None = None,
        parallelism: int = 10,
        lock_timeout_seconds: int = 60,
        step_timeout_seconds: float | None = None,
        extra_env: Mapping[str, str] | None = None,
        keep_logs: bool = True,
    ) -> Terraform:
        """Prepare Terraform for a stack directory: find the tools and write the CLI config.

        Args:
            working_dir: The synthesized stack directory.
            provider_version: The hashicorp/aws version the mirror must hold.
            mirror_root: Mirror to use; discovered with :func:`find_provider_mirror` when ``None``.
            cli_config_path: Where to write the CLI configuration; defaults to
                ``<working_dir>/.drkit/terraformrc``.
            plugin_cache_dir: Optional shared plugin cache directory.
            parallelism: See the class attributes.
            lock_timeout_seconds: See the class attributes.
            step_timeout_seconds: See the class attributes.
            extra_env: See the class attributes.
            keep_logs: Write each command's output under ``<working_dir>/.drkit/logs``.

        Raises:
            TerraformNotFound: ``terraform`` is not on the PATH.
            ProviderMirrorNotFound: No mirror holds the provider.
        """
        working_dir = Path(working_dir).resolve()
        executable = find_terraform()
        root = (
            mirror_root
            if mirror_root is not None
            else find_provider_mirror(version=provider_version)
        )
        config = write_cli_config(
            cli_config_path or default_cli_config(working_dir),
            root,
            plugin_cache_dir=plugin_cache_dir,
        )
        return cls(
            working_dir=working_dir,
            cli_config=config,
            executable=executable,
            parallelism=parallelism,
            lock_timeout_seconds=lock_timeout_seconds,
            step_timeout_seconds=step_timeout_seconds,
            extra_env=dict(extra_env or {}),
            log_dir=working_dir / ".drkit" / "logs" if keep_logs else None,
        )

    # -- commands -----------------------------------------------------------

    def init(self) -> None:
        """``terraform init`` from the mirror (no registry, no backend prompts)."""
        self._run("init", ["init", "-input=false", "-no-color", self._lock_timeout()])

    def validate(self) -> dict[str, Any]:
        """``terraform validate -json``; returns its report.

        Raises:
            TerraformFailed: The configuration is invalid; the message holds the diagnostics.
        """
        result = self._run("validate", ["validate", "-no-color", "-json"], ok_codes=(0, 1))
        report: dict[str, Any] = json.loads(result.stdout or "{}")
        if result.returncode != 0 or not report.get("valid", False):
            diagnostics = [
                ": ".join(
                    (d.get("severity", "error"), d.get("summary", ""), d.get("detail", ""))
                ).rstrip(": ")
                for d in report.get("diagnostics", [])
            ]
            raise TerraformFailed(
                "validate",
                result.returncode,
                "\n".join(diagnostics) or result.stderr,
                log_path=self._last_log,
            )
        return report

    def plan(
        self,
        out: Path | str | None = None,
        *,
        detailed_exitcode: bool = True,
        destroy: bool = False,
        refresh: bool = True,
    ) -> bool | None:
        """``terraform plan``; returns whether changes are pending.

        Args:
            out: Save the plan to this file (relative paths are relative to the stack dir).
            detailed_exitcode: Pass ``-detailed-exitcode`` so that the exit code
                tells whether changes are pending. Without it the answer comes
                from the saved plan when ``out`` is given, else it is unknown.
            destroy: Plan a destroy.
            refresh: ``-refresh=false`` when ``False``.

        Returns:
            ``True`` when changes are pending, ``False`` when there are none,
            ``None`` when that cannot be known (no detailed exit code, no plan file).
        """
        args = ["plan", "-input=false", "-no-color", self._lock_timeout(), self._parallelism()]
        if destroy:
            args.append("-destroy")
        if not refresh:
            args.append("-refresh=false")
        if out is not None:
            args.append(f"-out={out}")
        if detailed_exitcode:
            args.append("-detailed-exitcode")
            result = self._run("plan", args, ok_codes=(0, 2))
            return result.returncode == 2
        self._run("plan", args)
        if out is None:
            return None
        return plan_has_changes(self.show_json(out))

    def apply(self, plan_file: Path | str | None = None, *, refresh: bool = True) -> bool:
        """``terraform apply -auto-approve``, of ``plan_file`` when given (without
        ``refresh``: ``-refresh=false``, planned from the state alone); whether it changed
        anything (True unless Terraform's summary says 0 of everything)."""
        args = [
            "apply",
            "-auto-approve",
            "-input=false",
            "-no-color",
            self._lock_timeout(),
            self._parallelism(),
        ]
        if not refresh and plan_file is None:
            args.append("-refresh=false")
        if plan_file is not None:
            args.append(str(plan_file))
        done = self._run("apply", args)
        summary = _APPLIED.search(done.stdout)
        return summary is None or any(int(n) for n in summary.groups() if n)

    def destroy(self, *, refresh: bool = True) -> None:
        """``terraform destroy -auto-approve``.

        Args:
            refresh: ``-refresh=false`` when ``False``: skips reading every
                resource first, which saves a whole provider start-up when
                the state is known to be current (say, right after a plan).
        """
        args = [
            "destroy",
            "-auto-approve",
            "-input=false",
            "-no-color",
            self._lock_timeout(),
            self._parallelism(),
        ]
        if not refresh:
            args.append("-refresh=false")
        self._run("destroy", args)

    def show_json(self, plan_file: Path | str | None = None) -> dict[str, Any]:
        """``terraform show -json`` of ``plan_file``, or of the state when ``None``."""
        args = ["show", "-json", "-no-color"]
        if plan_file is not None:
            args.append(str(plan_file))
        result = self._run("show", args)
        shown: dict[str, Any] = json.loads(result.stdout or "{}")
        return shown

    def state_list(self) -> list[str]:
        """``terraform state list``: the addresses of every resource in the state."""
        result = self._run("state list", ["state", "list"])
        return [line.strip() for line in result.stdout.splitlines() if line.strip()]

    def output_json(self) -> dict[str, Any]:
        """``terraform output -json``: every output as Terraform reports it (value, type, ...)."""
        result = self._run("output", ["output", "-json", "-no-color"])
        outputs: dict[str, Any] = json.loads(result.stdout or "{}")
        return outputs

    def timing_report(self) -> str:
        """The timings as aligned text lines, with a total."""
        width = max([len(t.step) for t in self.timings] + [5])
        lines = [f"{t.step:<{width}}  {t.seconds:7.1f} s" for t in self.timings]
        lines.append(f"{'total':<{width}}  {sum(t.seconds for t in self.timings):7.1f} s")
        return "\n".join(lines)

    # -- internals ----------------------------------------------------------

    def _lock_timeout(self) -> str:
        return f"-lock-timeout={self.lock_timeout_seconds}s"

    def _parallelism(self) -> str:
        return f"-parallelism={self.parallelism}"

    def environment(self) -> dict[str, str]:
        """What every command runs with (a shared provider's variable aside)."""
        env = terraform_env(self.cli_config)
        env.update(self.extra_env)
        return env

    def _run(
        self, step: str, args: Sequence[str], *, ok_codes: Sequence[int] = (0,)
    ) -> subprocess.CompletedProcess[str]:
        """Run one command, record its time and log, and raise on a bad exit code."""
        started = time.monotonic()
        env = self.environment()
        if self.provider is not None and args[0] != "init":
            env.update(self.provider.environ())
        process = subprocess.Popen(
            [str(self.executable), *args],
            cwd=self.working_dir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            # Its own process group: Ctrl-C reaches only us, and we send one
            # graceful stop; a timeout can kill Terraform and its providers together.
            start_new_session=True,
        )
        try:
            stdout, stderr = process.communicate(timeout=self.step_timeout_seconds)
        except subprocess.TimeoutExpired:
            stdout, stderr = stop_process(process)
            self.timings.append(StepTiming(step, time.monotonic() - started))
            self._write_log(step, args, None, stdout, stderr)
            raise TerraformFailed(
                step,
                None,
                stderr or stdout,
                log_path=self._last_log,
                timeout_seconds=self.step_timeout_seconds,
            ) from None
        except BaseException:
            # Ctrl-C (it reaches only us: Terraform has its own session) and
            # friends: stop Terraform gracefully, never leave it running.
            stop_process(process)
            raise
        self.timings.append(StepTiming(step, time.monotonic() - started))
        self._write_log(step, args, process.returncode, stdout, stderr)
        if process.returncode not in ok_codes:
            raise TerraformFailed(
                step,
                process.returncode,
                stderr if stderr.strip() else stdout,
                log_path=self._last_log,
            )
        return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)

    def _write_log(
        self, step: str, args: Sequence[str], code: int | None, stdout: str, stderr: str
    ) -> None:
        if self.log_dir is None:
            self._last_log = None
            return
        self.log_dir.mkdir(parents=True, exist_ok=True)
        path = self.log_dir / f"{len(self.timings):02d}-{step.replace(' ', '-')}.log"
        path.write_text(
            f"$ terraform {' '.join(args)}\n# exit code: {code}\n"
            f"# --- stdout ---\n{stdout}\n# --- stderr ---\n{stderr}\n"
        )
        self._last_log = str(path)


#: The last line of an apply: ``Apply complete! Resources: 0 added, 0 changed, 0 destroyed.``
_APPLIED = re.compile(
    r"Apply complete! Resources: (?:(\d+) imported, )?(\d+) added, (\d+) changed, (\d+) destroyed"
)


def stop_process(process: subprocess.Popen[str], grace_seconds: float = 30.0) -> tuple[str, str]:
    """Stop Terraform and the providers it started.

    One SIGTERM is Terraform's graceful stop, the same as Ctrl-C's SIGINT (it
    cancels the providers' operations and saves the state); a second signal
    would make it exit at once. SIGTERM rather than SIGINT because a process can
    lose a SIGINT (Python drops the KeyboardInterrupt while it is importing), and
    the runner would then wait out the whole grace; SIGTERM's default action
    ends such a process. After the grace period the whole process group is killed.
    """
    with contextlib.suppress(ProcessLookupError):
        process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + grace_seconds
    # Wait for Terraform itself, not for its output pipes to close: a provider
    # it leaves behind would hold them open. communicate() keeps draining them.
    while process.poll() is None and time.monotonic() < deadline:
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.communicate(timeout=0.2)
    # Kill whatever is left in its group (providers, or Terraform past the grace).
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    return process.communicate()
