#!/usr/bin/env python
"""Measured synth figures for drkit: stock vs fast provider import, 2, 3 and 5 regions.

Prints figures, never asserts them (timings belong to the machine, not to a
test). Every figure is a fresh subprocess, run sequentially; the cases are
interleaved round by round so slow drift on a shared machine hits all alike,
and each cell is the median of ``--runs`` rounds with min-max beside it.

Wall time and peak RSS are measured by the harness (bench/harness.py): the
kernel's peak RSS of the process tree, and for Python children the
interpreter's own peak and its node jsii kernel's, separately.

Outdirs and the 5-region layout live in a temporary directory; the repo's
cdktf.out is never touched (``CDKTF_OUTDIR`` redirects cdktf's ``App``).

Extending: if ``bench/deploy.py`` exists, it is loaded after the synth
sections (unless ``--skip-deploy``) and its ``run(bench: Bench) -> None`` is
called. ``Bench`` gives it the settings (``runs``, ``root``, ``workdir``,
``python``), ``env()``, ``synth()`` for an outdir to deploy, ``measure()`` for
interleaved medians of any commands (terraform included: non-Python commands get
wall time and ``ru_maxrss``), and ``print_table()``.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.metadata
import importlib.util
import itertools
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from harness import APP, ROOT, Bench, Case

THREE_REGIONS = ROOT / "examples" / "three-region.toml"
FIVE_REGIONS = (
    ("us-east-1", "primary", 40, "10.0.0.0/16"),
    ("us-west-2", "secondary", 20, "10.1.0.0/16"),
    ("eu-west-1", "secondary", 15, "10.2.0.0/16"),
    ("eu-central-1", "secondary", 15, "10.3.0.0/16"),
    ("ap-southeast-2", "secondary", 10, "10.4.0.0/16"),
)
#: Targets, printed next to the figures (never asserted): the fast path against the stock
#: synth (issue 2), the framework's cost over the fast import (issue 6), and the default
#: synth against importing the stock provider package (the developers' guide: under 0.40).
FAST_OVER_STOCK_TARGET = 1 / 3
SYNTH_OVER_IMPORT_TARGET = 0.30
SYNTH_OVER_STOCK_IMPORT_TARGET = 0.40

# ----- the machine --------------------------------------------------------------------------------


def _first(path: str, key: str) -> str | None:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(key):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def _command(*argv: str) -> str:
    try:
        return subprocess.run(
            argv, check=False, capture_output=True, text=True, cwd=ROOT, timeout=30
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "?"


def _version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def print_header(bench: Bench) -> None:
    mem_kb = _first("/proc/meminfo", "MemTotal")
    ram = f"{int(mem_kb.split()[0]) / 1024**2:.1f} GiB RAM" if mem_kb else "RAM ?"
    cores = os.cpu_count()
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cores
    node = os.environ.get("JSII_NODE", "node")
    versions = ", ".join(
        f"{d} {_version(d)}" for d in ("cdktf", "cdktf-cdktf-provider-aws", "jsii", "constructs")
    )
    dirty = " (uncommitted changes)" if _command("git", "status", "--porcelain") else ""
    now = datetime.datetime.now(datetime.UTC)
    runs = f"runs={bench.runs} per figure: median, min-max in brackets"
    print(f"drkit bench  {now:%Y-%m-%d %H:%M} UTC  ({runs})")
    print(
        f"  machine   {_first('/proc/cpuinfo', 'model name') or platform.processor() or '?'}, "
        f"{cores} cores ({usable} usable), {ram}, {platform.system()} {platform.release()}"
    )
    python = f"Python {platform.python_version()}"
    print(f"  software  {python}, Node {_command(node, '--version')}, {versions}")
    print(f"  tree      {_command('git', 'rev-parse', '--short', 'HEAD')}{dirty}")
    print(f"  load avg  {' '.join(f'{x:.2f}' for x in os.getloadavg())} (1/5/15 min) at start")
    print(
        "  RSS       MB; 'peak' is wait4's ru_maxrss (largest single process); "
        "'python' and 'node' split it per process"
    )


# ----- the synth sections -------------------------------------------------------------------------


def write_five_regions(workdir: Path) -> Path:
    """The 5-region layout: the 3-region example's settings with five [[regions]] tables."""
    head = THREE_REGIONS.read_text().split("[[regions]]", 1)[0]
    settings = [
        line for line in head.splitlines() if line.strip() and not line.lstrip().startswith("#")
    ]
    tables = [
        f'[[regions]]\nregion = "{region}"\nrole = "{role}"\nweight = {weight}\ncidr = "{cidr}"\n'
        for region, role, weight, cidr in FIVE_REGIONS
    ]
    path = workdir / "five-region.toml"
    path.write_text(
        "# Written by bench/run.py.\n" + "\n".join(settings) + "\n\n" + "\n".join(tables)
    )
    return path


def stack_files(outdir: Path) -> dict[str, bytes]:
    """Every synthesized stack's cdk.tf.json, ``stack name -> bytes`` (cdktf's manifest)."""
    manifest = json.loads((outdir / "manifest.json").read_text())
    return {
        name: (outdir / entry["synthesizedStackPath"]).read_bytes()
        for name, entry in manifest["stacks"].items()
    }


def counts(outdir: Path) -> tuple[int, int, int]:
    """(stacks, resources, data sources) of a synthesis, over all its stacks."""
    stacks = [json.loads(body) for body in stack_files(outdir).values()]
    return (
        len(stacks),
        sum(len(v) for stack in stacks for v in stack.get("resource", {}).values()),
        sum(len(v) for stack in stacks for v in stack.get("data", {}).values()),
    )


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}"


def _verdict(met: bool) -> str:
    return "met" if met else "NOT met"


def run_synth(bench: Bench, *, stock_all: bool) -> None:
    five = write_five_regions(bench.workdir)
    layouts = {2: {}, 3: {"DRKIT_CONFIG": str(THREE_REGIONS)}, 5: {"DRKIT_CONFIG": str(five)}}
    modes = {"stock": {"DRKIT_FAST_IMPORT": "0"}, "fast": {"DRKIT_FAST_IMPORT": "1"}}
    cases = [
        Case(
            label="import/stock",
            argv=("-c", "import cdktf_cdktf_provider_aws.vpc"),
            env=modes["stock"],
        ),
        Case(label="import/fast", argv=("-c", "import drkit.aws"), env=modes["fast"]),
    ]
    for regions, layout in layouts.items():
        for mode, flag in modes.items():
            if mode == "stock" and regions != 2 and not stock_all:
                continue
            cases.append(
                Case(
                    label=f"synth{regions}/{mode}",
                    argv=(str(APP),),
                    env={**layout, **flag},
                    synth=True,
                )
            )
    print(f"\nmeasuring {len(cases)} cases x {bench.runs} runs, sequentially ...", file=sys.stderr)
    results = bench.measure(cases)

    def row(label: str, what: str) -> list[str]:
        s = results[label]
        return [
            label.split("/")[1],
            what,
            s.wall_text(),
            s.rss_text("peak_rss_mb"),
            s.rss_text("python_rss_mb"),
            s.rss_text("children_rss_mb"),
        ]

    headers = ["mode", "command", "wall s", "peak MB", "python MB", "node MB"]
    Bench.print_table(
        "Import the provider alone (the baseline)",
        headers,
        [
            row(
                "import/stock",
                "python -c 'import cdktf_cdktf_provider_aws.vpc'  (DRKIT_FAST_IMPORT=0)",
            ),
            row("import/fast", "python -c 'import drkit.aws'"),
        ],
        align="llrrrr",
    )
    stock2, fast2 = results["synth2/stock"], results["synth2/fast"]
    Bench.print_table(
        "Synthesize the default 2-region layout (every stack): python app.py",
        headers,
        [
            row("synth2/stock", "python app.py  (DRKIT_FAST_IMPORT=0)"),
            row("synth2/fast", "python app.py"),
        ],
        align="llrrrr",
    )
    ratio = fast2.wall / stock2.wall
    identical = (
        stock2.outdir is not None
        and fast2.outdir is not None
        and stack_files(stock2.outdir) == stack_files(fast2.outdir)
    )
    print(
        f"  fast/stock wall: {ratio:.2f} (target <= {FAST_OVER_STOCK_TARGET:.2f}: "
        f"{_verdict(ratio <= FAST_OVER_STOCK_TARGET)}); "
        f"every cdk.tf.json stock vs fast: {'byte-identical' if identical else 'DIFFERENT'}"
    )
    over_stock = fast2.wall / results["import/stock"].wall
    print(
        f"  python app.py / stock provider import: {over_stock:.2f} "
        f"(target < {SYNTH_OVER_STOCK_IMPORT_TARGET:.2f}: "
        f"{_verdict(over_stock < SYNTH_OVER_STOCK_IMPORT_TARGET)})"
    )

    rows = []
    for mode in modes:
        baseline = results[f"import/{mode}"].wall
        previous: tuple[int, float] | None = None
        for regions in layouts:
            label = f"synth{regions}/{mode}"
            if label not in results:
                continue
            s = results[label]
            assert s.outdir is not None
            stacks, resources, data = counts(s.outdir)
            step = (
                "-"
                if previous is None
                else f"{(s.wall - previous[1]) / (regions - previous[0]):+.2f}"
            )
            over = s.wall / baseline - 1
            per_resource = (s.wall - baseline) / resources * 1000
            rows.append(
                [
                    str(regions),
                    mode,
                    str(stacks),
                    s.wall_text(),
                    _ratio(s.wall, baseline),
                    f"{over:+.0%}",
                    step,
                    str(resources),
                    str(data),
                    f"{per_resource:.1f}",
                    s.rss_text("peak_rss_mb"),
                ]
            )
            previous = (regions, s.wall)
    Bench.print_table(
        "Synth vs the import baseline of the same mode, and growth with regions",
        [
            "regions",
            "mode",
            "stacks",
            "wall s",
            "x import",
            "over import",
            "s/added region",
            "resources",
            "data",
            "ms/resource",
            "peak MB",
        ],
        rows,
        align="rl" + "r" * 9,
    )
    over2 = fast2.wall / results["import/fast"].wall - 1
    print(
        f"  fast, 2 regions: the framework adds {over2:+.0%} over the import baseline "
        f"(target < {SYNTH_OVER_IMPORT_TARGET:.0%}: {_verdict(over2 < SYNTH_OVER_IMPORT_TARGET)})"
    )
    fast_steps = [(r, results[f"synth{r}/fast"].wall) for r in layouts]
    increments = [(b[1] - a[1]) / (b[0] - a[0]) for a, b in itertools.pairwise(fast_steps)]
    print(
        f"  fast, per added region: {', '.join(f'{x:.2f} s' for x in increments)} "
        f"(2->3, 3->5; at most linear growth means the later increment is not larger)"
    )
    print(
        "  ms/resource: (synth - import baseline) / resources; the full peering mesh makes "
        "resources grow faster than regions"
    )


def run_extensions(bench: Bench, *, skip: bool) -> None:
    path = Path(__file__).with_name("deploy.py")
    if not path.is_file():
        print("\n(no bench/deploy.py: deploy section not run)")
        return
    if skip:
        print("\n(deploy section skipped: --skip-deploy)")
        return
    spec = importlib.util.spec_from_file_location("drkit_bench_deploy", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.run(bench)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--runs", type=int, default=3, help="runs per case; the median is printed (default 3)"
    )
    parser.add_argument(
        "--stock-all", action="store_true", help="also measure 3 and 5 regions on the stock import"
    )
    parser.add_argument(
        "--skip-deploy", action="store_true", help="do not run bench/deploy.py even if present"
    )
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    # Line by line even when piped (make bench | tee): tables appear as they are measured.
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    with tempfile.TemporaryDirectory(prefix="drkit-bench-") as tmp:
        bench = Bench(runs=args.runs, workdir=Path(tmp))
        print_header(bench)
        started = time.perf_counter()
        run_synth(bench, stock_all=args.stock_all)
        run_extensions(bench, skip=args.skip_deploy)
        print(
            f"\nload avg {' '.join(f'{x:.2f}' for x in os.getloadavg())} at the end; "
            f"bench took {time.perf_counter() - started:.0f} s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
