"""The provider's one door: only drkit/aws.py imports the provider, and only its submodules.

An ``ast`` scan of every ``.py`` file in the repo, and tests of the scanner itself.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest

from drkit.bindings import PACKAGE
from tests.helpers import ROOT

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
