"""The Terraform runner: how commands are run, timed, logged, stopped, and how they fail.

Most tests run a fake ``terraform`` (a small Python script on a temporary PATH)
that records its arguments and environment and answers as told; one test runs
the real ``terraform init`` offline from the discovered mirror.
"""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path
from typing import Any

import pytest

from drkit.deploy.errors import DeployError, TerraformFailed, TerraformNotFound
from drkit.deploy.terraform import Terraform, find_terraform, plan_has_changes
from drkit.errors import SpecError
from tests.helpers import PROVIDER_VERSION, make_mirror, wait_gone

# -- finding terraform ------------------------------------------------------------


def test_missing_terraform_is_a_clear_error(tmp_path: Path) -> None:
    """With no terraform on PATH the error says so and how to fix it."""
    with pytest.raises(TerraformNotFound) as caught:
        find_terraform({"PATH": str(tmp_path)})
    assert "terraform not on PATH" in str(caught.value)
    assert "install Terraform 1.5+" in str(caught.value)
    assert isinstance(caught.value, DeployError)


def test_for_stack_without_terraform_on_path_fails_before_writing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Terraform.for_stack raises TerraformNotFound when PATH lacks terraform; it writes nothing."""
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    with pytest.raises(TerraformNotFound):
        Terraform.for_stack(tmp_path / "stack", mirror_root=make_mirror(tmp_path / "mirror"))
    assert not (tmp_path / "stack" / ".drkit").exists()


# -- running commands (fake terraform) ---------------------------------------------

FAKE_TERRAFORM = """\
#!{python}
# Records how it was called, then answers as $FAKE_TF_SPEC says for its subcommand.
import json, os, sys, time
args = sys.argv[1:]
with open(os.environ["FAKE_TF_LOG"], "a") as log:
    log.write(json.dumps({{
        "args": args,
        "cwd": os.getcwd(),
        "env": {{k: os.environ.get(k) for k in (
            "TF_CLI_CONFIG_FILE", "TF_IN_AUTOMATION", "TF_INPUT", "CHECKPOINT_DISABLE", "EXTRA"
        )}},
    }}) + "\\n")
spec = json.loads(os.environ.get("FAKE_TF_SPEC", "{{}}")).get(args[0], {{}})
if spec.get("sigint_lost"):
    # As when Python drops the KeyboardInterrupt of a SIGINT that lands while it imports.
    import signal
    signal.signal(signal.SIGINT, signal.SIG_IGN)
if spec.get("child_pid_file"):
    import subprocess
    child = subprocess.Popen(["sleep", "60"])
    with open(spec["child_pid_file"], "w") as f:
        f.write(str(child.pid))
time.sleep(spec.get("sleep", 0))
sys.stdout.write(spec.get("stdout", ""))
sys.stderr.write(spec.get("stderr", ""))
sys.exit(spec.get("exit", 0))
"""


@pytest.fixture
def fake_terraform(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Put a fake terraform first on PATH; return a helper to set its answers and read its calls."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "terraform"
    script.write_text(FAKE_TERRAFORM.format(python=sys.executable))
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    log = tmp_path / "calls.jsonl"
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.setenv("FAKE_TF_LOG", str(log))

    class Fake:
        def answer(self, **spec: dict[str, Any]) -> None:
            monkeypatch.setenv("FAKE_TF_SPEC", json.dumps(spec))

        def calls(self) -> list[dict[str, Any]]:
            if not log.exists():
                return []
            return [json.loads(line) for line in log.read_text().splitlines()]

    return Fake()


@pytest.fixture
def stack(tmp_path: Path) -> Path:
    path = tmp_path / "stack"
    path.mkdir()
    (path / "cdk.tf.json").write_text("{}")
    return path


def test_commands_run_offline_in_the_stack_dir(
    fake_terraform: Any, stack: Path, tmp_path: Path
) -> None:
    """Every command runs in the stack dir with drkit's CLI config and the automation variables."""
    mirror = make_mirror(tmp_path / "mirror")
    tf = Terraform.for_stack(stack, mirror_root=mirror, extra_env={"EXTRA": "1"})
    tf.init()
    tf.apply()
    config = stack / ".drkit" / "terraformrc"
    assert str(mirror) in config.read_text()
    for call in fake_terraform.calls():
        assert call["cwd"] == str(stack.resolve())
        assert call["env"] == {
            "TF_CLI_CONFIG_FILE": str(config),
            "TF_IN_AUTOMATION": "1",
            "TF_INPUT": "0",
            "CHECKPOINT_DISABLE": "1",
            "EXTRA": "1",
        }


def test_command_lines(fake_terraform: Any, stack: Path, tmp_path: Path) -> None:
    """Each method passes the flags that keep Terraform non-interactive, uncoloured and bounded."""
    tf = Terraform.for_stack(
        stack, mirror_root=make_mirror(tmp_path / "m"), parallelism=4, lock_timeout_seconds=7
    )
    fake_terraform.answer(
        show={"stdout": "{}"}, output={"stdout": "{}"}, validate={"stdout": '{"valid": true}'}
    )
    tf.init()
    tf.validate()
    tf.plan("tfplan")
    tf.apply("tfplan")
    tf.show_json("tfplan")
    tf.state_list()
    tf.output_json()
    tf.destroy(refresh=False)
    assert [c["args"] for c in fake_terraform.calls()] == [
        ["init", "-input=false", "-no-color", "-lock-timeout=7s"],
        ["validate", "-no-color", "-json"],
        [
            "plan",
            "-input=false",
            "-no-color",
            "-lock-timeout=7s",
            "-parallelism=4",
            "-out=tfplan",
            "-detailed-exitcode",
        ],
        [
            "apply",
            "-auto-approve",
            "-input=false",
            "-no-color",
            "-lock-timeout=7s",
            "-parallelism=4",
            "tfplan",
        ],
        ["show", "-json", "-no-color", "tfplan"],
        ["state", "list"],
        ["output", "-json", "-no-color"],
        [
            "destroy",
            "-auto-approve",
            "-input=false",
            "-no-color",
            "-lock-timeout=7s",
            "-parallelism=4",
            "-refresh=false",
        ],
    ]


@pytest.mark.parametrize(("exit_code", "pending"), [(0, False), (2, True)])
def test_plan_detailed_exit_code_tells_whether_changes_are_pending(
    fake_terraform: Any, stack: Path, tmp_path: Path, exit_code: int, pending: bool
) -> None:
    """plan() maps -detailed-exitcode 0 to no changes and 2 to changes pending."""
    fake_terraform.answer(plan={"exit": exit_code})
    tf = Terraform.for_stack(stack, mirror_root=make_mirror(tmp_path / "m"))
    assert tf.plan() is pending


@pytest.mark.parametrize(
    ("summary", "changed"),
    [
        ("Apply complete! Resources: 0 added, 0 changed, 0 destroyed.", False),
        ("Apply complete! Resources: 0 added, 1 changed, 0 destroyed.", True),
        ("Apply complete! Resources: 2 imported, 0 added, 0 changed, 0 destroyed.", True),
        ("Apply complete! Resources: 0 imported, 0 added, 0 changed, 0 destroyed.", False),
        ("something else entirely", True),  # unknown: assume it changed
    ],
)
def test_apply_tells_whether_it_changed_anything(
    fake_terraform: Any, stack: Path, tmp_path: Path, summary: str, changed: bool
) -> None:
    fake_terraform.answer(apply={"stdout": f"...\n\n{summary}\n"})
    tf = Terraform.for_stack(stack, mirror_root=make_mirror(tmp_path / "m"))
    assert tf.apply() is changed


def test_apply_without_refresh_plans_from_the_state_alone(
    fake_terraform: Any, stack: Path, tmp_path: Path
) -> None:
    """A release's apply: -refresh=false; a saved plan's apply takes no planning option."""
    tf = Terraform.for_stack(stack, mirror_root=make_mirror(tmp_path / "m"))
    tf.apply(refresh=False)
    tf.apply("tfplan", refresh=False)
    tf.apply()
    applies = [c["args"] for c in fake_terraform.calls() if c["args"][0] == "apply"]
    assert ["-refresh=false" in args for args in applies] == [True, False, False]


def test_plan_without_detailed_exit_code_reads_the_plan_file(
    fake_terraform: Any, stack: Path, tmp_path: Path
) -> None:
    """Without -detailed-exitcode the answer comes from `terraform show -json` of the saved plan."""
    plan = {"resource_changes": [{"change": {"actions": ["create"]}}]}
    fake_terraform.answer(show={"stdout": json.dumps(plan)})
    tf = Terraform.for_stack(stack, mirror_root=make_mirror(tmp_path / "m"))
    assert tf.plan("tfplan", detailed_exitcode=False) is True
    assert tf.plan(detailed_exitcode=False) is None


def test_plan_has_changes_ignores_no_ops_and_reads() -> None:
    """A plan of only no-op and read actions has no changes; any other action is a change."""
    quiet = {
        "resource_changes": [{"change": {"actions": ["no-op"]}}, {"change": {"actions": ["read"]}}]
    }
    assert not plan_has_changes(quiet)
    assert plan_has_changes({"resource_changes": [{"change": {"actions": ["delete", "create"]}}]})
    assert plan_has_changes({"output_changes": {"x": {"actions": ["update"]}}})


def test_failure_reports_step_exit_code_and_last_40_lines(
    fake_terraform: Any, stack: Path, tmp_path: Path
) -> None:
    """A failed command raises TerraformFailed: step, exit code, only the last 40 error lines."""
    stderr = "".join(f"line {n}\n" for n in range(1, 101))
    fake_terraform.answer(apply={"exit": 1, "stderr": stderr})
    tf = Terraform.for_stack(stack, mirror_root=make_mirror(tmp_path / "m"))
    with pytest.raises(TerraformFailed) as caught:
        tf.apply()
    error = caught.value
    assert (error.step, error.exit_code) == ("apply", 1)
    assert "terraform apply failed with exit code 1" in str(error)
    assert "line 100" in str(error) and "line 61\n" in str(error)
    assert "line 60\n" not in str(error)
    assert error.log_path is not None and "line 1\n" in Path(error.log_path).read_text()


def test_plan_error_exit_code_is_a_failure(
    fake_terraform: Any, stack: Path, tmp_path: Path
) -> None:
    """With -detailed-exitcode, exit code 1 is still an error, not 'changes pending'."""
    fake_terraform.answer(plan={"exit": 1, "stderr": "Error: boom"})
    tf = Terraform.for_stack(stack, mirror_root=make_mirror(tmp_path / "m"))
    with pytest.raises(TerraformFailed, match="Error: boom"):
        tf.plan()


def test_invalid_configuration_reports_diagnostics(
    fake_terraform: Any, stack: Path, tmp_path: Path
) -> None:
    """validate() raises with Terraform's diagnostics when the configuration is invalid."""
    report = {
        "valid": False,
        "diagnostics": [{"severity": "error", "summary": "Unsupported argument", "detail": "nope"}],
    }
    fake_terraform.answer(validate={"exit": 1, "stdout": json.dumps(report)})
    tf = Terraform.for_stack(stack, mirror_root=make_mirror(tmp_path / "m"))
    with pytest.raises(TerraformFailed, match="Unsupported argument: nope"):
        tf.validate()


@pytest.mark.slow
def test_step_timeout_stops_terraform_and_its_children(
    fake_terraform: Any, stack: Path, tmp_path: Path
) -> None:
    """A command running past step_timeout_seconds is stopped with what it started, and reported."""
    child_pid_file = tmp_path / "child.pid"
    fake_terraform.answer(apply={"sleep": 30, "child_pid_file": str(child_pid_file)})
    tf = Terraform.for_stack(
        stack, mirror_root=make_mirror(tmp_path / "m"), step_timeout_seconds=1.0
    )
    with pytest.raises(TerraformFailed, match="did not finish within 1 s") as caught:
        tf.apply()
    assert caught.value.exit_code is None
    assert tf.timings[-1].seconds < 10
    child = int(child_pid_file.read_text())
    assert wait_gone(child, timeout=5), "a process Terraform started outlived the timeout"


@pytest.mark.slow
def test_step_timeout_stop_reaches_a_command_that_would_lose_sigint(
    fake_terraform: Any, stack: Path, tmp_path: Path
) -> None:
    """The timeout's graceful stop ends a command that loses SIGINT, not after the whole grace."""
    fake_terraform.answer(apply={"sleep": 30, "sigint_lost": True})
    tf = Terraform.for_stack(
        stack, mirror_root=make_mirror(tmp_path / "m"), step_timeout_seconds=1.0
    )
    with pytest.raises(TerraformFailed, match="did not finish within 1 s"):
        tf.apply()
    assert tf.timings[-1].seconds < 10


def test_timings_are_recorded_per_step(fake_terraform: Any, stack: Path, tmp_path: Path) -> None:
    """Every command, failed or not, adds one (step, seconds) entry, in order."""
    fake_terraform.answer(plan={"exit": 2}, destroy={"exit": 1})
    tf = Terraform.for_stack(stack, mirror_root=make_mirror(tmp_path / "m"))
    tf.init()
    tf.plan()
    with pytest.raises(TerraformFailed):
        tf.destroy()
    assert [step for step, _ in tf.timings] == ["init", "plan", "destroy"]
    assert all(seconds > 0 for _, seconds in tf.timings)
    assert tf.timing_report().splitlines()[-1].startswith("total")


def test_parallelism_must_be_positive(tmp_path: Path) -> None:
    """parallelism below 1 is rejected when the wrapper is built, naming the field."""
    with pytest.raises(SpecError, match="parallelism: 0 is not allowed"):
        Terraform(
            working_dir=tmp_path,
            cli_config=tmp_path / "rc",
            executable=tmp_path / "tf",
            parallelism=0,
        )


# -- the real terraform ---------------------------------------------------------------


@pytest.mark.usefixtures("real_terraform")
def test_real_init_is_offline_from_the_discovered_mirror(tmp_path: Path) -> None:
    """`terraform init` installs hashicorp/aws 5.100.0 from the mirror, the registry forbidden."""
    (tmp_path / "main.tf.json").write_text(
        json.dumps(
            {
                "terraform": {
                    "required_providers": {
                        "aws": {"source": "hashicorp/aws", "version": PROVIDER_VERSION}
                    }
                }
            }
        )
    )
    tf = Terraform.for_stack(tmp_path, step_timeout_seconds=60)
    tf.init()
    lock = (tmp_path / ".terraform.lock.hcl").read_text()
    assert f'version     = "{PROVIDER_VERSION}"' in lock
    installed = (
        tmp_path
        / ".terraform"
        / "providers"
        / "registry.terraform.io"
        / "hashicorp"
        / "aws"
        / PROVIDER_VERSION
    )
    assert installed.exists()
