"""``drkit release`` end to end: on AWS (``cdktf deploy`` of one stage at a time), or rehearsed
on the embedded emulator (the current code deployed first, the release after, then destroyed).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import boto3

from drkit.deploy.cdktf_lines import find_cdktf
from drkit.deploy.errors import DeployError
from drkit.deploy.local import LocalDeployment
from drkit.deploy.release import Gate, Release, ReleaseReport
from drkit.deploy.release_targets import AwsTarget, EmulatorTarget
from drkit.deploy.synth import ROOT
from drkit.deploy.terraform import find_provider_mirror, find_terraform
from drkit.regions.runtime_source import RUNTIME_VARIABLE, runtime_source
from drkit.regions.spec import DeploymentSpec, Target
from drkit_emulator.runner import Emulator

Say = Callable[[str], None]
#: A release plans each stack from its state, without a refresh: it changes what the release
#: changed and nothing else (drift is for ``cdktf diff``). cdktf has no flag for it; Terraform
#: reads extra arguments of each command from these variables.
NO_REFRESH = {"TF_CLI_ARGS_plan": "-refresh=false", "TF_CLI_ARGS_apply": "-refresh=false"}


def release_environ(environ: Mapping[str, str], runtime: Path | None) -> dict[str, str]:
    """``environ`` with ``DRKIT_RUNTIME`` naming the release (checked: it holds the package)."""
    chosen = dict(environ)
    if runtime is not None:
        chosen[RUNTIME_VARIABLE] = str(Path(runtime).resolve())
    runtime_source(chosen)
    return chosen


def report_lines(report: ReleaseReport) -> list[str]:
    return ["Release, region by region:", *(f"  {line}" for line in report.lines())]


def rehearse(
    environ: Mapping[str, str],
    runtime: Path | None,
    gate: Gate,
    *,
    workdir: Path,
    say: Say,
    port: int | None = None,
) -> ReleaseReport:
    """Deploy the layout with the code as it is to a fresh emulator, release ``runtime``
    to it region by region, destroy it."""
    released = release_environ(environ, runtime)
    DeploymentSpec.from_environment(
        {**environ, "DRKIT_TARGET": Target.LOCAL.value, "DRKIT_ENDPOINT_URL": "http://127.0.0.1:1"}
    )
    find_terraform()
    find_provider_mirror()
    workdir = Path(workdir).resolve()
    with (
        Emulator(log_dir=workdir.parent / f"{workdir.name}-emulator", port=port) as emulator,
        LocalDeployment(emulator=emulator, workdir=workdir, environ=environ) as deployment,
    ):
        return _rehearse(deployment, released, gate, say)


def _rehearse(
    deployment: LocalDeployment, released: Mapping[str, str], gate: Gate, say: Say
) -> ReleaseReport:
    """Deploy, release, destroy (the body of :func:`rehearse`)."""
    say("deploy    the current code, every stack ...")
    deployment.synthesize()
    deployment.init()
    deployment.deploy()
    say(f"release   {released.get(RUNTIME_VARIABLE, 'assets/runtime')}")
    deployment.use_layout(released)
    try:
        return Release(deployment.spec, EmulatorTarget(deployment), gate, say=say).run()
    finally:
        say("destroy   ...")
        deployment.destroy()


def release_to_aws(
    environ: Mapping[str, str], runtime: Path | None, gate: Gate, *, say: Say
) -> ReleaseReport:
    """Release ``runtime`` to the AWS deployment of the layout: ``cdktf deploy`` one stage at
    a time (state where the stacks keep it), the gate asking each region's own name."""
    released = release_environ(environ, runtime)
    spec = DeploymentSpec.from_environment(released)
    cdktf = find_cdktf()

    def apply(names: Sequence[str]) -> None:
        argv = [str(cdktf), "deploy", *names, "--auto-approve"]
        argv.append("--ignore-missing-stack-dependencies")
        done = subprocess.run(
            argv, cwd=ROOT, env={**os.environ, **released, **NO_REFRESH}, check=False, text=True
        )
        if done.returncode != 0:
            raise DeployError(f"cdktf deploy {' '.join(names)} exited {done.returncode}")

    def client(service: str, region: str) -> Any:
        return boto3.client(service, region_name=region)

    return Release(spec, AwsTarget(spec, client, apply), gate, say=say).run()
