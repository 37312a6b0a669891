"""A deployment of the whole stack to the embedded emulator, one timed step at a time.

Used by ``drkit demo`` and by the end-to-end tests, so that what the README
promises and what CI checks are the same steps: synthesize for the local
target, init offline, validate, plan, apply, read back, check for drift,
destroy, check that nothing is left.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from drkit.deploy import inspect
from drkit.deploy.emulator import Emulator
from drkit.deploy.synth import synthesize
from drkit.deploy.terraform import StepTiming, Terraform
from drkit.regions.spec import DeploymentSpec, Target

PLAN_FILE = "drkit.tfplan"


@attrs.define(kw_only=True, eq=False)
class LocalDeployment:
    """The stack of one spec, deployed to one running emulator.

    Mutable: it walks through the steps and records their timings.

    Attributes:
        emulator: A started emulator.
        workdir: Where the local synth output, Terraform state and logs go
            (emptied first: a local deployment never reuses old state).
        environ: ``DRKIT_CONFIG`` / ``ENVIRONMENT_SUFFIX`` for the layout.
        step_timeout_seconds: Stop a Terraform command running longer than this.
        timings: ``(step, seconds)`` of every step so far.
    """

    emulator: Emulator
    workdir: Path = attrs.field(converter=Path)
    environ: Mapping[str, str] = attrs.field(factory=dict)
    step_timeout_seconds: float | None = 900
    timings: list[StepTiming] = attrs.field(factory=list)
    stack_dir: Path | None = attrs.field(default=None, init=False)
    terraform: Terraform | None = attrs.field(default=None, init=False)

    @property
    def spec(self) -> DeploymentSpec:
        """The deployed spec, as ``app.py`` sees it (pure Python: no jsii)."""
        return DeploymentSpec.from_environment({**self.environ, **self._target_env()})

    def _target_env(self) -> dict[str, str]:
        return {"DRKIT_TARGET": Target.LOCAL.value, "DRKIT_ENDPOINT_URL": self.emulator.endpoint_url}

    def synthesize(self) -> Path:
        shutil.rmtree(self.workdir, ignore_errors=True)
        self.workdir.mkdir(parents=True)
        self.stack_dir, seconds = synthesize(self.workdir / "cdktf.out", {**self.environ, **self._target_env()})
        self.timings.append(StepTiming("synth", seconds))
        self.terraform = Terraform.for_stack(
            self.stack_dir,
            step_timeout_seconds=self.step_timeout_seconds,
            extra_env=self.emulator.client_env(),
        )
        return self.stack_dir

    def _tf(self) -> Terraform:
        if self.terraform is None:
            raise RuntimeError("synthesize() first")
        return self.terraform

    def _timed(self, before: int) -> None:
        self.timings.extend(self._tf().timings[before:])

    def init(self) -> None:
        n = len(self._tf().timings)
        self._tf().init()
        self._timed(n)

    def validate(self) -> None:
        n = len(self._tf().timings)
        self._tf().validate()
        self._timed(n)

    def plan(self) -> dict[str, Any]:
        """Plan the creation into a file and return the plan as JSON (for the plan scan)."""
        tf = self._tf()
        n = len(tf.timings)
        tf.plan(out=PLAN_FILE, detailed_exitcode=False)
        shown = tf.show_json(PLAN_FILE)
        self._timed(n)
        return shown

    def apply(self) -> None:
        n = len(self._tf().timings)
        self._tf().apply(PLAN_FILE)
        self._timed(n)

    def drift(self) -> bool:
        """``terraform plan -detailed-exitcode``: True when anything would change."""
        n = len(self._tf().timings)
        changed = bool(self._tf().plan(detailed_exitcode=True))
        self._timed(n)
        self.timings[-1] = StepTiming("plan (drift)", self.timings[-1].seconds)
        return changed

    def destroy(self) -> None:
        n = len(self._tf().timings)
        self._tf().destroy(refresh=False)
        self._timed(n)

    def describe(self) -> inspect.DeploymentView:
        return inspect.describe(self.spec, self._client)

    def leftovers(self) -> list[str]:
        return inspect.leftovers(self.spec, self._client)

    def _client(self, service: str, region: str) -> Any:
        return self.emulator.client(service, region)
