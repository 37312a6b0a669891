"""The fast provider loader (drkit/bindings.py): stock output, safe fallback, one door.

The equality tests synthesize app.py's stack twice, each into its own temporary
outdir: fast, in this test process (which loads the bindings the fast way, like
every test session and synth), and stock, running app.py unchanged in a fresh
interpreter with ``DRKIT_FAST_IMPORT=0`` (the stock import is what costs: ~25 s
of CPU to load ~2,100 submodules). Nothing in the output is volatile for a given
cwd: cdk.tf.json and manifest.json carry no timestamps, the asset zip stores the
sources' own mtimes, and the one absolute path (the local backend's state file,
made from the jsii kernel's cwd) is the same because the stock run starts in the
directory the fast run's path names. So whole trees are compared as raw bytes,
with nothing dropped.

The fallback tests use a tiny fake package with the provider's layout, so they
exercise the loader's logic without paying for the real provider.
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
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

from drkit import JSII_QUIET, bindings
from drkit.deploy.synth import SYNTH_ENV
from drkit.regions import DeploymentSpec
from tests.helpers import ROOT, synth_json

PACKAGE = bindings.PACKAGE
STACK_JSON = Path("stacks") / "drkit" / "cdk.tf.json"
#: Settings that would make the two synths differ for reasons other than the loader.
SCRUBBED_ENV = (*SYNTH_ENV, "DRKIT_FAST_IMPORT")
PROBE = "DRKIT-PROBE "

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
    env.update(JSII_QUIET)
    env.update(overrides)
    return env


def _probe(args: list[str], *, env: dict[str, str], cwd: Path) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, *args],
        check=False,
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, f"subprocess failed ({proc.returncode}):\n{proc.stderr[-4000:]}"
    lines = [line for line in proc.stdout.splitlines() if line.startswith(PROBE)]
    assert len(lines) == 1, (
        f"no probe line in the output:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}"
    )
    return json.loads(lines[0][len(PROBE) :])


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


# ----- fast vs stock on the real provider ---------------------------------------------------------


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
    synth_json(DeploymentSpec.from_environment(environ), fast_out)
    fast = Synth(outdir=fast_out, probe=_probe_this_process())
    # Stock, in a fresh interpreter started where the fast run's local state path points:
    # that path is absolute, made from the cwd of the process that synthesizes.
    backend = json.loads((fast_out / STACK_JSON).read_bytes())["terraform"]["backend"]
    stock_out = base / "stock.out"
    stock_probe = _probe(
        ["-c", _SYNTH_DRIVER, str(ROOT / "app.py")],
        env=_env(DRKIT_FAST_IMPORT="0", CDKTF_OUTDIR=str(stock_out)),
        cwd=Path(backend["local"]["path"]).parent,
    )
    stock = Synth(outdir=stock_out, probe=stock_probe)
    after = _source_hashes()
    loaded = {*stock.probe["sources"], *fast.probe["sources"]}
    assert "drkit/stack.py" in loaded, f"the probe did not see drkit's modules: {sorted(loaded)}"
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
    assert STACK_JSON.as_posix() in stock, f"stock synth wrote no {STACK_JSON}: {sorted(stock)}"
    if stock[STACK_JSON.as_posix()] != fast.get(STACK_JSON.as_posix()):
        diff = difflib.unified_diff(
            stock[STACK_JSON.as_posix()].decode().splitlines(),
            fast.get(STACK_JSON.as_posix(), b"").decode().splitlines(),
            "stock",
            "fast",
            lineterm="",
            n=2,
        )
        pytest.fail("cdk.tf.json differs:\n" + "\n".join(list(diff)[:60]))
    assert sorted(stock) == sorted(fast)
    differing = [name for name in stock if stock[name] != fast[name]]
    assert not differing, f"files differ between stock and fast: {differing}"


@pytest.mark.synth
@pytest.mark.xdist_group("fast-import-synth")
def test_fast_and_stock_ship_the_same_runtime_archive(synth_pair: SynthPair) -> None:
    """Every asset the stack references is in both outdirs, same content hash, same bytes."""
    _require_unchanged_sources(synth_pair)
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


# ----- the loader's logic on a fake package with the provider's layout ----------------------------


def _fake_provider(root: Path, submodules: set[str]) -> Path:
    """A package named like the provider, whose stock __init__ imports every submodule it has.

    Nothing here touches jsii; the package records whether its __init__ ran.
    """
    package = root / PACKAGE
    package.mkdir(parents=True)
    for name in submodules:
        (package / name).mkdir()
        (package / name / "__init__.py").write_text("class AwsProvider:\n    pass\n")
    imports = "".join(f"from . import {name}\n" for name in sorted(submodules))
    (package / "__init__.py").write_text(
        f"__all__ = {sorted(submodules)!r}\nINIT_RAN = True\n{imports}"
    )
    return root


def _install_in_subprocess(fake_root: Path, tmp_path: Path, **env: str) -> dict[str, Any]:
    report = _probe(
        ["-c", _INSTALL_DRIVER], env=_env(PYTHONPATH=str(fake_root), **env), cwd=tmp_path
    )
    # Guards the test itself: it must have loaded the fake, never the real provider.
    assert Path(report["file"]).is_relative_to(fake_root), report["file"]
    return report


def test_fast_loader_skips_package_init(tmp_path: Path) -> None:
    """On the expected shape the package __init__ does not run; only requested submodules load."""
    fake = _fake_provider(tmp_path / "site", {*bindings._REQUIRED, "vpc", "lexv2models_bot"})
    report = _install_in_subprocess(fake, tmp_path)
    assert report["mode"] == "fast"
    assert report["warnings"] == []
    assert report["init_ran"] is False
    assert set(report["submodules"]) == {"_jsii", "provider"}


@pytest.mark.parametrize("missing", bindings._REQUIRED)
def test_changed_package_shape_falls_back_to_stock_with_one_warning(
    tmp_path: Path, missing: str
) -> None:
    """A package missing a submodule the loader needs loads the stock way, with a one-line warning.

    The warning is a RuntimeWarning and names the missing submodule.
    """
    fake = _fake_provider(tmp_path / "site", {*bindings._REQUIRED, "vpc"} - {missing})
    report = _install_in_subprocess(fake, tmp_path)
    assert report["mode"] == "stock"
    assert report["init_ran"] is True
    assert len(report["warnings"]) == 1, report["warnings"]
    category, message = report["warnings"][0]
    assert category == "RuntimeWarning"
    assert "\n" not in message
    assert f"{PACKAGE}.{missing}" in message and "stock import" in message, message


def test_fast_import_off_uses_stock_silently(tmp_path: Path) -> None:
    """DRKIT_FAST_IMPORT=0 runs the stock __init__ without any warning."""
    fake = _fake_provider(tmp_path / "site", {*bindings._REQUIRED, "vpc"})
    report = _install_in_subprocess(fake, tmp_path, DRKIT_FAST_IMPORT="0")
    assert report["mode"] == "stock"
    assert report["init_ran"] is True
    assert report["warnings"] == []


# ----- the one door: only drkit/aws.py imports the provider, and only its submodules --------------

#: Directories that hold no drkit source: environments, caches, generated output.
_NOT_SOURCE = {"__pycache__", "cdktf.out", "node_modules", "build", "dist"}
_AWS_MODULE = "drkit/aws.py"
#: The loader imports the package by design (by name, not by literal).
_LOADER_MODULE = "drkit/bindings.py"


@attrs.frozen(kw_only=True)
class ProviderImport:
    """One import of the provider package found in a source file.

    Attributes:
        path: The file, relative to the repo root.
        line: Its line number.
        module: The module imported (``cdktf_cdktf_provider_aws.vpc``).
        root: Whether it imports the package root itself.
        dynamic: Whether it is an ``importlib.import_module`` / ``__import__`` call.
    """

    path: str
    line: int
    module: str
    root: bool
    dynamic: bool = False

    def __str__(self) -> str:
        how = "dynamic import of" if self.dynamic else "imports"
        root = " (the package root)" if self.root else ""
        return f"{self.path}:{self.line}: {how} {self.module}{root}"


def _is_provider(module: str) -> bool:
    return module == PACKAGE or module.startswith(PACKAGE + ".")


def provider_imports(source: str, path: str) -> list[ProviderImport]:
    """Every import of the provider package in ``source``, static or by string literal."""
    found = []
    for node in ast.walk(ast.parse(source, filename=path)):
        if isinstance(node, ast.Import):
            found.extend(
                ProviderImport(
                    path=path, line=node.lineno, module=alias.name, root=alias.name == PACKAGE
                )
                for alias in node.names
                if _is_provider(alias.name)
            )
        elif (
            isinstance(node, ast.ImportFrom)
            and node.level == 0
            and node.module
            and _is_provider(node.module)
        ):
            found.append(
                ProviderImport(
                    path=path, line=node.lineno, module=node.module, root=node.module == PACKAGE
                )
            )
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            name = (
                func.attr
                if isinstance(func, ast.Attribute)
                else func.id
                if isinstance(func, ast.Name)
                else ""
            )
            first = node.args[0]
            if (
                name in ("import_module", "__import__")
                and isinstance(first, ast.Constant)
                and isinstance(first.value, str)
                and _is_provider(first.value)
            ):
                found.append(
                    ProviderImport(
                        path=path,
                        line=node.lineno,
                        module=first.value,
                        root=first.value == PACKAGE,
                        dynamic=True,
                    )
                )
    return found


def _python_sources() -> Iterator[Path]:
    for directory, subdirs, files in os.walk(ROOT):
        subdirs[:] = sorted(
            d
            for d in subdirs
            if not d.startswith(".") and d not in _NOT_SOURCE and not d.endswith(".egg-info")
        )
        for name in sorted(files):
            if name.endswith(".py"):
                yield Path(directory) / name


@pytest.fixture(scope="module")
def repo_provider_imports() -> dict[str, list[ProviderImport]]:
    found: dict[str, list[ProviderImport]] = {}
    for path in _python_sources():
        relative = path.relative_to(ROOT).as_posix()
        try:
            found[relative] = provider_imports(path.read_text(encoding="utf-8"), relative)
        except SyntaxError as err:
            pytest.fail(
                f"{relative}:{err.lineno}: cannot parse, so cannot check its imports: {err.msg}"
            )
    return found


def test_only_drkit_aws_imports_the_provider(
    repo_provider_imports: dict[str, list[ProviderImport]],
) -> None:
    """No file but drkit/aws.py imports from cdktf_cdktf_provider_aws (root or submodule)."""
    assert repo_provider_imports.get(_AWS_MODULE), (
        f"the scan found no provider import in {_AWS_MODULE}"
    )
    offenders = [
        found
        for path, imports in repo_provider_imports.items()
        if path != _AWS_MODULE
        for found in imports
        if not (path == _LOADER_MODULE and found.dynamic)
    ]
    assert not offenders, "import the provider classes from drkit.aws instead:\n" + "\n".join(
        map(str, offenders)
    )


def test_drkit_aws_never_imports_the_package_root(
    repo_provider_imports: dict[str, list[ProviderImport]],
) -> None:
    """drkit/aws.py imports only submodules: the root's __init__ loads all ~2,100 of them."""
    roots = [found for found in repo_provider_imports.get(_AWS_MODULE, []) if found.root]
    assert not roots, (
        "import from a submodule, e.g. `from cdktf_cdktf_provider_aws.vpc import Vpc`:\n"
        + "\n".join(map(str, roots))
    )


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import cdktf_cdktf_provider_aws", [(1, PACKAGE, True)]),
        ("import cdktf_cdktf_provider_aws.vpc as v", [(1, f"{PACKAGE}.vpc", False)]),
        ("x = 1\nfrom cdktf_cdktf_provider_aws import vpc", [(2, PACKAGE, True)]),
        (
            "def f():\n    from cdktf_cdktf_provider_aws.vpc import Vpc",
            [(2, f"{PACKAGE}.vpc", False)],
        ),
        (
            "import importlib\nimportlib.import_module('cdktf_cdktf_provider_aws.vpc')",
            [(2, f"{PACKAGE}.vpc", False)],
        ),
        (
            "import cdktf_cdktf_provider_aws_extra, cdktf\nfrom .cdktf_cdktf_provider_aws import x",
            [],
        ),
        ("s = 'import cdktf_cdktf_provider_aws'", []),
    ],
)
def test_import_scanner_finds_provider_imports(
    source: str, expected: list[tuple[int, str, bool]]
) -> None:
    """The guard's scanner reports exactly the provider imports, with line and root flag."""
    assert [(f.line, f.module, f.root) for f in provider_imports(source, "x.py")] == expected
