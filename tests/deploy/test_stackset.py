"""A step over the stacks: each once its dependencies are done, failures named by region."""

from __future__ import annotations

import threading
import time

import pytest

from drkit.deploy.errors import TerraformFailed
from drkit.deploy.stackset import StackSet, StacksFailed, failure_line, run_rounds
from drkit.regions import DeploymentSpec
from drkit.regions.stacks import StackPlan


def _stacks(tmp_path) -> StackSet:
    return StackSet(outdir=tmp_path, plans=DeploymentSpec.default().stacks)


def test_each_stack_starts_after_its_dependencies_end(tmp_path):
    """No stack starts before every stack it depends on has finished."""
    stacks = _stacks(tmp_path)
    finished: dict[str, float] = {}
    started: dict[str, float] = {}
    lock = threading.Lock()

    def action(plan: StackPlan) -> str:
        with lock:
            started[plan.name] = time.monotonic()
        time.sleep(0.02)
        with lock:
            finished[plan.name] = time.monotonic()
        return plan.name

    results = run_rounds(stacks, "apply", action)
    assert set(results) == set(stacks.names)
    for plan in stacks.plans:
        for dependency in plan.depends_on:
            assert finished[dependency] <= started[plan.name], (dependency, plan.name)


def test_reversed_each_stack_starts_after_its_dependants_end(tmp_path):
    """Destroying: a stack goes only once every stack that depends on it is gone."""
    stacks = _stacks(tmp_path)
    order: list[str] = []
    lock = threading.Lock()

    def action(plan: StackPlan) -> None:
        time.sleep(0.01)
        with lock:
            order.append(plan.name)

    run_rounds(stacks, "destroy", action, reverse=True)
    for plan in stacks.plans:
        for dependency in plan.depends_on:
            assert order.index(plan.name) < order.index(dependency)


def test_a_failure_stops_new_stacks_and_names_the_failed_ones(tmp_path):
    """After a stack fails, the others running finish, the rest never start; the error has
    one line per failed stack."""
    stacks = _stacks(tmp_path)
    ran: list[str] = []

    def action(plan: StackPlan) -> None:
        ran.append(plan.name)
        if plan.name == "drkit-iam":
            raise RuntimeError("boom")

    with pytest.raises(StacksFailed) as caught:
        run_rounds(stacks, "apply", action)
    assert caught.value.lines == ["drkit-iam: apply failed: boom"]
    assert "drkit-use1" not in ran and "drkit-links" not in ran


def test_only_the_named_stacks_run(tmp_path):
    stacks = _stacks(tmp_path)
    assert set(run_rounds(stacks, "plan", lambda p: p.name, names=["drkit-usw2"])) == {"drkit-usw2"}
    with pytest.raises(KeyError, match="drkit-nowhere"):
        stacks.rounds(["drkit-nowhere"])


def _terraform_failed(output: str) -> TerraformFailed:
    return TerraformFailed("plan", 1, output)


UNREACHABLE = (
    "Error: reading STS Caller Identity\n\n  with data.aws_caller_identity.account,\n"
    '  on cdk.tf.json line 20, in data.aws_caller_identity.account:\n  with provider["registry.'
    'terraform.io/hashicorp/aws"].{alias},\n\noperation error STS: GetCallerIdentity, '
    "exceeded maximum number of attempts, 4, https response error StatusCode: 0, request "
    'send failed, Post "http://127.0.0.1:5000/": EOF'
)


def test_an_unreachable_region_is_named_from_the_provider_that_failed(tmp_path):
    """A stack of several regions fails naming the region whose provider could not connect."""
    links = _stacks(tmp_path).plan("drkit-links")
    error = _terraform_failed(UNREACHABLE.format(alias="usw2"))
    assert failure_line("plan", links, error).startswith(
        "drkit-links: plan failed: us-west-2 is unreachable"
    )


def test_a_stack_of_one_region_names_it_without_an_alias(tmp_path):
    plan = _stacks(tmp_path).plan("drkit-iam")
    error = _terraform_failed(UNREACHABLE.replace("].{alias}", "]"))
    assert "us-east-1 is unreachable" in failure_line("plan", plan, error)


def test_a_region_the_output_does_not_name_is_found_by_asking_each(tmp_path):
    """A resource of one region reading its replica in another fails behind an endpoint that
    names neither: the regions the stack needs are probed, and the one that does not answer
    is named (AWS's own endpoint names are read first)."""
    links = _stacks(tmp_path).plan("drkit-links")
    error = _terraform_failed(UNREACHABLE.replace("].{alias}", "]"))
    asked = []

    def probe(region):
        asked.append(region)
        return region != "us-west-2"

    line = failure_line("drift", links, error, probe)
    assert line.startswith("drkit-links: drift failed: us-west-2 is unreachable"), line
    assert sorted(asked) == sorted(links.needs)
    assert failure_line("drift", links, error) == failure_line("drift", links, error, None)
    named = _terraform_failed(
        UNREACHABLE.replace("].{alias}", "]").replace(
            "http://127.0.0.1:5000/", "https://dynamodb.us-east-1.amazonaws.com/"
        )
    )
    assert "us-east-1 is unreachable" in failure_line("plan", links, named, lambda _: True)


def test_other_failures_keep_their_own_first_line(tmp_path):
    """A failure that is no connection error is not blamed on a region."""
    plan = _stacks(tmp_path).plan("drkit-use1")
    error = _terraform_failed("Error: creating S3 Bucket: BucketAlreadyExists")
    line = failure_line("plan", plan, error)
    assert "unreachable" not in line and line.startswith("drkit-use1: plan failed: terraform plan")


def test_with_preflight_a_stack_needing_a_silent_region_fails_without_running(tmp_path):
    """Every stack that needs the region that does not answer fails at once with the line
    naming it, without its action; the others run, their results kept on the error; each
    region is probed once for the whole step."""
    stacks = _stacks(tmp_path)
    ran, asked = [], []

    def probe(region):
        asked.append(region)
        return region != "us-west-2"

    def action(plan: StackPlan) -> str:
        ran.append(plan.name)
        return f"planned {plan.name}"

    with pytest.raises(StacksFailed) as caught:
        run_rounds(stacks.unordered(), "drift", action, probe=probe, preflight=True)
    needs_it = {p.name for p in stacks.plans if "us-west-2" in p.needs}
    assert needs_it and set(caught.value.failures) == needs_it
    assert set(ran) == set(stacks.names) - needs_it
    assert caught.value.done == {name: f"planned {name}" for name in ran}
    for line in caught.value.lines:
        assert " drift failed: us-west-2 is unreachable (the stack needs " in line, line
    assert sorted(asked) == sorted(set(asked))


def test_without_preflight_the_probe_is_asked_only_after_a_failure(tmp_path):
    stacks = _stacks(tmp_path)
    asked = []
    results = run_rounds(stacks, "apply", lambda p: p.name, probe=asked.append)
    assert set(results) == set(stacks.names) and asked == []
