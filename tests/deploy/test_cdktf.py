"""The cdktf lines: what ``drkit demo --keep`` prints is what the cdktf end-to-end test runs.

These tests need neither an emulator nor the CLI; tests/e2e runs the lines for real.
"""

from __future__ import annotations

import re
import shlex
import types
from pathlib import Path

import pytest

from drkit import JSII_QUIET
from drkit.deploy import cdktf_lines
from drkit.deploy.cdktf import clean_output, user_environment
from drkit.deploy.cdktf_lines import CdktfCommands
from drkit.deploy.demo import DEFAULT_WORKDIR, cdktf_commands, exploration
from drkit.deploy.local import LocalDeployment
from drkit.deploy.stackset import StackSet
from drkit.deploy.terraform import Terraform
from drkit.regions import DeploymentSpec
from drkit.regions.layout_change import LayoutChange
from tests.helpers import ROOT

ENDPOINT = "http://127.0.0.1:4999"
#: The emulator's deployer's keys (it enforces IAM; moto makes them when drkit bootstraps it).
KEYS = {"AWS_ACCESS_KEY_ID": "AKIAEXAMPLEDEPLOYER1", "AWS_SECRET_ACCESS_KEY": "s3cr3t/+key"}
COMMANDS = (("diff", "drkit-usw2"), ("deploy", "drkit-usw2"), ("deploy", None), ("destroy", None))
README_LINES = re.compile(
    r"<!-- drkit demo --keep: begin [^>]*-->\n```console\n(.*?)```\n"
    r"<!-- drkit demo --keep: end -->",
    re.S,
)


def _commands(tmp_path: Path, layout: dict[str, str] | None = None) -> CdktfCommands:
    return CdktfCommands.for_emulator(
        endpoint_url=ENDPOINT,
        layout=layout or {},
        credentials=KEYS,
        outdir=tmp_path / "cdktf.out",
        cli_config=tmp_path / "terraformrc",
        executable=cdktf_lines.PROJECT_CDKTF,
    )


def _exports(line: str) -> dict[str, str]:
    words = shlex.split(line)
    assert words[0] == "export"
    return dict(word.split("=", 1) for word in words[1:])


def test_lines_cd_to_the_project_export_the_target_and_run_cdktf(tmp_path):
    """cd to the project (its cdktf.json runs app.py), export the local target, then cdktf."""
    cd, export, diff, alone, deploy, destroy = _commands(tmp_path).lines(*COMMANDS)
    assert shlex.split(cd) == ["cd", str(ROOT)]
    assert _exports(export) == {
        "DRKIT_TARGET": "local",
        "DRKIT_ENDPOINT_URL": ENDPOINT,
        "DRKIT_CONFIG": "",
        "ENVIRONMENT_SUFFIX": "dev",
        "DRKIT_RUNTIME": "",
        **KEYS,
        "TF_CLI_CONFIG_FILE": str(tmp_path / "terraformrc"),
        "CHECKPOINT_DISABLE": "1",
        "GOGC": "400",
    }
    out = str(tmp_path / "cdktf.out")
    cli = ".tools/cdktf/node_modules/.bin/cdktf"
    assert shlex.split(diff) == [cli, "diff", "drkit-usw2", "--skip-provider-lock", "--output", out]
    flags = ["--auto-approve", "--skip-provider-lock", "--terraform-parallelism", "32"]
    assert shlex.split(alone) == [
        cli, "deploy", "drkit-usw2", *flags, "--ignore-missing-stack-dependencies", "--output", out
    ]  # fmt: skip
    for line, command in ((deploy, "deploy"), (destroy, "destroy")):
        assert shlex.split(line) == [cli, command, "*", *flags, "--output", out]


def test_the_layout_is_always_explicit(tmp_path):
    """A layout file and suffix are exported as given (the file's absolute path)."""
    layout = {"DRKIT_CONFIG": "examples/three-region.toml", "ENVIRONMENT_SUFFIX": "e2e3"}
    _, export = _commands(tmp_path, layout).lines()
    exported = _exports(export)
    assert exported["DRKIT_CONFIG"] == str(Path("examples/three-region.toml").resolve())
    assert exported["ENVIRONMENT_SUFFIX"] == "e2e3"


def test_an_unknown_command_is_refused(tmp_path):
    with pytest.raises(ValueError, match="'synth'"):
        _commands(tmp_path).argv("synth")


def test_diff_takes_one_stack(tmp_path):
    """cdktf diffs one stack at a time: a diff of every stack is refused, not printed."""
    with pytest.raises(ValueError, match="one stack"):
        _commands(tmp_path).argv("diff")


def test_removing_a_region_is_four_lines_the_destroy_on_the_old_layout(tmp_path):
    """Removing eu-west-1: deploy what linked it and the rest of the new layout, destroy its
    stack with the old layout's variables on that line alone, then deploy the roles."""
    three = {"DRKIT_CONFIG": "examples/three-region.toml", "ENVIRONMENT_SUFFIX": "e2e3"}
    two = {"DRKIT_CONFIG": "tests/e2e/two-region.toml", "ENVIRONMENT_SUFFIX": "e2e3"}
    before, after = _commands(tmp_path, three), _commands(tmp_path, two)
    change = LayoutChange.between(_stacks_of(three), _stacks_of(two))
    _, export, unlink, rest, destroy, roles = cdktf_lines.change_lines(before, after, change)
    assert export == after.export_line()
    words = shlex.split(unlink)
    assert words[0] == "DRKIT_RETIRING_REGIONS=eu-west-1"  # the links keep its provider
    assert words[2:5] == ["deploy", "drkit-links", "drkit-routing"]
    assert shlex.split(rest)[2:6] == ["drkit-dns", "drkit-zone", "drkit-use1", "drkit-usw2"]
    words = shlex.split(destroy)
    assert words[0] == f"DRKIT_CONFIG={Path('examples/three-region.toml').resolve()}"
    assert words[2:4] == ["destroy", "drkit-euw1"]
    assert "--ignore-missing-stack-dependencies" in words
    assert shlex.split(roles)[1:3] == ["deploy", "drkit-iam"]
    added = LayoutChange.between(_stacks_of(two), _stacks_of(three))
    *_, every = cdktf_lines.change_lines(after, before, added)
    assert shlex.split(every)[1:3] == ["deploy", "*"]


def _stacks_of(layout: dict[str, str]):
    return DeploymentSpec.from_environment(layout).stacks


def test_the_commands_run_without_drkits_own_environment():
    """What a user's shell has: no DRKIT_* layout variables, no jsii quieting drkit set."""
    base = {
        "PATH": "/usr/bin",
        "DRKIT_CONFIG": "x.toml",
        "ENVIRONMENT_SUFFIX": "zz",
        **JSII_QUIET,
    }
    assert user_environment(base) == {"PATH": "/usr/bin"}


def test_clean_output_drops_spinner_frames_and_escapes():
    raw = "\x1b[2K\x1b[1A\r⠋  Synthesizing\n\x1b[91mdrkit  Apply complete!\x1b[39m\r\n\n"
    assert clean_output(raw) == "drkit  Apply complete!"


def test_the_demo_prints_the_lines_of_its_own_deployment(tmp_path, real_terraform):
    """``--keep`` prints the lines for the demo's emulator, layout, state and CLI config."""
    deployment = LocalDeployment(
        emulator=types.SimpleNamespace(endpoint_url=ENDPOINT, credentials=KEYS),
        workdir=tmp_path,
        environ={"ENVIRONMENT_SUFFIX": "demo"},
    )
    _pretend_synthesized(deployment, Terraform.for_stack(tmp_path / "cdktf.out" / "stacks" / "x"))
    text = exploration(deployment, "us-east-1")
    cli = next(line for line in text.splitlines() if "AWS_ENDPOINT_URL=" in line)
    assert _exports(cli.strip()) == {
        "AWS_ENDPOINT_URL": ENDPOINT,
        **KEYS,  # the deployer's: the emulator enforces IAM and refuses moto's "test" keys
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    lines = cdktf_commands(deployment).lines(*COMMANDS)
    assert "".join(f"  {line}\n" for line in lines) in text
    exported = _exports(lines[1])
    assert exported["TF_CLI_CONFIG_FILE"] == str(deployment.cli_config)
    assert exported["ENVIRONMENT_SUFFIX"] == "demo"
    assert f"--output {tmp_path / 'cdktf.out'}" in lines[2]
    assert "drkit outage take-out us-east-1" in text


def _pretend_synthesized(deployment: LocalDeployment, terraform: Terraform) -> None:
    """Give ``deployment`` its stacks and runners as a synthesis would (no synth here)."""
    deployment.stack_set = StackSet(outdir=deployment.outdir, plans=deployment.spec.stacks)
    deployment.terraform = dict.fromkeys(deployment.stack_set.names, terraform)


def test_the_readme_shows_the_lines_the_demo_prints():
    """README.md's cdktf lines are what ``drkit demo --keep`` prints for the README's sample run
    (its emulator port and deployer keys, the default layout and workdir), the clone at
    /home/me/drkit."""
    readme = (ROOT / "README.md").read_text()
    endpoint = re.search(r"drkit demo \| emulator .* at (http://\S+) ", readme).group(1)
    keys = {k: re.search(rf" {k}=(\S+) ", readme).group(1) for k in KEYS}
    workdir = ROOT / DEFAULT_WORKDIR
    deployment = LocalDeployment(
        emulator=types.SimpleNamespace(endpoint_url=endpoint, credentials=keys),
        workdir=workdir,
        environ={},
    )
    stack_dir = workdir / "cdktf.out" / "stacks" / "drkit-iam"
    _pretend_synthesized(
        deployment,
        Terraform(
            working_dir=stack_dir,
            cli_config=workdir / "terraformrc",
            executable=Path("terraform"),
        ),
    )
    printed = "".join(f"{line}\n" for line in cdktf_commands(deployment).lines(*COMMANDS))
    assert f"  {printed.splitlines()[-1]}\n" in exploration(deployment, "us-east-1")
    shown = README_LINES.findall(readme)
    assert len(shown) == 1, "README.md must show the demo's cdktf lines once"
    assert shown[0] == printed.replace(str(ROOT), "/home/me/drkit")
