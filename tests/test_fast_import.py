"""The fast provider loader (drkit/bindings.py): same output as the stock import, safe fallback, one door.

The equality tests synthesize the default stack in two subprocesses, stock and
fast, each into its own temporary outdir (``CDKTF_OUTDIR``, which cdktf's
``App`` honours, so app.py runs unchanged). Nothing in the output is volatile:
cdk.tf.json and manifest.json carry no timestamps or absolute paths, and the
asset zip stores the sources' own mtimes, so whole trees are compared as raw
bytes. The fallback tests use a tiny fake package with the provider's layout,
so they exercise the loader's logic without paying for the real provider.
"""

from __future__ import annotations

import ast
import difflib
import hashlib
import importlib.util
import json
import os
import subprocess
import sys
import textwrap
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

from drkit import bindings
from tests.conftest import ROOT

PACKAGE = bindings.PACKAGE
STACK_JSON = Path("stacks") / "drkit" / "cdk.tf.json"
#: Settings that would make the two synths differ for reasons other than the loader.
SCRUBBED_ENV = (
    "DRKIT_CONFIG",
    "DRKIT_TARGET",
    "DRKIT_ENDPOINT_URL",
    "ENVIRONMENT_SUFFIX",
    "DRKIT_FAST_IMPORT",
    "CDKTF_OUTDIR",
    "CDKTF_CONTEXT_JSON",
    "CDKTF_TARGET_STACK_ID",
    "SYNTH_HCL_OUTPUT",
)
PROBE = "DRKIT-PROBE "

# Runs app.py's main() unchanged, then reports how the provider was loaded.
_SYNTH_DRIVER = """
import json, runpy, sys
app = runpy.run_path(sys.argv[1], run_name="drkit_app")
rc = app["main"]()
import drkit.bindings as b
pkg = sys.modules[b.PACKAGE]
print("DRKIT-PROBE " + json.dumps({
    "rc": rc,
    "mode": b.mode(),
    "init_ran": hasattr(pkg, "__all__"),
    "submodules": sorted({m.split(".")[1] for m in sys.modules if m.startswith(b.PACKAGE + ".")}),
}))
"""

# Runs install() against whatever package is first on sys.path and reports.
_INSTALL_DRIVER = """
import json, sys, warnings
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    import drkit.bindings as b
    mode = b.install()
    if mode == "fast":
        from cdktf_cdktf_provider_aws.provider import AwsProvider
pkg = sys.modules[b.PACKAGE]
print("DRKIT-PROBE " + json.dumps({
    "mode": mode,
    "file": pkg.__file__,
    "init_ran": getattr(pkg, "INIT_RAN", False),
    "submodules": sorted({m.split(".")[1] for m in sys.modules if m.startswith(b.PACKAGE + ".")}),
    "warnings": [[w.category.__name__, str(w.message)] for w in caught],
}))
"""


def _env(**overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in SCRUBBED_ENV}
    env["JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION"] = "20"
    env.update(overrides)
    return env


def _probe(args: list[str], *, env: dict[str, str], cwd: Path) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=600
    )
    assert proc.returncode == 0, f"subprocess failed ({proc.returncode}):\n{proc.stderr[-4000:]}"
    lines = [line for line in proc.stdout.splitlines() if line.startswith(PROBE)]
    assert len(lines) == 1, f"no probe line in the output:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}"
    return json.loads(lines[0][len(PROBE):])


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _sources_fingerprint() -> str:
    """What the synth reads from the repo: a change mid-test would void the comparison."""
    digest = hashlib.sha256()
    for path in sorted([ROOT / "app.py", *(ROOT / "drkit").rglob("*.py"), *(ROOT / "assets").rglob("*")]):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(ROOT).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _asset_paths(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for value in node.values():
            yield from _asset_paths(value)
    elif isinstance(node, list):
        for value in node:
            yield from _asset_paths(value)
    elif isinstance(node, str) and node.startswith("assets/"):
        yield node


def _installed_submodules() -> set[str]:
    spec = importlib.util.find_spec(PACKAGE)  # the package itself is not executed
    assert spec is not None and spec.submodule_search_locations
    return {
        d.name
        for location in spec.submodule_search_locations
        for d in Path(location).iterdir()
        if (d / "__init__.py").is_file()
    }


def _submodules_named_in(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            parts = node.module.split(".")
            if parts[0] == PACKAGE and len(parts) > 1:
                found.add(parts[1])
    return found


# ----- fast vs stock on the real provider ---------------------------------------------------------


@attrs.frozen(kw_only=True)
class Synth:
    """One subprocess synth of the default stack.

    Attributes:
        outdir: The cdktf outdir it wrote.
        probe: What the subprocess reported: mode, whether the package __init__ ran, submodules loaded.
    """

    outdir: Path
    probe: dict[str, Any]


@attrs.frozen(kw_only=True)
class SynthPair:
    """The default stack synthesized stock and fast, and whether the sources held still meanwhile."""

    stock: Synth
    fast: Synth
    sources_stable: bool


@pytest.fixture(scope="module")
def synth_pair(tmp_path_factory: pytest.TempPathFactory) -> SynthPair:
    base = tmp_path_factory.mktemp("fast-import")
    before = _sources_fingerprint()
    runs = {}
    # Sequential on purpose: the machine has two cores and each synth uses both.
    for mode, flag in (("stock", "0"), ("fast", "1")):
        cwd = base / mode
        outdir = cwd / "cdktf.out"
        cwd.mkdir()
        probe = _probe(
            ["-c", _SYNTH_DRIVER, str(ROOT / "app.py")],
            env=_env(DRKIT_FAST_IMPORT=flag, CDKTF_OUTDIR=str(outdir)),
            cwd=cwd,
        )
        runs[mode] = Synth(outdir=outdir, probe=probe)
    return SynthPair(stock=runs["stock"], fast=runs["fast"], sources_stable=_sources_fingerprint() == before)


@pytest.mark.synth
@pytest.mark.xdist_group("fast-import-synth")
def test_fast_synth_is_byte_identical_to_stock(synth_pair: SynthPair) -> None:
    """The fast path writes exactly the bytes the stock import writes: cdk.tf.json, manifest, assets."""
    assert synth_pair.sources_stable, "drkit/, app.py or assets/ changed while the test ran: rerun it"
    stock, fast = _tree(synth_pair.stock.outdir), _tree(synth_pair.fast.outdir)
    assert STACK_JSON.as_posix() in stock, f"stock synth wrote no {STACK_JSON}: {sorted(stock)}"
    if stock[STACK_JSON.as_posix()] != fast.get(STACK_JSON.as_posix()):
        diff = difflib.unified_diff(
            stock[STACK_JSON.as_posix()].decode().splitlines(),
            fast.get(STACK_JSON.as_posix(), b"").decode().splitlines(),
            "stock", "fast", lineterm="", n=2,
        )
        pytest.fail("cdk.tf.json differs:\n" + "\n".join(list(diff)[:60]))
    assert sorted(stock) == sorted(fast)
    differing = [name for name in stock if stock[name] != fast[name]]
    assert not differing, f"files differ between stock and fast: {differing}"


@pytest.mark.synth
@pytest.mark.xdist_group("fast-import-synth")
def test_fast_and_stock_ship_the_same_runtime_archive(synth_pair: SynthPair) -> None:
    """Every asset the stack references exists in both outdirs, under the same content hash, with the same bytes."""
    assert synth_pair.sources_stable, "drkit/, app.py or assets/ changed while the test ran: rerun it"
    stack = json.loads((synth_pair.fast.outdir / STACK_JSON).read_bytes())
    referenced = sorted(set(_asset_paths(stack)))
    assert referenced, "the stack references no asset: the runtime archive is missing"
    stack_dir = STACK_JSON.parent
    for relative in referenced:
        stock_file = synth_pair.stock.outdir / stack_dir / relative
        fast_file = synth_pair.fast.outdir / stack_dir / relative
        assert stock_file.is_file() and fast_file.is_file(), f"{relative} missing from an outdir"
        assert stock_file.read_bytes() == fast_file.read_bytes(), f"{relative} differs"
        with zipfile.ZipFile(fast_file) as archive:
            assert any(n.endswith(".py") for n in archive.namelist()), f"{relative} holds no code"


@pytest.mark.synth
@pytest.mark.xdist_group("fast-import-synth")
def test_fast_path_loads_only_what_drkit_aws_names(synth_pair: SynthPair) -> None:
    """In the fast subprocess the package __init__ never ran: only _jsii and drkit.aws's submodules loaded."""
    probe = synth_pair.fast.probe
    assert probe["rc"] == 0
    assert probe["mode"] == "fast"
    assert probe["init_ran"] is False, "the stock package __init__ ran on the fast path"
    expected = _submodules_named_in(ROOT / "drkit" / "aws.py") | {"_jsii"}
    assert set(probe["submodules"]) == expected, (
        f"loaded but not named in drkit/aws.py: {sorted(set(probe['submodules']) - expected)}; "
        f"named but not loaded: {sorted(expected - set(probe['submodules']))}"
    )


@pytest.mark.synth
@pytest.mark.xdist_group("fast-import-synth")
def test_stock_path_loads_every_submodule(synth_pair: SynthPair) -> None:
    """With DRKIT_FAST_IMPORT=0 the stock __init__ runs and loads all ~2,100 submodules on disk."""
    probe = synth_pair.stock.probe
    assert probe["rc"] == 0
    assert probe["mode"] == "stock"
    assert probe["init_ran"] is True
    installed = _installed_submodules()
    assert len(installed) > 2000, f"only {len(installed)} submodules on disk: a different provider?"
    assert set(probe["submodules"]) == installed
