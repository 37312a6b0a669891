"""The fast provider loader (drkit/bindings.py) on the real provider: stock output, fewer loads.

The equality tests synthesize app.py's stacks twice, each into its own temporary
outdir: fast, in this test process (which loads the bindings the fast way, like
every test session and synth), and stock, running app.py unchanged in a fresh
interpreter with ``DRKIT_FAST_IMPORT=0`` (the stock import is what costs: ~25 s
of CPU to load ~2,100 submodules). Nothing in the output is volatile for a given
cwd: cdk.tf.json and manifest.json carry no timestamps, the asset zip stores the
sources' own mtimes, and the one absolute path (the local backend's state file,
made from the jsii kernel's cwd, one per stack) is the same because the stock run starts in the
directory the fast run's path names. So whole trees are compared as raw bytes,
with nothing dropped.
"""

from __future__ import annotations

import ast
import difflib
import hashlib
import importlib.util
import json
import os
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

from drkit import bindings
from drkit.operations.synthesized import read_synthesized
from drkit.regions import DeploymentSpec
from tests.helpers import ROOT, synth_stacks
from tests.synth.provider_probe import PACKAGE, SCRUBBED_ENV, probe_env, run_probe


def _stack_files(tree: dict[str, bytes]) -> list[str]:
    """The ``stacks/<name>/cdk.tf.json`` paths of an outdir's tree."""
    return sorted(name for name in tree if name.endswith("/cdk.tf.json"))


# Runs app.py's main() unchanged, then reports how the provider was loaded.
_SYNTH_DRIVER = """
import json, os, runpy, sys
app = runpy.run_path(sys.argv[1], run_name="drkit_app")
rc = app["main"]()
import drkit.bindings as b
pkg = sys.modules[b.PACKAGE]
root = os.path.dirname(os.path.abspath(sys.argv[1])) + os.sep
print("DRKIT-PROBE " + json.dumps({
    "rc": rc,
    "sources": sorted({
        os.path.relpath(f, root) for m in list(sys.modules.values())
        if isinstance(f := getattr(m, "__file__", None), str) and f.startswith(root)
    }),
    "mode": b.mode(),
    "init_ran": hasattr(pkg, "__all__"),
    "entries": len([m for m in sys.modules if m.startswith(b.PACKAGE + ".")]),
    # publication.publish() adds a "<module>._private" alias per module: not a submodule.
    "submodules": sorted(
        {m.split(".")[1] for m in sys.modules if m.startswith(b.PACKAGE + ".")} - {"_private"}
    ),
}))
"""


def _tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _source_hashes() -> dict[str, str]:
    """Hashes of what a synth may read from the repo: its Python modules and the runtime assets."""
    return {
        path.relative_to(ROOT).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(
            [ROOT / "app.py", *(ROOT / "drkit").rglob("*.py"), *(ROOT / "assets").rglob("*")]
        )
        if path.is_file() and "__pycache__" not in path.parts
    }


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


@attrs.frozen(kw_only=True)
class Synth:
    """One synth of app.py's stack.

    Attributes:
        outdir: The cdktf outdir it wrote.
        probe: What its process reported: mode, whether the package __init__ ran,
            the submodules and repo files it loaded.
    """

    outdir: Path
    probe: dict[str, Any]


@attrs.frozen(kw_only=True)
class SynthPair:
    """The default stack synthesized stock and fast.

    Attributes:
        stock: The run with ``DRKIT_FAST_IMPORT=0``.
        fast: The run with the default (fast) loader.
        changed_sources: Files the synths read (modules they loaded, assets) that changed
            between the two runs: other work in the tree, which would void the comparison.
    """

    stock: Synth
    fast: Synth
    changed_sources: tuple[str, ...]


def _probe_this_process() -> dict[str, Any]:
    """What _SYNTH_DRIVER reports, for this process."""
    root = f"{ROOT}{os.sep}"
    package = sys.modules[PACKAGE]
    return {
        "rc": 0,
        "sources": sorted(
            os.path.relpath(f, root)
            for m in list(sys.modules.values())
            if isinstance(f := getattr(m, "__file__", None), str) and f.startswith(root)
        ),
        "mode": bindings.mode(),
        "init_ran": hasattr(package, "__all__"),
        "entries": len([m for m in sys.modules if m.startswith(PACKAGE + ".")]),
        "submodules": sorted(
            {m.split(".")[1] for m in sys.modules if m.startswith(PACKAGE + ".")} - {"_private"}
        ),
    }


# The tests below share this pair; xdist_group keeps them on one worker so the
# stock synth (a ~25 s import) is paid once per session.
@pytest.fixture(scope="module")
def synth_pair(tmp_path_factory: pytest.TempPathFactory) -> SynthPair:
    base = tmp_path_factory.mktemp("fast-import")
    before = _source_hashes()
    # Fast, here: app.py's spec from the scrubbed environment, synthesized as app.py does.
    environ = {k: v for k, v in os.environ.items() if k not in SCRUBBED_ENV}
    fast_out = base / "fast.out"
    stacks = synth_stacks(DeploymentSpec.from_environment(environ), fast_out)
    fast = Synth(outdir=fast_out, probe=_probe_this_process())
    # Stock, in a fresh interpreter started where the fast run's local state paths point:
    # they are absolute, made from the cwd of the process that synthesizes.
    backend = next(iter(stacks.values()))["terraform"]["backend"]
    stock_out = base / "stock.out"
    stock_probe = run_probe(
        ["-c", _SYNTH_DRIVER, str(ROOT / "app.py")],
        env=probe_env(DRKIT_FAST_IMPORT="0", CDKTF_OUTDIR=str(stock_out)),
        cwd=Path(backend["local"]["path"]).parent,
    )
    stock = Synth(outdir=stock_out, probe=stock_probe)
    after = _source_hashes()
    loaded = {*stock.probe["sources"], *fast.probe["sources"]}
    assert "drkit/stacks/__init__.py" in loaded, f"the probe saw no drkit module: {sorted(loaded)}"
    read = loaded | {f for f in before if f.startswith("assets/")}
    changed = tuple(sorted(f for f in read if before.get(f) != after.get(f)))
    return SynthPair(stock=stock, fast=fast, changed_sources=changed)


def _require_unchanged_sources(pair: SynthPair) -> None:
    assert not pair.changed_sources, f"changed while the test ran, rerun: {pair.changed_sources}"


@pytest.mark.synth
@pytest.mark.xdist_group("fast-import-synth")
def test_fast_synth_is_byte_identical_to_stock(synth_pair: SynthPair) -> None:
    """The fast path writes exactly the stock bytes: cdk.tf.json, manifest, assets."""
    _require_unchanged_sources(synth_pair)
    stock, fast = _tree(synth_pair.stock.outdir), _tree(synth_pair.fast.outdir)
    files = _stack_files(stock)
    assert len(files) >= 5, f"stock synth wrote too few stacks: {sorted(stock)}"
    for name in files:
        if stock[name] == fast.get(name):
            continue
        diff = difflib.unified_diff(
            stock[name].decode().splitlines(),
            fast.get(name, b"").decode().splitlines(),
            "stock",
            "fast",
            lineterm="",
            n=2,
        )
        pytest.fail(f"{name} differs:\n" + "\n".join(list(diff)[:60]))
    assert sorted(stock) == sorted(fast)
    differing = [name for name in stock if stock[name] != fast[name]]
    assert not differing, f"files differ between stock and fast: {differing}"


@pytest.mark.synth
@pytest.mark.xdist_group("fast-import-synth")
def test_fast_and_stock_ship_the_same_runtime_archive(synth_pair: SynthPair) -> None:
    """Every asset the stack references is in both outdirs, same content hash, same bytes."""
    _require_unchanged_sources(synth_pair)
    manifest = json.loads((synth_pair.fast.outdir / "manifest.json").read_bytes())
    referenced = sorted(
        (Path(entry["workingDirectory"]), relative)
        for name, stack in read_synthesized(synth_pair.fast.outdir).items()
        for entry in [manifest["stacks"][name]]
        for relative in set(_asset_paths(stack))
    )
    assert referenced, "no stack references an asset: the runtime archive is missing"
    for stack_dir, relative in referenced:
        stock_file = synth_pair.stock.outdir / stack_dir / relative
        fast_file = synth_pair.fast.outdir / stack_dir / relative
        assert stock_file.is_file() and fast_file.is_file(), f"{relative} missing from an outdir"
        assert stock_file.read_bytes() == fast_file.read_bytes(), f"{relative} differs"
        with zipfile.ZipFile(fast_file) as archive:
            assert any(n.endswith(".py") for n in archive.namelist()), f"{relative} holds no code"


@pytest.mark.synth
@pytest.mark.xdist_group("fast-import-synth")
def test_fast_path_loads_only_what_drkit_aws_names(synth_pair: SynthPair) -> None:
    """On the fast path the package __init__ never ran: only _jsii and drkit.aws's submodules."""
    _require_unchanged_sources(synth_pair)
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
