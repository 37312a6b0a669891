"""The Terraform wrapper: mirror discovery, CLI config, how commands are run and how they fail.

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

from drkit.deploy.errors import (
    DeployError,
    ProviderMirrorNotFound,
    TerraformFailed,
    TerraformNotFound,
)
from drkit.deploy.terraform import (
    MIRROR_ENV_VAR,
    Terraform,
    find_provider_mirror,
    find_terraform,
    plan_has_changes,
    render_cli_config,
    terraform_platform,
    well_known_mirror_roots,
    write_cli_config,
)
from drkit.errors import DrkitError, SpecError
from tests.helpers import wait_gone

VERSION = "5.100.0"
PLATFORM = "linux_amd64"


def make_mirror(
    root: Path, *, version: str = VERSION, platform: str = PLATFORM, packed: bool = False
) -> Path:
    """Create a filesystem mirror layout holding a dummy hashicorp/aws binary."""
    source = root / "registry.terraform.io" / "hashicorp" / "aws"
    if packed:
        source.mkdir(parents=True)
        (source / f"terraform-provider-aws_{version}_{platform}.zip").write_bytes(b"PK")
    else:
        target = source / version / platform
        target.mkdir(parents=True)
        (target / f"terraform-provider-aws_v{version}_x5").write_bytes(b"\x7fELF")
    return root


# -- mirror discovery ---------------------------------------------------------


def test_env_var_wins_over_search(tmp_path: Path) -> None:
    """The mirror DRKIT_TF_PROVIDER_MIRROR names is used even when a searched root has one too."""
    explicit = make_mirror(tmp_path / "explicit")
    searched = make_mirror(tmp_path / "searched")
    found = find_provider_mirror(
        platform_name=PLATFORM, env={MIRROR_ENV_VAR: str(explicit)}, search_roots=[searched]
    )
    assert found == explicit.resolve()


def test_env_var_pointing_at_nothing_is_an_error_not_a_fallback(tmp_path: Path) -> None:
    """A wrong DRKIT_TF_PROVIDER_MIRROR fails, naming the variable, instead of searching on."""
    searched = make_mirror(tmp_path / "searched")
    with pytest.raises(ProviderMirrorNotFound) as caught:
        find_provider_mirror(
            platform_name=PLATFORM,
            env={MIRROR_ENV_VAR: str(tmp_path / "empty")},
            search_roots=[searched],
        )
    assert MIRROR_ENV_VAR in str(caught.value)
    assert str(tmp_path / "empty") in str(caught.value)


def test_search_returns_first_root_holding_the_provider(tmp_path: Path) -> None:
    """Roots are searched in order; roots without the provider (or another version) are skipped."""
    empty = tmp_path / "empty"
    empty.mkdir()
    other_version = make_mirror(tmp_path / "old", version="4.67.0")
    good = make_mirror(tmp_path / "good")
    also_good = make_mirror(tmp_path / "also-good")
    found = find_provider_mirror(
        platform_name=PLATFORM, env={}, search_roots=[empty, other_version, good, also_good]
    )
    assert found == good.resolve()


def test_packed_layout_is_recognised(tmp_path: Path) -> None:
    """A mirror holding the provider as a zip (packed layout) counts."""
    packed = make_mirror(tmp_path / "packed", packed=True)
    assert (
        find_provider_mirror(platform_name=PLATFORM, env={}, search_roots=[packed])
        == packed.resolve()
    )


def test_missing_mirror_lists_what_was_searched_and_names_the_env_var(tmp_path: Path) -> None:
    """With no mirror anywhere the error lists every root searched and the variable to set."""
    roots = [tmp_path / "a", tmp_path / "b"]
    with pytest.raises(ProviderMirrorNotFound) as caught:
        find_provider_mirror(platform_name=PLATFORM, env={}, search_roots=roots)
    message = str(caught.value)
    assert all(str(root) in message for root in roots)
    assert MIRROR_ENV_VAR in message
    assert "5.100.0" in message
    assert isinstance(caught.value, DrkitError)


def test_well_known_roots_follow_home_and_xdg(tmp_path: Path) -> None:
    """Terraform's implied mirror directories are derived from HOME and the XDG variables."""
    env = {
        "HOME": str(tmp_path / "home"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_DATA_DIRS": f"{tmp_path / 'd1'}{os.pathsep}{tmp_path / 'd2'}",
    }
    roots = well_known_mirror_roots(env)
    for expected in (
        tmp_path / "home" / ".terraform.d" / "plugins",
        tmp_path / "data" / "terraform" / "plugins",
        tmp_path / "d1" / "terraform" / "plugins",
        tmp_path / "d2" / "terraform" / "plugins",
        Path("/usr/share/terraform/plugins"),
    ):
        assert expected in roots
    assert len(set(roots)) == len(roots)


def test_default_search_finds_a_mirror_in_xdg_data_home(tmp_path: Path) -> None:
    """Without explicit roots, a mirror under $XDG_DATA_HOME/terraform/plugins is found."""
    # A platform and version no real mirror on the machine holds, so only ours can match.
    mirror = make_mirror(
        tmp_path / "data" / "terraform" / "plugins", version="0.0.1", platform="plan9_mips"
    )
    env = {"HOME": str(tmp_path / "home"), "XDG_DATA_HOME": str(tmp_path / "data")}
    assert (
        find_provider_mirror(platform_name="plan9_mips", version="0.0.1", env=env)
        == mirror.resolve()
    )


@pytest.mark.parametrize(
    ("system", "machine", "expected"),
    [
        ("Linux", "x86_64", "linux_amd64"),
        ("Linux", "aarch64", "linux_arm64"),
        ("Darwin", "arm64", "darwin_arm64"),
        ("Linux", "armv7l", "linux_arm"),
        ("Windows", "AMD64", "windows_amd64"),
    ],
)
def test_platform_names_match_terraform(system: str, machine: str, expected: str) -> None:
    """Python's platform names map to Terraform's <os>_<arch>."""
    assert terraform_platform(system, machine) == expected


# -- CLI configuration ----------------------------------------------------------


def test_cli_config_installs_only_from_the_mirror(tmp_path: Path) -> None:
    """The config names the mirror for hashicorp/* and excludes every provider from the registry."""
    text = render_cli_config(tmp_path / "mirror")
    assert "provider_installation {" in text
    assert f'path    = "{tmp_path / "mirror"}"' in text
    assert 'include = ["registry.terraform.io/hashicorp/*"]' in text
    assert 'exclude = ["registry.terraform.io/*/*"]' in text
    assert "plugin_cache_dir" not in text
    assert text.count("{") == text.count("}")


def test_cli_config_plugin_cache_is_optional(tmp_path: Path) -> None:
    """plugin_cache_dir appears only when asked for, and write_cli_config creates the cache dir."""
    cache = tmp_path / "cache"
    path = write_cli_config(
        tmp_path / "cfg" / "terraformrc", tmp_path / "mirror", plugin_cache_dir=cache
    )
    assert f'plugin_cache_dir = "{cache}"' in path.read_text()
    assert cache.is_dir()


def test_cli_config_escapes_hcl_in_paths() -> None:
    """Quotes, backslashes and template sequences in a path cannot break out of the HCL string."""
    text = render_cli_config(Path('/m/"q"/${x}/%{y}/b\\s'))
    assert r'path    = "/m/\"q\"/$${x}/%%{y}/b\\s"' in text


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
                    "required_providers": {"aws": {"source": "hashicorp/aws", "version": VERSION}}
                }
            }
        )
    )
    tf = Terraform.for_stack(tmp_path, step_timeout_seconds=60)
    tf.init()
    lock = (tmp_path / ".terraform.lock.hcl").read_text()
    assert f'version     = "{VERSION}"' in lock
    installed = (
        tmp_path
        / ".terraform"
        / "providers"
        / "registry.terraform.io"
        / "hashicorp"
        / "aws"
        / VERSION
    )
    assert installed.exists()
