"""The shell lines that run the ``cdktf`` CLI on a deployment, as ``drkit demo --keep`` prints them.

The project's own ``cdktf.json`` runs ``app.py``; the only extras offline are a mirror-only
Terraform CLI configuration and ``--skip-provider-lock`` (otherwise the CLI runs ``terraform
providers lock``, which asks the public registry). ``'*'`` names every stack (cdktf orders
them by their dependencies); some stacks alone need ``--ignore-missing-stack-dependencies``,
which says their dependencies are applied already. :func:`change_lines` writes the steps of
adding or removing a region (``drkit.regions.layout_change``).
"""

from __future__ import annotations

import os
import shlex
import shutil
from collections.abc import Mapping
from pathlib import Path

import attrs

from drkit.deploy.errors import CdktfNotFound
from drkit.deploy.local import EMULATOR_PARALLELISM
from drkit.deploy.synth import ROOT
from drkit.deploy.terraform.cli_config import GO_RUNTIME_ENV
from drkit.regions.layout_change import Action, Layout, LayoutChange
from drkit.regions.runtime_source import RUNTIME_VARIABLE
from drkit.regions.spec import RETIRING_REGIONS_VARIABLE, DeploymentSpec, Target

#: Where ``make tools`` installs cdktf-cli (npm ``cdktf-cli@0.21.0``).
PROJECT_CDKTF = ROOT / ".tools" / "cdktf" / "node_modules" / ".bin" / "cdktf"
#: Every stack, as cdktf's stack patterns (minimatch) read it.
EVERY_STACK = "*"
#: One stack whose dependencies are already applied.
ALONE = "--ignore-missing-stack-dependencies"
#: The stacks of a command: one name, several, or None for every stack.
Stacks = str | tuple[str, ...] | None
_PARALLELISM = ("--terraform-parallelism", str(EMULATOR_PARALLELISM))
_FLAGS = {
    "diff": ("--skip-provider-lock",),
    "deploy": ("--auto-approve", "--skip-provider-lock", *_PARALLELISM),
    "destroy": ("--auto-approve", "--skip-provider-lock", *_PARALLELISM),
}


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

        The layout variables and ``DRKIT_RUNTIME`` are always set (the config empty for
        the built-in layout, the suffix resolved, the runtime empty for assets/runtime), so
        a value left in the user's shell cannot change the stack the lines deploy.
        """
        target = {"DRKIT_TARGET": Target.LOCAL.value, "DRKIT_ENDPOINT_URL": endpoint_url}
        config = layout.get("DRKIT_CONFIG") or ""
        spec = DeploymentSpec.from_environment({**layout, **target})
        runtime = layout.get(RUNTIME_VARIABLE) or ""
        environ = {
            **target,
            "DRKIT_CONFIG": str(Path(config).resolve()) if config else "",
            "ENVIRONMENT_SUFFIX": spec.environment_suffix,
            # The Lambda code the deployment ships (empty: assets/runtime), like the layout.
            RUNTIME_VARIABLE: str(Path(runtime).resolve()) if runtime else "",
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

    def lines(self, *commands: tuple[str, Stacks]) -> list[str]:
        """``cd <project>``, ``export ...``, then one ``cdktf <command> <stacks>`` line per
        ``(command, stacks)``; stacks of None is every stack."""
        return [
            f"cd {shlex.quote(str(ROOT))}",
            self.export_line(),
            *(shlex.join(self.argv(command, stacks)) for command, stacks in commands),
        ]

    def export_line(self) -> str:
        return "export " + " ".join(f"{k}={shlex.quote(v)}" for k, v in self.environ.items())

    def argv(self, command: str, stacks: Stacks = None) -> list[str]:
        """``cdktf <command>`` on some stacks alone (one name, or several), or on every stack
        (None).

        Raises:
            ValueError: An unknown command, or ``diff`` without exactly one stack.
        """
        if command not in _FLAGS:
            raise ValueError(f"cdktf {command!r}: one of {', '.join(_FLAGS)}")
        names = (stacks,) if isinstance(stacks, str) else tuple(stacks or ())
        if command == "diff" and len(names) != 1:
            raise ValueError("cdktf diff takes one stack")
        alone = (ALONE,) if names and command != "diff" else ()
        return [
            _relative(self.executable),
            command,
            *(names or (EVERY_STACK,)),
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


def change_lines(before: CdktfCommands, after: CdktfCommands, change: LayoutChange) -> list[str]:
    """The lines that take a running deployment from ``before``'s layout to ``after``'s.

    Each step of ``change`` is one ``cdktf deploy`` or ``destroy`` line; a step on the old
    layout sets the variables that differ on its own line. Adding a region is every stack
    (``'*'``) of the new layout.
    """
    lines = [f"cd {shlex.quote(str(ROOT))}", after.export_line()]
    for step in change.steps:
        commands = after if step.layout is Layout.AFTER else before
        every = step.action is Action.APPLY and bool(change.added)
        argv = commands.argv(
            "deploy" if step.action is Action.APPLY else "destroy",
            None if every else step.stacks,
        )
        differ = {k: v for k, v in commands.environ.items() if after.environ.get(k) != v}
        if step.retiring:
            differ[RETIRING_REGIONS_VARIABLE] = ",".join(step.retiring)
        prefix = "".join(f"{k}={shlex.quote(v)} " for k, v in differ.items())
        lines.append(f"{prefix}{shlex.join(argv)}")
    return lines
