"""``drkit demo``: deploy every stack to the embedded AWS emulator, show it, destroy it.

The README's main command (``make demo``). Nothing here can reach a real AWS
account: the stack is synthesized for the local target into ``.drkit/demo``
(never ``cdktf.out``), and the emulator stops on every exit path.
"""

from __future__ import annotations

import contextlib
import shlex
import signal
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from drkit.deploy.cdktf_lines import PROJECT_CDKTF, CdktfCommands, find_cdktf
from drkit.deploy.conflicts import lines as conflict_lines
from drkit.deploy.conflicts import show_conflict
from drkit.deploy.denials import denials
from drkit.deploy.errors import CdktfNotFound
from drkit.deploy.local import LocalDeployment
from drkit.deploy.readback import DeploymentView
from drkit.deploy.serve import problems
from drkit.deploy.terraform import StepTiming, find_provider_mirror, find_terraform
from drkit.regions.catalog import ROUTE53_METRICS_REGION
from drkit.regions.spec import DeploymentSpec, Target
from drkit_emulator.runner import Emulator

DEFAULT_WORKDIR = Path(".drkit") / "demo"


def run_demo(
    environ: Mapping[str, str], *, workdir: Path, keep: bool = False, port: int | None = None
) -> int:
    """Deploy the layout ``environ`` names, show it, destroy it; 0 unless it drifted or left any."""
    workdir = Path(workdir).resolve()
    say = _printer()
    # A bad spec is refused before anything starts.
    spec = DeploymentSpec.from_environment(
        {**environ, "DRKIT_TARGET": Target.LOCAL.value, "DRKIT_ENDPOINT_URL": "http://127.0.0.1:1"}
    )
    # So are missing tools: no emulator start and synth (half a minute) before saying so.
    find_terraform()
    find_provider_mirror()
    # The deployment's shared providers stop before the emulator does.
    with contextlib.ExitStack() as scope:
        emulator = scope.enter_context(
            Emulator(log_dir=workdir.parent / f"{workdir.name}-emulator", port=port)
        )
        say(
            f"emulator  moto server with drkit's extensions at {emulator.endpoint_url} "
            f"(pid {emulator.pid})"
        )
        deployment = scope.enter_context(
            LocalDeployment(
                emulator=emulator,
                workdir=workdir,
                environ=environ,
                progress=lambda stack, step, seconds: (
                    say(f"{step:<9} {stack} done in {seconds:.1f} s")
                    if step in ("deploy", "destroy")
                    else None
                ),
            )
        )
        regions = ", ".join(f"{r.region} ({r.role.value}, {r.weight} %)" for r in spec.regions)
        say(f"layout    {regions}; suffix {spec.environment_suffix!r}")
        say(f"stacks    {', '.join(p.name for p in spec.stacks)}")
        say("synth     ...")
        deployment.synthesize()
        say(f"synth     done in {deployment.timings[-1].seconds:.1f} s")
        deployment.init()
        say("deploy    ... (each stack applied once its dependencies are, then planned again)")
        drift = deployment.deploy(check=True).drift
        say(f"deploy    done in {sum(t.seconds for t in deployment.timings[-2:]):.1f} s")
        view = deployment.describe()
        print(summary(view), flush=True)
        served_ok = _serve(deployment)
        if drift:
            say("drift     CHANGES PENDING right after apply:")
        else:
            say("drift     none: each stack's second plan reports no changes")
        for line in drift:
            say(f"            {line}")
        if keep:
            print(exploration(deployment, spec.primary.region), flush=True)
            _wait_for_ctrl_c()
        say("destroy   ...")
        deployment.destroy()
        left = deployment.leftovers()
        if left:
            say(f"destroy   done; left behind: {', '.join(left)}")
        else:
            say("destroy   done; nothing of the stack is left in the emulator")
        say(replay_line(emulator.replays()))
        print(timing_table(deployment.timings, deployment.stack_timings), flush=True)
    return 0 if served_ok and not drift and not left else 1


def _serve(deployment: LocalDeployment) -> bool:
    """Requests served by the deployed code under its deployed roles, and what they refuse."""
    scenario = deployment.scenario()
    served = scenario.run()
    print(
        "Served by the deployed functions (the uploaded archive, each run as its own "
        "execution role; the emulator enforces IAM):",
        flush=True,
    )
    for item in served:
        print(f"  {item.line}", flush=True)
    print(
        "  (the emulator replicates at once: the measured figures are the time between the\n"
        "   scenario's own steps, which shows the canaries measure and publish, not a lag)",
        flush=True,
    )
    shown = show_conflict(scenario)
    print("A concurrent write (one record in every region while replication waits):", flush=True)
    for line in conflict_lines(shown):
        print(f"  {line}", flush=True)
    refused = denials(scenario)
    print("Refused to the functions' roles (calls they must never make):", flush=True)
    for attempt in refused:
        print(f"  {attempt.line}", flush=True)
    trouble = problems(served) + [a.line for a in refused if not a.refused]
    if not any(shown.detected.values()):
        trouble.append("the concurrent write was not detected in any region")
    for line in trouble:
        print(f"  PROBLEM: {line}", flush=True)
    print(flush=True)
    return not trouble


def _printer() -> Callable[[str], None]:
    def say(line: str) -> None:
        print(f"drkit demo | {line}", flush=True)

    return say


def summary(view: DeploymentView) -> str:
    """A short, readable account of what was deployed, read back from the emulator."""
    lines = [
        "",
        "Deployed (read back from the emulated account):",
        "  Traffic (Route 53 weighted records, health-checked):",
    ]
    for record in view.records:
        check = view.health_checks.get(record.region)
        how = (
            f"{check.type} {check.path} every {check.interval_seconds} s, "
            f"out after {check.failure_threshold} failures"
            if check
            else "NO HEALTH CHECK"
        )
        endpoint = view.api_endpoints.get(record.region, "")
        lines.append(f"    {record.region:<15} weight {record.weight:>3}  {endpoint}  ({how})")
    lines.append("  DynamoDB global tables:")
    for table in view.tables:
        pitr = (
            "PITR on everywhere"
            if all(table.pitr_by_region.values())
            else f"PITR {table.pitr_by_region}"
        )
        replicas = ", ".join(table.replica_regions) or "NONE"
        lines.append(f"    {table.name:<30} in {table.region}, replicas in {replicas}; {pitr}")
    lines.append("  S3 buckets (versioned, SSE-KMS) and their replication targets:")
    lines.extend(
        f"    {bucket.name:<30} -> {', '.join(bucket.replication_targets) or 'NONE'}"
        for bucket in view.buckets
    )
    alarms = {region: len(items) for region, items in view.alarms_by_region.items() if items}
    per_region = ", ".join(f"{r} {n}" for r, n in alarms.items())
    lines.append(
        f"  CloudWatch: {sum(alarms.values())} alarms ({per_region}); "
        f"{len(view.dashboards)} dashboards ({', '.join(view.dashboards)})"
    )
    topics = {r: len(t) for r, t in view.topics_by_region.items() if t}
    lines.append(
        f"  SNS: alert topics per region {topics}; "
        f"Route 53 health alarms live in {ROUTE53_METRICS_REGION}"
    )
    lines.extend(
        f"  VPC peering {p.requester} <-> {p.accepter}: {p.status}, "
        f"routes {p.routes_requester} + {p.routes_accepter}"
        for p in view.peerings
    )
    return "\n".join(lines) + "\n"


def replay_line(replays: Mapping[str, Any]) -> str:
    """How many SDK retries the emulator answered from a first attempt (docs/emulator.md):
    a deployment that only succeeded by replays should say so."""
    count = replays["replayed"]
    if not count:
        return "replays   none: no request needed a retry's replayed answer"
    operations = sorted({o["operation"] for o in replays["operations"]})
    return f"replays   {count} retried requests answered by replay ({', '.join(operations)})"


def timing_table(timings: Sequence[StepTiming], stack_timings: Sequence[StepTiming] = ()) -> str:
    """Each step's wall time, then each stack's part of it (stacks of a round run at once)."""
    width = max(len(t.step) for t in (*timings, *stack_timings))
    rows = [f"  {t.step:<{width}}  {t.seconds:7.1f} s" for t in timings]
    rows.append(f"  {'total':<{width}}  {sum(t.seconds for t in timings):7.1f} s")
    text = "Step timings (wall clock):\n" + "\n".join(rows)
    if stack_timings:
        per_stack = [f"  {t.step:<{width}}  {t.seconds:7.1f} s" for t in stack_timings]
        text += "\nPer stack:\n" + "\n".join(per_stack)
    return text


def cdktf_commands(deployment: LocalDeployment) -> CdktfCommands:
    """The ``cdktf`` lines for a local deployment: its emulator, its layout, its state.

    The local target keeps its state in the synth output directory, so the
    lines' ``--output`` finds what the deployment applied.
    """
    if not deployment.terraform:
        raise RuntimeError("synthesize() first")
    try:
        executable = find_cdktf()
    except CdktfNotFound:
        executable = PROJECT_CDKTF  # printed all the same; `make tools` installs it
    return CdktfCommands.for_emulator(
        endpoint_url=deployment.emulator.endpoint_url,
        layout=deployment.environ,
        outdir=deployment.outdir,
        cli_config=deployment.cli_config,
        credentials=deployment.emulator.credentials,
        executable=executable,
    )


def keep_commands(spec: DeploymentSpec) -> tuple[tuple[str, str | None], ...]:
    """What ``--keep`` prints: one secondary region's stack alone (``diff``, ``deploy``), then
    every stack (``deploy``, ``destroy``)."""
    one = next(p.name for p in spec.stacks if p.regional and p.region != spec.primary.region)
    return (("diff", one), ("deploy", one), ("deploy", None), ("destroy", None))


def exploration(deployment: LocalDeployment, region: str) -> str:
    """What ``--keep`` prints: the AWS CLI settings and the cdktf lines for this deployment.

    The keys are the emulator's deployer's (it enforces IAM and refuses any other).
    """
    endpoint = deployment.emulator.endpoint_url
    keys = " ".join(f"{k}={shlex.quote(v)}" for k, v in deployment.emulator.credentials.items())
    commands = cdktf_commands(deployment)
    shown = keep_commands(deployment.spec)
    one = shown[0][1]
    lines = commands.lines(*shown)
    missing = "" if commands.executable.exists() else "  # cdktf-cli is not installed: make tools\n"
    return (
        "\nThe emulator keeps running for exploration. In another shell:\n"
        f"  export AWS_ENDPOINT_URL={endpoint} {keys} AWS_DEFAULT_REGION={region}\n"
        "  aws dynamodb list-tables            # or boto3.client('dynamodb', endpoint_url=...)\n"
        "\nThe same stacks with cdktf (same state; diff shows no changes until you edit the code):"
        f"\none region's stack alone ({one}), then every stack in order, then all destroyed:\n"
        + missing
        + "".join(f"  {line}\n" for line in lines)
        + "\nRehearse a region's outage (no answer to its requests; us-east-1 takes IAM's and "
        "Route 53's control planes with it), then plan or apply one region alone:\n"
        f"  drkit outage take-out {region} --endpoint {endpoint}\n"
        f"  drkit outage bring-back --endpoint {endpoint}\n"
        + "\nPress Ctrl-C here to destroy the stacks and stop the emulator.\n"
    )


def _wait_for_ctrl_c() -> None:
    stop = threading.Event()
    previous = signal.signal(signal.SIGINT, lambda *_: stop.set())
    try:
        while not stop.wait(1.0):
            pass
    finally:
        signal.signal(signal.SIGINT, previous)
    print(file=sys.stderr)
