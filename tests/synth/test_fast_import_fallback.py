"""The fast provider loader's logic (drkit/bindings.py): fast when it can, else stock, warned.

These tests use a tiny fake package with the provider's layout, so they
exercise the loader's logic without paying for the real provider.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from drkit import bindings
from tests.synth.provider_probe import PACKAGE, probe_env, run_probe

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
    report = run_probe(
        ["-c", _INSTALL_DRIVER], env=probe_env(PYTHONPATH=str(fake_root), **env), cwd=tmp_path
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
