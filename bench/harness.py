"""The bench's harness: cases, their interleaved runs, medians and peak RSS, and tables.

``bench/run.py`` measures synth with it and hands the same :class:`Bench` to
``bench/deploy.py``. Wall time is ``time.perf_counter`` around each subprocess; memory is
the kernel's peak RSS (``os.wait4``), with Python cases run through a shim that also reports
the interpreter's own peak and its children's (the node jsii kernel).
"""

from __future__ import annotations

import json
import os
import shlex
import statistics
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import attrs

from drkit import JSII_QUIET
from drkit.deploy.synth import MEASURED_SYNTH_ENV

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
#: Settings of the caller's shell that would change what is synthesized.
SCRUBBED_ENV = MEASURED_SYNTH_ENV

# Runs a script or ``-c`` code unchanged, then writes its own and its reaped
# children's peak RSS. Registered before anything else, the atexit hook runs
# last: after jsii has stopped and reaped its node kernel.
_RUSAGE_SHIM = """
import atexit, json, os, resource, runpy, sys
def _report(path=os.environ.pop("DRKIT_BENCH_RUSAGE")):
    with open(path, "w") as f:
        json.dump({"self_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                   "children_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}, f)
atexit.register(_report)
if sys.argv[1] == "-c":
    code, sys.argv = sys.argv[2], ["-c", *sys.argv[3:]]
    exec(compile(code, "<string>", "exec"), {"__name__": "__main__"})
else:
    sys.argv = sys.argv[1:]
    sys.path[0] = os.path.dirname(os.path.abspath(sys.argv[0]))
    runpy.run_path(sys.argv[0], run_name="__main__")
"""


@attrs.frozen(kw_only=True)
class Case:
    """One command to measure.

    Attributes:
        label: Its key in the results.
        argv: The command; for a Python case, the interpreter's arguments (``["app.py"]``,
            ``["-c", "import x"]``), run with the bench's interpreter.
        env: Environment overrides on top of :meth:`Bench.env`.
        python: Whether ``argv`` is run by the bench's Python (through the RSS shim).
        synth: Whether it writes a cdktf outdir (each run then gets a fresh ``CDKTF_OUTDIR``).
    """

    label: str
    argv: tuple[str, ...]
    env: Mapping[str, str] = attrs.field(factory=dict)
    python: bool = True
    synth: bool = False


@attrs.frozen(kw_only=True)
class Sample:
    """One run of a case.

    Attributes:
        wall_seconds: Wall time around the subprocess.
        peak_rss_mb: ``ru_maxrss`` from ``os.wait4``: the largest single process of the tree.
        python_rss_mb: The interpreter's own peak (Python cases only, else ``None``).
        children_rss_mb: Its reaped children's peak, i.e. the node jsii kernel (Python cases only).
        outdir: The cdktf outdir it wrote (synth cases only).
    """

    wall_seconds: float
    peak_rss_mb: float
    python_rss_mb: float | None = None
    children_rss_mb: float | None = None
    outdir: Path | None = None


@attrs.frozen(kw_only=True)
class Series:
    """All runs of one case, and their medians."""

    case: Case
    samples: tuple[Sample, ...]

    def median(self, field: str) -> float | None:
        values = [getattr(s, field) for s in self.samples if getattr(s, field) is not None]
        return statistics.median(values) if values else None

    @property
    def wall(self) -> float:
        return statistics.median(s.wall_seconds for s in self.samples)

    def wall_text(self) -> str:
        walls = [s.wall_seconds for s in self.samples]
        return f"{self.wall:6.2f} ({min(walls):.2f}-{max(walls):.2f})"

    def rss_text(self, field: str) -> str:
        value = self.median(field)
        return "-" if value is None else f"{value:.0f}"

    @property
    def outdir(self) -> Path | None:
        return self.samples[-1].outdir


class Bench:
    """Runs and prints measurements; ``bench/deploy.py`` receives one of these.

    Attributes:
        runs: Runs per case (the median is printed).
        root: The repository.
        workdir: A temporary directory for outdirs and generated files; also every child's cwd.
        python: The interpreter that runs Python cases.
    """

    def __init__(self, *, runs: int, workdir: Path, python: str = sys.executable) -> None:
        self.runs = runs
        self.root = ROOT
        self.workdir = workdir
        self.python = python
        self._serial = 0

    def env(self, **overrides: str) -> dict[str, str]:
        """The caller's environment minus drkit/cdktf settings, jsii banner off, plus overrides."""
        env = {k: v for k, v in os.environ.items() if k not in SCRUBBED_ENV}
        env.update(JSII_QUIET)
        env.update(overrides)
        return env

    def _fresh(self, stem: str) -> Path:
        self._serial += 1
        return self.workdir / f"{self._serial:03d}-{stem.replace('/', '-')}"

    def sample(self, case: Case) -> Sample:
        """Run ``case`` once, sequentially, and measure it."""
        env = self.env(**case.env)
        outdir = None
        if case.synth:
            outdir = self._fresh(f"{case.label}.out")
            env["CDKTF_OUTDIR"] = str(outdir)
        argv = list(case.argv)
        rusage_file = None
        if case.python:
            rusage_file = self._fresh("rusage.json")
            env["DRKIT_BENCH_RUSAGE"] = str(rusage_file)
            argv = [self.python, "-c", _RUSAGE_SHIM, *argv]
        log = self._fresh(f"{case.label}.log")
        with log.open("wb") as sink:
            start = time.perf_counter()
            proc = subprocess.Popen(
                argv, cwd=self.workdir, env=env, stdout=sink, stderr=subprocess.STDOUT
            )
            _, status, usage = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            tail = log.read_text(errors="replace")[-3000:]
            raise SystemExit(
                f"bench: {case.label} failed ({proc.returncode}): {shlex.join(case.argv)}\n{tail}"
            )
        sample = Sample(wall_seconds=wall, peak_rss_mb=usage.ru_maxrss / 1024, outdir=outdir)
        if rusage_file is not None:
            own = json.loads(rusage_file.read_text())
            sample = attrs.evolve(
                sample,
                python_rss_mb=own["self_kb"] / 1024,
                children_rss_mb=own["children_kb"] / 1024,
            )
        return sample

    def measure(self, cases: Sequence[Case]) -> dict[str, Series]:
        """``runs`` rounds, each running every case once in order; one series per case."""
        samples: dict[str, list[Sample]] = {c.label: [] for c in cases}
        for round_ in range(1, self.runs + 1):
            for case in cases:
                print(
                    f"  round {round_}/{self.runs}: {case.label} ...",
                    end="\r",
                    file=sys.stderr,
                    flush=True,
                )
                samples[case.label].append(self.sample(case))
        print(" " * 72, end="\r", file=sys.stderr, flush=True)
        return {c.label: Series(case=c, samples=tuple(samples[c.label])) for c in cases}

    def synth(self, **env: str) -> Path:
        """Synthesize once (``python app.py``, fast path) with ``env`` and return the outdir."""
        case = Case(label="synth", argv=(str(APP),), env=env, synth=True)
        outdir = self.sample(case).outdir
        assert outdir is not None
        return outdir

    @staticmethod
    def print_table(
        title: str, headers: Sequence[str], rows: Sequence[Sequence[str]], align: str | None = None
    ) -> None:
        """A plain-text table; ``align``: ``l``/``r`` per column (default: ``l`` then ``r``)."""
        align = align or "l" + "r" * (len(headers) - 1)
        widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
        print(f"\n{title}")
        for row in [headers, *rows]:
            cells = [
                str(c).ljust(w) if a == "l" else str(c).rjust(w)
                for c, w, a in zip(row, widths, align, strict=True)
            ]
            print("  " + "  ".join(cells).rstrip())
