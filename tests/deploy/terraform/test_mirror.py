"""Finding the provider mirror: the explicit variable, Terraform's implied roots, both layouts."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from drkit.deploy.errors import ProviderMirrorNotFound
from drkit.deploy.terraform import (
    MIRROR_ENV_VAR,
    find_provider_mirror,
    terraform_platform,
    well_known_mirror_roots,
)
from drkit.errors import DrkitError
from tests.helpers import PROVIDER_PLATFORM, make_mirror


def test_env_var_wins_over_search(tmp_path: Path) -> None:
    """The mirror DRKIT_TF_PROVIDER_MIRROR names is used even when a searched root has one too."""
    explicit = make_mirror(tmp_path / "explicit")
    searched = make_mirror(tmp_path / "searched")
    found = find_provider_mirror(
        platform_name=PROVIDER_PLATFORM,
        env={MIRROR_ENV_VAR: str(explicit)},
        search_roots=[searched],
    )
    assert found == explicit.resolve()


def test_env_var_pointing_at_nothing_is_an_error_not_a_fallback(tmp_path: Path) -> None:
    """A wrong DRKIT_TF_PROVIDER_MIRROR fails, naming the variable, instead of searching on."""
    searched = make_mirror(tmp_path / "searched")
    with pytest.raises(ProviderMirrorNotFound) as caught:
        find_provider_mirror(
            platform_name=PROVIDER_PLATFORM,
            env={MIRROR_ENV_VAR: str(tmp_path / "empty")},
            search_roots=[searched],
        )
    assert MIRROR_ENV_VAR in str(caught.value)
    assert str(tmp_path / "empty") in str(caught.value)


def test_search_returns_first_root_holding_the_provider(tmp_path: Path) -> None:
    """Roots are searched in order; roots without the provider (or another version) are skipped."""
    empty = tmp_path / "empty"
    empty.mkdir()
    other_version = make_mirror(tmp_path / "old", version="4.67.0")
    good = make_mirror(tmp_path / "good")
    also_good = make_mirror(tmp_path / "also-good")
    found = find_provider_mirror(
        platform_name=PROVIDER_PLATFORM,
        env={},
        search_roots=[empty, other_version, good, also_good],
    )
    assert found == good.resolve()


def test_packed_layout_is_recognised(tmp_path: Path) -> None:
    """A mirror holding the provider as a zip (packed layout) counts."""
    packed = make_mirror(tmp_path / "packed", packed=True)
    assert (
        find_provider_mirror(platform_name=PROVIDER_PLATFORM, env={}, search_roots=[packed])
        == packed.resolve()
    )


def test_missing_mirror_lists_what_was_searched_and_names_the_env_var(tmp_path: Path) -> None:
    """With no mirror anywhere the error lists every root searched and the variable to set."""
    roots = [tmp_path / "a", tmp_path / "b"]
    with pytest.raises(ProviderMirrorNotFound) as caught:
        find_provider_mirror(platform_name=PROVIDER_PLATFORM, env={}, search_roots=roots)
    message = str(caught.value)
    assert all(str(root) in message for root in roots)
    assert MIRROR_ENV_VAR in message
    assert "5.100.0" in message
    assert isinstance(caught.value, DrkitError)


def test_well_known_roots_follow_home_and_xdg(tmp_path: Path) -> None:
    """Terraform's implied mirror directories are derived from HOME and the XDG variables."""
    env = {
        "HOME": str(tmp_path / "home"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_DATA_DIRS": f"{tmp_path / 'd1'}{os.pathsep}{tmp_path / 'd2'}",
    }
    roots = well_known_mirror_roots(env)
    for expected in (
        tmp_path / "home" / ".terraform.d" / "plugins",
        tmp_path / "data" / "terraform" / "plugins",
        tmp_path / "d1" / "terraform" / "plugins",
        tmp_path / "d2" / "terraform" / "plugins",
        Path("/usr/share/terraform/plugins"),
    ):
        assert expected in roots
    assert len(set(roots)) == len(roots)


def test_default_search_finds_a_mirror_in_xdg_data_home(tmp_path: Path) -> None:
    """Without explicit roots, a mirror under $XDG_DATA_HOME/terraform/plugins is found."""
    # A platform and version no real mirror on the machine holds, so only ours can match.
    mirror = make_mirror(
        tmp_path / "data" / "terraform" / "plugins", version="0.0.1", platform="plan9_mips"
    )
    env = {"HOME": str(tmp_path / "home"), "XDG_DATA_HOME": str(tmp_path / "data")}
    assert (
        find_provider_mirror(platform_name="plan9_mips", version="0.0.1", env=env)
        == mirror.resolve()
    )


@pytest.mark.parametrize(
    ("system", "machine", "expected"),
    [
        ("Linux", "x86_64", "linux_amd64"),
        ("Linux", "aarch64", "linux_arm64"),
        ("Darwin", "arm64", "darwin_arm64"),
        ("Linux", "armv7l", "linux_arm"),
        ("Windows", "AMD64", "windows_amd64"),
    ],
)
def test_platform_names_match_terraform(system: str, machine: str, expected: str) -> None:
    """Python's platform names map to Terraform's <os>_<arch>."""
    assert terraform_platform(system, machine) == expected
