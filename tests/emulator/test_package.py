"""drkit_emulator as a package: every service documents its gaps; imports keep to their layer."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from drkit_emulator.core import SERVICES, compat
from tests.helpers import ROOT

PACKAGE = ROOT / "drkit_emulator"

# Modules the runner and the server import before moto may be imported: no moto at import time.
MOTO_FREE = {
    "drkit_emulator",
    "drkit_emulator.errors",
    "drkit_emulator.runner",
    "drkit_emulator.server",
    "drkit_emulator.admin",
    "drkit_emulator.enforcement",
    "drkit_emulator.retry_replay",
    "drkit_emulator.outage",
    "drkit_emulator.operations",
    "drkit_emulator.controls",
    "drkit_emulator.core",
    "drkit_emulator.core.compat",
    "drkit_emulator.core.routing",
}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, *, at_import_time: bool = False) -> Iterator[str]:
    """The modules ``path`` imports; with ``at_import_time``, only those its loading runs.

    Loading runs the module body but not function bodies or ``if TYPE_CHECKING:`` blocks.
    """
    pending: list[ast.AST] = [ast.parse(path.read_text())]
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
        if at_import_time and (
            isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            or (isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test))
        ):
            continue
        pending.extend(ast.iter_child_nodes(node))


def service_docstring(service: str) -> str:
    tree = ast.parse((PACKAGE / service / "__init__.py").read_text())
    return ast.get_docstring(tree) or ""


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_documents_its_gaps(service: str) -> None:
    """Each service states every gap, the moto version and the fix; docs/emulator.md lists it."""
    docstring = service_docstring(service)
    gaps = docstring.count(f"The gap (moto {compat.SUPPORTED_MOTO_VERSION})")
    assert gaps >= 1
    assert docstring.count("What this extension does") == gaps
    assert f"drkit_emulator/{service}/" in (ROOT / "docs" / "emulator.md").read_text()


def test_every_service_folder_is_installed() -> None:
    """Every service folder in the package is one install() applies, and nothing else is."""
    folders = {p.parent.name for p in PACKAGE.glob("*/__init__.py")} - {"core"}
    assert folders == set(SERVICES)


def test_the_emulator_imports_only_the_errors_of_drkit() -> None:
    """drkit_emulator may use drkit.errors and nothing else of drkit."""
    found = {
        (module_name(path), name)
        for path in PACKAGE.rglob("*.py")
        for name in imports(path)
        if re.match(r"drkit(\.|$)", name) and name != "drkit.errors"
    }
    assert found == set()


def test_only_the_deploy_code_of_drkit_imports_the_emulator_or_moto() -> None:
    """Outside drkit/deploy, no drkit module imports drkit_emulator; none imports moto itself."""
    found = {
        (module_name(path), name)
        for path in (ROOT / "drkit").rglob("*.py")
        for name in imports(path)
        if (name.startswith("drkit_emulator") and "deploy" not in path.parts)
        or re.match(r"moto(\.|$)", name)
    }
    assert found == set()


def test_the_runner_and_the_server_load_without_moto() -> None:
    """What runs before moto is imported (runner, server, core) imports no moto when loaded."""
    for name in MOTO_FREE:
        path = PACKAGE.parent / (name.replace(".", "/"))
        path = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
        for imported in imports(path, at_import_time=True):
            assert not re.match(r"(moto|werkzeug|boto3|botocore)(\.|$)", imported), (name, imported)
            if imported.startswith("drkit_emulator"):
                assert imported in MOTO_FREE, (name, imported)
