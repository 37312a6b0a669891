"""The layers: each part of drkit imports only the layers below it, and the model stays light.

Two kinds of proof: fresh interpreters that import a layer and list what got loaded (what a
user of that layer pays for), and a static graph of every import statement under ``drkit/``
(module level and inside functions) checked against the layer table below, the one in
docs/architecture.md.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import attrs
import pytest

from tests.helpers import ROOT

#: docs/architecture.md's table, bottom to top, as (layer, order inside the layer). A module
#: may import its own entry and any entry that sorts below it. An entry covers its package
#: and everything under it (but for the package roots in ROOT_ONLY).
LAYERS: dict[str, tuple[int, int]] = {
    "drkit_runtime": (0, 0),  # the Lambda package's root: a docstring
    "drkit_runtime.contract": (0, 0),
    "drkit_runtime.access": (0, 0),
    "drkit_runtime.keys": (0, 0),
    "drkit_runtime.chain": (8, 0),  # the auditor's and `drkit audit`'s check (botocore)
    "drkit": (0, 1),  # drkit's root: the version and the jsii banner switch
    "drkit.errors": (1, 0),
    "drkit.iam": (1, 1),
    "drkit.regions": (2, 0),
    "drkit.access": (2, 1),
    "drkit.bindings": (3, 0),
    "drkit.aws": (3, 1),
    "drkit.services": (4, 0),
    "drkit.assets": (4, 0),
    "drkit.footprint": (5, 0),
    "drkit.topology": (6, 0),
    "drkit.stacks": (7, 0),
    "drkit.compliance": (8, 0),
    "drkit.operations": (8, 1),  # may read drkit.compliance (drkit check)
    "drkit_emulator": (8, 0),  # beside drkit; only drkit.deploy may import it
    "drkit.deploy": (9, 0),
    "drkit.commands": (10, 0),
    "drkit.__main__": (10, 1),
}
ROOT_ONLY = {"drkit", "drkit_runtime"}
#: Tools that run beside a deployment never load jsii: no bindings, constructs or stack.
JSII_FREE = ("drkit.compliance", "drkit.operations", "drkit.deploy")
JSII_LAYERS = ("drkit.bindings", "drkit.aws", "drkit.services", "drkit.assets", "drkit.footprint",
               "drkit.topology", "drkit.stacks")  # fmt: skip
#: drkit_emulator may be imported only by these, and may itself import only these of drkit.
EMULATOR = "drkit_emulator"
EMULATOR_IMPORTERS = ("drkit.deploy",)
EMULATOR_MAY_IMPORT = ("drkit", "drkit.errors")
#: The only imports inside functions: dynamic loads, by design.
LAZY_IMPORTS_ALLOWED = {
    "drkit.commands": "importlib.import_module(command.module)",  # the command chosen
    # The bindings loader imports the provider package by name (stock or fast): its whole job.
    "drkit.bindings": "importlib.import_module(PACKAGE...)",
}
PROVIDER = "cdktf_cdktf_provider_aws"
CLOUD_LIBRARIES = ("cdktf", "jsii", "constructs", PROVIDER, "boto3", "botocore", "moto", EMULATOR)
MODEL_MODULES = (
    "drkit.regions",
    "drkit.regions.spec",
    "drkit.regions.naming",
    "drkit.regions.names",
    "drkit.regions.stacks",
    "drkit.regions.backend",
    "drkit.regions.region",
    "drkit.access",
    "drkit.regions.budget",
    "drkit.regions.availability",
    "drkit.regions.catalog",
    "drkit.regions.metrics",
    "drkit.regions.quotas",
    "drkit.regions.parameter_store",
    "drkit.regions.layout_file",
    "drkit.operations.budget",
)


# ----- what importing a layer loads ---------------------------------------------------------

_LOADED = """
import importlib, json, sys
watched = set(sys.argv[2].split(","))
report = {}
for name in sys.argv[1].split(","):
    before = set(sys.modules)
    importlib.import_module(name)
    report[name] = sorted({m.split(".")[0] for m in set(sys.modules) - before} & watched)
print(json.dumps(report))
"""


def _loaded_by(modules: tuple[str, ...], watched: tuple[str, ...]) -> dict[str, list[str]]:
    """In a fresh interpreter, which of ``watched`` each of ``modules`` loads (in turn)."""
    done = subprocess.run(
        [sys.executable, "-c", _LOADED, ",".join(modules), ",".join(watched)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_model_loads_no_cloud_library():
    """Importing the model (and the budget report) loads no cdktf, jsii, bindings, boto3 or moto."""
    assert _loaded_by(MODEL_MODULES, CLOUD_LIBRARIES) == {m: [] for m in MODEL_MODULES}


@pytest.mark.slow
def test_the_stack_loads_no_emulator():
    """Importing drkit.stacks loads neither moto nor the emulator (the product needs neither)."""
    assert _loaded_by(("drkit.stacks",), ("moto", EMULATOR)) == {"drkit.stacks": []}


# ----- the static import graph --------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Import:
    """One import found in a source file.

    Attributes:
        source: The importing module (``drkit.services.kms``).
        target: The imported module, resolved to the deepest module that exists among the
            scanned ones for first-party code (``drkit.iam`` for ``from drkit import iam``).
        line: Where.
        in_function: Whether the statement sits inside a function.
        dynamic: Whether it is an ``importlib.import_module`` / ``__import__`` call (then
            ``target`` is the call's text).
    """

    source: str
    target: str
    line: int
    in_function: bool = False
    dynamic: bool = False

    def __str__(self) -> str:
        where = " (inside a function)" if self.in_function else ""
        return f"{self.source}:{self.line}: imports {self.target}{where}"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _sources() -> dict[str, Path]:
    """Every module of drkit/ and of drkit_emulator/ (if it exists yet), by name."""
    found = {}
    for package in ("drkit", EMULATOR):
        for path in sorted((ROOT / package).rglob("*.py")):
            if "__pycache__" not in path.parts:
                found[_module_name(path)] = path
    return found


def _absolute(module: str, is_package: bool, level: int, name: str | None) -> str:
    if level == 0:
        return name or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join([*base, *([name] if name else [])])


class _Collector(ast.NodeVisitor):
    def __init__(self, module: str, is_package: bool, known: set[str]) -> None:
        self.module, self.is_package, self.known = module, is_package, known
        self.found: list[Import] = []
        self._depth = 0

    def _add(self, target: str, node: ast.AST, dynamic: bool = False) -> None:
        self.found.append(
            Import(
                source=self.module,
                target=target,
                line=getattr(node, "lineno", 0),
                in_function=self._depth > 0,
                dynamic=dynamic,
            )
        )

    def _in_function(self, node: ast.AST) -> None:
        self._depth += 1
        self.generic_visit(node)
        self._depth -= 1

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _in_function

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._add(alias.name, node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = _absolute(self.module, self.is_package, node.level, node.module)
        if base == "__future__":
            return
        targets = []
        for alias in node.names:
            # `from drkit import iam` imports the module drkit.iam; `from x import Name` imports x.
            submodule = f"{base}.{alias.name}"
            target = submodule if submodule in self.known else base
            if target not in targets:
                targets.append(target)
        for target in targets:
            self._add(target, node)

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name in ("import_module", "__import__"):
            self._add(ast.unparse(node), node, dynamic=True)
        self.generic_visit(node)


def scan(sources: dict[str, Path]) -> list[Import]:
    """Every import statement and dynamic import call in ``sources``."""
    found: list[Import] = []
    # `from drkit_runtime import chain` imports drkit_runtime.chain (the package is not scanned).
    runtime = ROOT / "assets" / "runtime" / "drkit_runtime"
    known = set(sources) | {f"drkit_runtime.{p.stem}" for p in runtime.glob("*.py")}
    for module, path in sources.items():
        collector = _Collector(module, path.name == "__init__.py", known)
        collector.visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
        found.extend(collector.found)
    return found


@pytest.fixture(scope="module")
def imports() -> list[Import]:
    return scan(_sources())


def entry_of(module: str) -> str | None:
    """The layer-table entry that covers ``module`` (the longest matching one), if any."""
    candidates = [
        entry
        for entry in LAYERS
        if module == entry or (entry not in ROOT_ONLY and module.startswith(entry + "."))
    ]
    return max(candidates, key=len) if candidates else None


def _first_party(target: str) -> bool:
    return target.split(".")[0] in ("drkit", "drkit_runtime", EMULATOR)


def layer_violations(found: list[Import]) -> list[str]:
    """Every first-party static import that does not point down the layer table."""
    problems = []
    for imp in found:
        if imp.dynamic or not _first_party(imp.target):
            continue
        source, target = entry_of(imp.source), entry_of(imp.target)
        if source is None or target is None:
            problems.append(f"{imp}: {imp.source if source is None else imp.target} has no layer")
        elif source != target and not LAYERS[target] < LAYERS[source]:
            problems.append(f"{imp}: layer {LAYERS[source]} may not import layer {LAYERS[target]}")
        elif source in JSII_FREE and target in JSII_LAYERS:
            problems.append(f"{imp}: {source} never loads jsii")
    return problems


def emulator_violations(found: list[Import]) -> list[str]:
    """Imports of the emulator (or moto) from outside drkit.deploy; drkit code it imports."""
    problems = []
    for imp in found:
        top = imp.target.split(".")[0]
        emulator_side = imp.source.split(".")[0] == EMULATOR
        if top == "moto" and not emulator_side:
            problems.append(f"{imp}: only {EMULATOR} may import moto")
        if top == EMULATOR and not (emulator_side or imp.source.startswith(EMULATOR_IMPORTERS)):
            problems.append(f"{imp}: only {', '.join(EMULATOR_IMPORTERS)} may import it")
        if emulator_side and top == "drkit" and imp.target not in EMULATOR_MAY_IMPORT:
            problems.append(f"{imp}: the emulator may import only {EMULATOR_MAY_IMPORT}")
    return problems


def lazy_imports(found: list[Import]) -> list[Import]:
    """Imports inside functions under drkit/, but for the dynamic calls allowed above."""
    return [
        imp
        for imp in found
        if imp.in_function
        and imp.source.split(".")[0] == "drkit"
        and not (imp.dynamic and imp.source in LAZY_IMPORTS_ALLOWED)
    ]


def cycles(found: list[Import]) -> list[list[str]]:
    """Cycles among first-party modules, each as the modules around it (depth-first search)."""
    graph: dict[str, set[str]] = {}
    for imp in found:
        if not imp.dynamic and _first_party(imp.target) and imp.target != imp.source:
            graph.setdefault(imp.source, set()).add(imp.target)
    done: set[str] = set()
    path: list[str] = []
    result: list[list[str]] = []

    def visit(module: str) -> None:
        path.append(module)
        for target in sorted(graph.get(module, ())):
            if target in path:
                result.append([*path[path.index(target) :], target])
            elif target not in done:
                visit(target)
        path.pop()
        done.add(module)

    for module in sorted(graph):
        if module not in done:
            visit(module)
    return result


def test_scan_sees_the_whole_package(imports):
    """The scan covers every module under drkit/ and finds their drkit imports."""
    sources = {imp.source for imp in imports}
    assert {"drkit.stacks", "drkit.regions.spec", "drkit.services.kms", "drkit.commands"} <= sources
    assert any(imp.target == "drkit.iam" for imp in imports if imp.source == "drkit.regions.spec")
    unplaced = sorted(m for m in _sources() if entry_of(m) is None)
    assert not unplaced, f"modules the layer table does not place: {unplaced}"


def test_imports_point_down_the_layers(imports):
    """Every import inside drkit (and the emulator) goes to its own entry or a lower one."""
    problems = layer_violations(imports)
    assert not problems, "\n".join(problems)


def test_no_import_cycles(imports):
    """No module of drkit imports itself through others."""
    found = cycles(imports)
    assert not found, "\n".join(" -> ".join(c) for c in found)


def test_only_the_deploy_code_touches_the_emulator(imports):
    """moto only in drkit_emulator; it only from drkit.deploy; of drkit it imports drkit.errors."""
    problems = emulator_violations(imports)
    assert not problems, "\n".join(problems)


def test_no_import_inside_a_function(imports):
    """The only imports inside functions under drkit/ are the allowed dynamic loads."""
    found = lazy_imports(imports)
    assert not found, "\n".join(map(str, found))


# ----- the checker itself -------------------------------------------------------------------


def _scan_source(text: str, module: str = "drkit.regions.spec") -> list[Import]:
    collector = _Collector(module, False, {"drkit.iam", "drkit.regions.budget", "drkit.stacks"})
    collector.visit(ast.parse(text))
    return collector.found


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from drkit import iam", [("drkit.iam", False)]),
        ("from . import budget", [("drkit.regions.budget", False)]),
        ("from drkit.errors import SpecError", [("drkit.errors", False)]),
        ("def f():\n    import boto3", [("boto3", True)]),
        (
            "class C:\n    def m(self):\n        from drkit.stacks import X",
            [("drkit.stacks", True)],
        ),
        ("from __future__ import annotations", []),
    ],
)
def test_scanner_resolves_imports(source, expected):
    """The scanner resolves relative and from-imports and notices function-level ones."""
    assert [(i.target, i.in_function) for i in _scan_source(source)] == expected


def test_checker_catches_an_upward_import_a_cycle_and_a_lazy_import():
    """An import from the model up to the stack is a violation, a cycle, and a lazy import."""
    found = [
        Import(source="drkit.regions.spec", target="drkit.stacks", line=1, in_function=True),
        Import(source="drkit.stacks", target="drkit.regions.spec", line=2),
        Import(source="drkit.operations.drill", target="moto", line=3),
    ]
    assert len(layer_violations(found)) == 1
    jsii = [Import(source="drkit.operations.drill", target="drkit.services.kms", line=4)]
    assert layer_violations(jsii) == [f"{jsii[0]}: drkit.operations never loads jsii"]
    assert cycles(found) == [["drkit.regions.spec", "drkit.stacks", "drkit.regions.spec"]]
    assert lazy_imports(found) == [found[0]]
    assert len(emulator_violations(found)) == 1
