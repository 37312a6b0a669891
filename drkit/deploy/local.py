"""A deployment of the whole stack to the embedded emulator, one timed step at a time.

Used by ``drkit demo`` and by the end-to-end tests, so that what the README
promises and what CI checks are the same steps: synthesize for the local
target, init offline, validate, plan, apply, read back, check for drift,
destroy, check that nothing is left.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from drkit.deploy import readback
from drkit.deploy.invoke import FunctionRunner
from drkit.deploy.serve import Scenario
from drkit.deploy.synth import synthesize
from drkit.deploy.terraform import StepTiming, Terraform
from drkit.regions.spec import DeploymentSpec, Target
from drkit_emulator.runner import DUMMY_CREDENTIALS, Emulator

PLAN_FILE = "drkit.tfplan"
DRIFT_FILE = "drift.tfplan"
#: Terraform's ``-parallelism`` against the emulator. It answers at once, so what holds an
#: apply is the provider's own fixed waits (55 s per S3 lifecycle configuration, 25 s per SQS
#: queue, 15 s per Route 53 change; docs/emulator.md): more of them overlap than Terraform's
#: default 10 lets.
EMULATOR_PARALLELISM = 32


def describe_changes(plan: Mapping[str, Any]) -> list[str]:
    """``address: actions (attribute before -> after, ...)`` for every change a plan holds."""
    lines = []
    for change in plan.get("resource_changes", []):
        actions = change["change"]["actions"]
        if actions in (["no-op"], ["read"]):
            continue
        before, after = change["change"].get("before") or {}, change["change"].get("after") or {}
        diffs = [
            f"{key}: {before.get(key)!r} -> {after.get(key)!r}"
            for key in sorted(set(before) | set(after))
            if before.get(key) != after.get(key)
            and key not in (change["change"].get("after_unknown") or {})
        ]
        lines.append(f"{change['address']}: {'/'.join(actions)} ({'; '.join(diffs)[:600]})")
    return lines


@attrs.define(kw_only=True, eq=False)
class EmulatorDeployment:
    """The stack of one spec on one running emulator: what every way of deploying it shares.

    Mutable: it walks through the steps and records their timings.

    Attributes:
        emulator: A started emulator.
        workdir: Where the local synth output, Terraform state and logs go
            (emptied first: a local deployment never reuses old state).
        environ: ``DRKIT_CONFIG`` / ``ENVIRONMENT_SUFFIX`` for the layout.
        step_timeout_seconds: Stop a step running longer than this.
        enforce_iam: Have the emulator authorize every request against IAM from the start
            (Terraform then deploys as an administrator, the functions run as their roles).
        timings: ``(step, seconds)`` of every step so far.
    """

    emulator: Emulator
    workdir: Path = attrs.field(converter=Path)
    environ: Mapping[str, str] = attrs.field(factory=dict)
    step_timeout_seconds: float | None = 900
    enforce_iam: bool = True
    timings: list[StepTiming] = attrs.field(factory=list)

    @property
    def spec(self) -> DeploymentSpec:
        """The deployed spec, as ``app.py`` sees it (pure Python: no jsii)."""
        return DeploymentSpec.from_environment({**self.environ, **self._target_env()})

    def _target_env(self) -> dict[str, str]:
        return {
            "DRKIT_TARGET": Target.LOCAL.value,
            "DRKIT_ENDPOINT_URL": self.emulator.endpoint_url,
        }

    def _start(self) -> None:
        """Enforce IAM (once per emulator) and empty the workdir: the first step of any way."""
        if self.enforce_iam and self.emulator.credentials == DUMMY_CREDENTIALS:
            self.emulator.enforce_iam()
        shutil.rmtree(self.workdir, ignore_errors=True)
        self.workdir.mkdir(parents=True)

    def _synthesized(self) -> Path:
        """The stack directory holding ``cdk.tf.json``, once synthesized."""
        raise NotImplementedError

    def describe(self) -> readback.DeploymentView:
        return readback.describe(self.spec, self._client)

    def leftovers(self) -> list[str]:
        return readback.leftovers(self.spec, self._client)

    def scenario(self) -> Scenario:
        """The deployed functions, ready to serve requests from the code Terraform uploaded."""
        return Scenario(self.spec, self.emulator, FunctionRunner(self.emulator, self.code_archive))

    @property
    def code_archive(self) -> Path:
        """The Lambda archive of the synthesized stack (every function runs the same one)."""
        stack_dir = self._synthesized()
        stack = json.loads((stack_dir / "cdk.tf.json").read_text())
        functions = stack["resource"]["aws_lambda_function"].values()
        (archive,) = {body["filename"] for body in functions}
        return stack_dir / archive

    def _client(self, service: str, region: str) -> Any:
        return self.emulator.client(service, region)


@attrs.define(kw_only=True, eq=False)
class LocalDeployment(EmulatorDeployment):
    """Deployed step by step with drkit's own Terraform runner (what ``drkit demo`` does).

    Attributes:
        stack_dir: The synthesized stack directory, once :meth:`synthesize` ran.
        terraform: The runner for it.
    """

    stack_dir: Path | None = attrs.field(default=None, init=False)
    terraform: Terraform | None = attrs.field(default=None, init=False)

    def synthesize(self) -> Path:
        self._start()
        self.stack_dir, seconds = synthesize(
            self.workdir / "cdktf.out", {**self.environ, **self._target_env()}
        )
        self.timings.append(StepTiming("synth", seconds))
        self.terraform = Terraform.for_stack(
            self.stack_dir,
            parallelism=EMULATOR_PARALLELISM,
            step_timeout_seconds=self.step_timeout_seconds,
            extra_env=self.emulator.client_env(),
        )
        return self.stack_dir

    def _synthesized(self) -> Path:
        if self.stack_dir is None:
            raise RuntimeError("synthesize() first")
        return self.stack_dir

    def _tf(self) -> Terraform:
        if self.terraform is None:
            raise RuntimeError("synthesize() first")
        return self.terraform

    def _timed(self, before: int, step: str) -> None:
        """Record the Terraform commands run since ``before`` as one step."""
        seconds = sum(t.seconds for t in self._tf().timings[before:])
        self.timings.append(StepTiming(step, seconds))

    def init(self) -> None:
        n = len(self._tf().timings)
        self._tf().init()
        self._timed(n, "init")

    def plan(self) -> dict[str, Any]:
        """Plan the creation into a file and return the plan as JSON (for the plan scan).

        No ``terraform validate`` first: Terraform validates the configuration before every
        plan (the local backend's ``OpValidation``), so a separate one is a whole extra graph
        walk, a provider start per region, with the same diagnostics.
        """
        tf = self._tf()
        n = len(tf.timings)
        # The exit code says whether there are changes; one `show` then reads the plan.
        tf.plan(out=PLAN_FILE, detailed_exitcode=True)
        shown = tf.show_json(PLAN_FILE)
        self._timed(n, "plan")
        return shown

    def apply(self) -> None:
        """Apply the plan that :meth:`plan` saved (what was scanned is what is applied)."""
        tf = self._tf()
        if not (self.stack_dir / PLAN_FILE).exists():
            raise RuntimeError("plan() first: apply() applies the saved plan")
        n = len(tf.timings)
        tf.apply(PLAN_FILE)
        self._timed(n, "apply")

    def drift(self) -> list[str]:
        """Plan again (``-detailed-exitcode``); one line per pending change (none: no drift)."""
        tf = self._tf()
        n = len(tf.timings)
        changed = bool(tf.plan(out=DRIFT_FILE, detailed_exitcode=True))
        changes = describe_changes(tf.show_json(DRIFT_FILE)) if changed else []
        self._timed(n, "plan (drift)")
        return changes

    def destroy(self) -> None:
        n = len(self._tf().timings)
        self._tf().destroy(refresh=False)
        self._timed(n, "destroy")
