"""One AWS provider process per stack (drkit.deploy.terraform.shared_provider): Terraform
attaches to it instead of starting its own, a dead one is started again, and none outlives
drkit's process."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from drkit.deploy.terraform import Terraform
from drkit.deploy.terraform.shared_provider import (
    REATTACH_VARIABLE,
    SharedProvider,
    installed_provider,
    provider_configurations,
)
from tests.helpers import PROVIDER_VERSION, ROOT

#: Offline: no credentials or account lookups, so validate and plan need no endpoint.
PROVIDER = {
    "region": "us-east-1",
    "access_key": "test",
    "secret_key": "test",
    "skip_credentials_validation": True,
    "skip_requesting_account_id": True,
    "skip_metadata_api_check": "true",
}


def test_provider_configurations_counts_the_aws_blocks() -> None:
    assert provider_configurations({}) == 0
    assert provider_configurations({"provider": {"aws": {"region": "us-east-1"}}}) == 1
    assert provider_configurations({"provider": {"aws": [PROVIDER]}}) == 1
    assert provider_configurations({"provider": {"aws": [PROVIDER, PROVIDER]}}) == 2


def test_a_stack_without_init_has_no_provider_to_share(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="run terraform init"):
        installed_provider(tmp_path)


def _stack(path: Path) -> Terraform:
    path.mkdir()
    (path / "main.tf.json").write_text(
        json.dumps(
            {
                "terraform": {
                    "required_providers": {
                        "aws": {"source": "hashicorp/aws", "version": PROVIDER_VERSION}
                    }
                },
                "provider": {"aws": [PROVIDER]},
                "resource": {"aws_sns_topic": {"alerts": {"name": "alerts"}}},
            }
        )
    )
    tf = Terraform.for_stack(path, step_timeout_seconds=120, extra_env={"TF_LOG": "debug"})
    tf.init()
    return tf


def _started_a_provider(tf: Terraform, log: Path) -> bool:
    """Run ``terraform validate``; whether Terraform started a provider of its own."""
    tf.extra_env = {**tf.extra_env, "TF_LOG_PATH": str(log)}
    tf.validate()
    return "starting plugin" in log.read_text()


def _gone(pid: int, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


def _pid(shared: SharedProvider) -> int:
    return int(
        json.loads(shared.environ()[REATTACH_VARIABLE])["registry.terraform.io/hashicorp/aws"][
            "Pid"
        ]
    )


@pytest.mark.slow
@pytest.mark.usefixtures("real_terraform")
def test_terraform_attaches_to_the_shared_provider_and_a_dead_one_restarts(tmp_path: Path) -> None:
    tf = _stack(tmp_path / "stack")
    assert _started_a_provider(tf, tmp_path / "own.log")  # the control: Terraform's own
    shared = SharedProvider(stack_dir=tf.working_dir, env=tf.environment(), log=tmp_path / "p.log")
    tf.provider = shared
    try:
        first = _pid(shared)
        assert not _started_a_provider(tf, tmp_path / "shared.log")
        assert _pid(shared) == first  # still the same process
        os.kill(first, signal.SIGKILL)
        assert _gone(first)
        assert not _started_a_provider(tf, tmp_path / "restarted.log")
        assert _pid(shared) != first
    finally:
        shared.close()


@pytest.mark.slow
@pytest.mark.usefixtures("real_terraform")
def test_no_provider_outlives_close_or_a_killed_drkit(tmp_path: Path) -> None:
    tf = _stack(tmp_path / "stack")
    shared = SharedProvider(stack_dir=tf.working_dir, env=tf.environment(), log=tmp_path / "p.log")
    pid = _pid(shared)
    shared.close()
    assert _gone(pid)
    # A drkit process killed outright cannot close anything: its host stops the provider.
    script = (
        "import json, os, signal, sys; from pathlib import Path;"
        "from drkit.deploy.terraform.shared_provider import SharedProvider;"
        f"s = SharedProvider(stack_dir=Path({str(tf.working_dir)!r}), env=dict(os.environ),"
        f" log=Path({str(tmp_path / 'killed.log')!r}));"
        "print(json.loads(s.environ()['TF_REATTACH_PROVIDERS'])"
        "['registry.terraform.io/hashicorp/aws']['Pid'], flush=True);"
        "os.kill(os.getpid(), signal.SIGKILL)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == -signal.SIGKILL, done.stderr
    assert _gone(int(done.stdout.strip())), "the provider outlived the drkit process"
