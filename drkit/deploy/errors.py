"""The errors raised while deploying: a missing tool or provider mirror, a failed Terraform step.

Every message says what went wrong and what to do about it, so a CLI can print
``str(error)`` instead of a traceback.
"""

from __future__ import annotations

from collections.abc import Sequence

from drkit.errors import DrkitError


class DeployError(DrkitError):
    """Base class of the errors raised by :mod:`drkit.deploy`."""


class TerraformNotFound(DeployError):
    """The ``terraform`` executable is not on the PATH."""

    def __init__(self, searched_path: str | None = None) -> None:
        self.searched_path = searched_path
        where = f" (PATH={searched_path})" if searched_path is not None else ""
        super().__init__(
            f"terraform not on PATH{where}; install Terraform 1.5+ "
            "(https://developer.hashicorp.com/terraform/install) and make sure "
            "`terraform version` works in this shell"
        )


class ProviderMirrorNotFound(DeployError):
    """No local filesystem mirror holds the AWS provider that drkit pins.

    Attributes:
        provider: The provider address and version looked for, e.g.
            ``registry.terraform.io/hashicorp/aws 5.100.0 (linux_amd64)``.
        searched: The mirror roots that were looked at, in order.
        env_var: The environment variable that names a mirror root explicitly.
    """

    def __init__(self, provider: str, searched: Sequence[str], env_var: str) -> None:
        self.provider = provider
        self.searched = tuple(searched)
        self.env_var = env_var
        listing = "\n".join(f"  - {root}" for root in self.searched) or "  (nothing)"
        super().__init__(
            f"no local Terraform provider mirror holds {provider}; searched:\n{listing}\n"
            f"Set {env_var} to the root of a filesystem mirror (the directory that "
            "contains registry.terraform.io/), e.g. one made with "
            "`terraform providers mirror <dir>`."
        )


class TerraformFailed(DeployError):
    """A Terraform command exited with an error (or ran out of time).

    Attributes:
        step: The Terraform subcommand that failed (``init``, ``apply``, ...).
        exit_code: Its exit code; ``None`` when drkit stopped it after a timeout.
        stderr_tail: The last lines of its error output (its normal output when
            the error output was empty).
        log_path: The file holding its complete output, when one was written.
    """

    TAIL_LINES = 40

    def __init__(
        self,
        step: str,
        exit_code: int | None,
        output: str,
        *,
        log_path: str | None = None,
        timeout_seconds: float | None = None,
    ) -> None:
        self.step = step
        self.exit_code = exit_code
        lines = output.rstrip().splitlines()
        self.stderr_tail = "\n".join(lines[-self.TAIL_LINES :])
        self.log_path = log_path
        if exit_code is None:
            head = f"terraform {step} did not finish within {timeout_seconds:g} s and was stopped"
        else:
            head = f"terraform {step} failed with exit code {exit_code}"
        tail = self.stderr_tail or "(no output)"
        full = f"\nFull output: {log_path}" if log_path else ""
        super().__init__(f"{head}; last lines of its output:\n{tail}{full}")


class CdktfNotFound(DeployError):
    """The ``cdktf`` CLI is neither in the project's tools folder nor on the PATH."""

    def __init__(self, searched: Sequence[str]) -> None:
        self.searched = tuple(searched)
        super().__init__(
            f"cdktf-cli not found (looked at {', '.join(self.searched)}); "
            "`make tools` installs cdktf-cli 0.21.0 into .tools/cdktf"
        )


class CdktfFailed(DeployError):
    """A ``cdktf`` command exited with an error (or ran out of time).

    Attributes:
        command: ``deploy``, ``diff``, ``destroy``.
        exit_code: Its exit code; ``None`` when drkit stopped it after a timeout.
        log_path: The file holding its complete output.
    """

    TAIL_LINES = 40

    def __init__(self, command: str, exit_code: int | None, output: str, log_path: str) -> None:
        self.command = command
        self.exit_code = exit_code
        self.log_path = log_path
        tail = "\n".join(output.rstrip().splitlines()[-self.TAIL_LINES :]) or "(no output)"
        head = (
            f"cdktf {command} was stopped after its time ran out"
            if exit_code is None
            else f"cdktf {command} failed with exit code {exit_code}"
        )
        super().__init__(f"{head}; last lines of its output:\n{tail}\nFull output: {log_path}")
