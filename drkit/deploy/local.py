"""A deployment of every stack to the embedded emulator, one timed step at a time.

Used by ``drkit demo`` and by the end-to-end tests, so that what the README
promises and what CI checks are the same steps: synthesize for the local
target, init offline, plan and apply stack by stack in dependency order, read
back, check for drift, destroy in the reverse order, check that nothing is left.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import attrs
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from drkit.deploy import readback
from drkit.deploy.applied import DRIFT_FILE, PLAN_FILE, Applied, LastApplies, drift_of
from drkit.deploy.errors import DeployError
from drkit.deploy.invoke import FunctionRunner
from drkit.deploy.serve import Scenario
from drkit.deploy.stackset import StackSet, run_rounds
from drkit.deploy.synth import synthesize
from drkit.deploy.terraform import StepTiming, Terraform
from drkit.deploy.terraform.plans import describe_changes
from drkit.deploy.terraform.shared_provider import SharedProvider, provider_configurations
from drkit.regions.layout_change import Action, LayoutChange
from drkit.regions.spec import RETIRING_REGIONS_VARIABLE, DeploymentSpec, Target
from drkit.regions.stacks import StackPlan
from drkit_emulator.runner import DUMMY_CREDENTIALS, Emulator

#: Terraform's ``-parallelism`` against the emulator. It answers at once, so what holds an
#: apply is the provider's own fixed waits (55 s per S3 lifecycle configuration, 25 s per SQS
#: queue, 15 s per Route 53 change; docs/emulator.md): more of them overlap than Terraform's
#: default 10 lets.
EMULATOR_PARALLELISM = 32

#: What a timed step or a stack's action returns.
R = TypeVar("R")
#: Called with (stack, step, seconds) when a stack finishes a step.
Progress = Callable[[str, str, float], None]


@attrs.define(kw_only=True, eq=False)
class EmulatorDeployment:
    """The stacks of one spec on one running emulator: what every way of deploying shares.

    Mutable: it walks through the steps and records their timings.

    Attributes:
        emulator: A started emulator.
        workdir: Where the local synth output, Terraform state and logs go
            (emptied first: a local deployment never reuses old state).
        environ: ``DRKIT_CONFIG`` / ``ENVIRONMENT_SUFFIX`` for the layout.
        step_timeout_seconds: Stop a step running longer than this.
        enforce_iam: Have the emulator authorize every request against IAM from the start
            (Terraform then deploys as an administrator, the functions run as their roles).
        timings: ``(step, seconds)`` of every step so far (wall time; a step of several
            stacks counts once).
        stack_timings: ``(<stack> <step>, seconds)`` of every stack's part of a step.
    """

    emulator: Emulator
    workdir: Path = attrs.field(converter=Path)
    environ: Mapping[str, str] = attrs.field(factory=dict)
    step_timeout_seconds: float | None = 900
    enforce_iam: bool = True
    timings: list[StepTiming] = attrs.field(factory=list)
    stack_timings: list[StepTiming] = attrs.field(factory=list)

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

    @property
    def stacks(self) -> StackSet:
        """The synthesized stacks, once synthesized."""
        raise NotImplementedError

    def describe(self) -> readback.DeploymentView:
        return readback.describe(self.spec, self._client)

    def leftovers(self) -> list[str]:
        return readback.leftovers(self.spec, self._client)

    def scenario(self) -> Scenario:
        """The deployed functions, ready to serve requests, each from the code Lambda holds for
        the version its caller's alias points at."""
        return Scenario(self.spec, self.emulator, FunctionRunner(self.emulator))

    def _client(self, service: str, region: str) -> Any:
        return self.emulator.client(service, region)

    def _timed(self, step: str, run: Callable[[], R]) -> R:
        started = time.perf_counter()
        try:
            return run()
        finally:
            self.timings.append(StepTiming(step, time.perf_counter() - started))


@attrs.define(kw_only=True, eq=False)
class LocalDeployment(EmulatorDeployment):
    """Deployed stack by stack with drkit's own Terraform runner (what ``drkit demo`` does).

    Attributes:
        stack_set: The synthesized stacks, once :meth:`synthesize` ran.
        terraform: ``stack name -> runner``.
        progress: Told of every stack's finished step (the demo prints it).
        share_providers: Run one AWS provider per stack for all its commands
            (:mod:`drkit.deploy.terraform.shared_provider`); :meth:`close` stops them.
        drift_plans: The plans :meth:`drift` kept, by stack.
    """

    stack_set: StackSet | None = attrs.field(default=None, init=False)
    terraform: dict[str, Terraform] = attrs.field(factory=dict, init=False)
    progress: Progress | None = None
    share_providers: bool = True
    drift_plans: dict[str, dict[str, Any]] = attrs.field(factory=dict, init=False, repr=False)
    _providers: dict[str, SharedProvider] = attrs.field(factory=dict, init=False, repr=False)
    _last: LastApplies | None = attrs.field(default=None, init=False, repr=False)

    def __enter__(self) -> LocalDeployment:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the stacks' shared providers (the deployment itself stays)."""
        providers, self._providers = list(self._providers.values()), {}
        for provider in providers:
            provider.close()

    @property
    def stacks(self) -> StackSet:
        if self.stack_set is None:
            raise RuntimeError("synthesize() first")
        return self.stack_set

    @property
    def outdir(self) -> Path:
        return self.workdir / "cdktf.out"

    @property
    def cli_config(self) -> Path:
        """The mirror-only Terraform CLI configuration every stack's runner uses."""
        return next(iter(self.terraform.values())).cli_config

    def synthesize(self) -> StackSet:
        self._start()
        return self._synthesize()

    def _synthesize(self) -> StackSet:
        env = {**self.environ, **self._target_env()}
        outdir, seconds = synthesize(self.outdir, env)
        self.timings.append(StepTiming("synth", seconds))
        self.stack_set = StackSet(outdir=outdir, plans=self.spec.stacks)
        self.terraform = {name: self._runner(name) for name in self.stack_set.names}
        return self.stack_set

    def _runner(self, name: str) -> Terraform:
        runner = Terraform.for_stack(
            self.stacks.directory(name),
            cli_config_path=self.workdir / "terraformrc",
            parallelism=EMULATOR_PARALLELISM,
            step_timeout_seconds=self.step_timeout_seconds,
            extra_env=self.emulator.client_env(),
        )
        config = json.loads((runner.working_dir / "cdk.tf.json").read_text(encoding="utf-8"))
        if self.share_providers and provider_configurations(config) == 1:
            if name not in self._providers:  # kept across syntheses: same stack, same process
                self._providers[name] = SharedProvider(
                    stack_dir=runner.working_dir,
                    env=runner.environment(),
                    log=runner.working_dir / ".drkit" / "provider.log",
                )
            runner.provider = self._providers[name]
        return runner

    def _each(
        self,
        step: str,
        action: Callable[[StackPlan, Terraform], R],
        *,
        names: Iterable[str] | None = None,
        reverse: bool = False,
        ordered: bool = True,
        preflight: bool = True,
    ) -> dict[str, R]:
        """``action`` on each stack in dependency rounds (or all at once, not ``ordered``),
        timing each stack and the whole. With ``preflight``, a stack needing a region that
        does not answer fails at once, naming it (``run_rounds``)."""

        def timed(plan: StackPlan) -> R:
            started = time.perf_counter()
            result = action(plan, self.terraform[plan.name])
            seconds = time.perf_counter() - started
            self.stack_timings.append(StepTiming(f"{plan.name} {step}", seconds))
            if self.progress is not None:
                self.progress(plan.name, step, seconds)
            return result

        stacks = self.stacks if ordered else self.stacks.unordered()
        return self._timed(
            step,
            lambda: run_rounds(
                stacks,
                step,
                timed,
                names=names,
                reverse=reverse,
                probe=self.reachable,
                preflight=preflight,
            ),
        )

    def reachable(self, region: str) -> bool:
        """Whether ``region``'s endpoints answer (one STS call signed for it, no retry)."""
        client = self.emulator.client(
            "sts", region, config=Config(retries={"max_attempts": 1}, connect_timeout=5)
        )
        try:
            client.get_caller_identity()
        except ClientError:
            return True  # it answered
        except BotoCoreError:
            return False
        return True

    def init(self, names: Iterable[str] | None = None) -> None:
        """``terraform init`` of every stack (of ``names``), all at once."""
        # Offline: the providers come from the mirror and the state is a local file.
        self._each("init", lambda _, tf: tf.init(), names=names, ordered=False, preflight=False)

    def deploy(
        self,
        names: Iterable[str] | None = None,
        *,
        scan: bool = False,
        check: bool = False,
        refresh: bool = True,
        skip_unchanged: bool = False,
    ) -> Applied:
        """Apply every stack (or ``names``), each once the stacks it depends on are applied
        (the outputs a stack reads exist only then). One ``terraform apply`` plans and applies
        a stack; no ``terraform validate`` first: Terraform validates before it plans.

        Args:
            scan: Plan every stack into a file and read the plan back (``terraform show
                -json``) before applying exactly that plan: what a scan saw is applied.
            refresh: Refresh each stack's state before planning its apply (without: what the
                configuration changed since the last apply, and nothing else: a release).
            check: Plan every stack again right after its apply (no other stack changes its
                resources), beside the applies of the stacks that follow it; not a stack
                whose apply changed nothing (its own refresh and plan found no difference).
            skip_unchanged: Leave a stack unchanged since its last apply as it is
                (:class:`LastApplies`; a release, which does not refresh).
        """
        chosen = self.stacks.names if names is None else tuple(names)
        checks: dict[str, Future[list[str]]] = {}
        last = self._last = self._last or LastApplies(self.outdir)
        skipped: list[str] = []

        def apply(plan: StackPlan, tf: Terraform) -> dict[str, Any] | None:
            inputs = last.inputs(plan, self.stacks.directory(plan.name))
            if skip_unchanged and last.unchanged(plan, inputs):
                skipped.append(plan.name)
                return None
            shown = None
            if scan:
                tf.plan(out=PLAN_FILE, detailed_exitcode=True)
                shown = tf.show_json(PLAN_FILE)
            changed = tf.apply(PLAN_FILE if scan else None, refresh=refresh)
            last.applied(plan, inputs)
            # Beside the stacks that follow: it changes nothing they read. An apply that
            # changed nothing planned with a refresh already and found no difference.
            if check and changed:
                checks[plan.name] = pool.submit(self._checked, plan, tf)
            return shown

        with ThreadPoolExecutor(max_workers=max(len(chosen), 1)) as pool:
            applied = self._each("deploy", apply, names=chosen)
            drift = self._timed(
                "check (after the last apply)",
                lambda: {name: future.result() for name, future in checks.items()},
            )
        return Applied(
            plans={n: shown for n, shown in applied.items() if shown is not None},
            drift=[f"{n}: {line}" for n in chosen for line in drift.get(n, [])],
            skipped=tuple(n for n in chosen if n in skipped),
        )

    def _checked(self, plan: StackPlan, tf: Terraform) -> list[str]:
        started = time.perf_counter()
        found = drift_of(plan, tf)
        self.stack_timings.append(StepTiming(f"{plan.name} check", time.perf_counter() - started))
        return found

    def drift(self, names: Iterable[str] | None = None, *, keep_plans: bool = False) -> list[str]:
        """Plan every stack again (all at once: nothing changes); one ``<stack>: <change>``
        line per pending change. With ``keep_plans``, each stack's plan (``terraform show
        -json``, every value known as deployed) is kept in :attr:`drift_plans`."""

        def plan(p: StackPlan, tf: Terraform) -> list[str]:
            changed = bool(tf.plan(out=DRIFT_FILE, detailed_exitcode=True))
            if not (changed or keep_plans):
                return []
            shown = tf.show_json(DRIFT_FILE)
            if keep_plans:
                self.drift_plans[p.name] = shown
            return describe_changes(shown) if changed else []

        found = self._each("drift", plan, names=names, ordered=False)
        return [f"{name}: {line}" for name in self.stacks.names for line in found.get(name, [])]

    def destroy(self, names: Iterable[str] | None = None) -> None:
        """Destroy every stack (or ``names``), dependants first."""
        self._each("destroy", lambda _, tf: tf.destroy(refresh=False), names=names, reverse=True)

    def use_layout(self, environ: Mapping[str, str]) -> StackSet:
        """Synthesize ``environ``'s layout over the running deployment and apply nothing:
        then :meth:`deploy` some of its stacks (one region's, while another is out)."""
        self.environ = dict(environ)
        return self._synthesize()

    def change_layout(self, environ: Mapping[str, str]) -> LayoutChange:
        """Take the running deployment to ``environ``'s layout in the steps of
        :class:`drkit.regions.layout_change.LayoutChange` (a removed region's stack destroyed
        with its last synthesis). A layout that adds and removes at once is refused."""
        before = self.stacks
        old_runners = dict(self.terraform)
        after = DeploymentSpec.from_environment({**environ, **self._target_env()})
        try:
            change = LayoutChange.between(before.plans, after.stacks)
        except ValueError as err:
            raise DeployError(str(err)) from None
        for step in change.steps or (None,):
            if step is not None and step.action is Action.DESTROY:
                self._destroy_removed(before, step.stacks, old_runners)
                continue
            retiring = (
                {RETIRING_REGIONS_VARIABLE: ",".join(step.retiring)}
                if step and step.retiring
                else {}
            )
            if self.environ != {**environ, **retiring}:
                self.use_layout({**environ, **retiring})
                self.init([n for n in change.added if n in self.stacks.names])
            self.deploy(step.stacks if step else None)
        if self.environ != dict(environ):
            self.use_layout(environ)  # the removed regions' providers go from the links
        return change

    def _destroy_removed(
        self, before: StackSet, names: tuple[str, ...], old_runners: dict[str, Terraform]
    ) -> None:
        """Destroy stacks the new layout no longer has, with their last synthesis."""
        # Regional stacks depend on nothing but the roles, which stay until they are gone.
        removed = StackSet(outdir=before.outdir, plans=[before.plan(n) for n in names]).unordered()
        self._timed(
            "destroy (removed)",
            lambda: run_rounds(
                removed,
                "destroy",
                lambda p: old_runners[p.name].destroy(refresh=False),
                reverse=True,
            ),
        )
        for name in names:
            self.terraform.pop(name, None)
