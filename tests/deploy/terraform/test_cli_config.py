"""drkit's Terraform CLI configuration: the mirror only, the registry forbidden, paths escaped."""

from __future__ import annotations

from pathlib import Path

from drkit.deploy.terraform import render_cli_config, terraform_env, write_cli_config
from drkit.deploy.terraform.cli_config import GO_RUNTIME_ENV


def test_cli_config_installs_only_from_the_mirror(tmp_path: Path) -> None:
    """The config names the mirror for hashicorp/* and excludes every provider from the registry."""
    text = render_cli_config(tmp_path / "mirror")
    assert "provider_installation {" in text
    assert f'path    = "{tmp_path / "mirror"}"' in text
    assert 'include = ["registry.terraform.io/hashicorp/*"]' in text
    assert 'exclude = ["registry.terraform.io/*/*"]' in text
    assert "plugin_cache_dir" not in text
    assert text.count("{") == text.count("}")


def test_cli_config_plugin_cache_is_optional(tmp_path: Path) -> None:
    """plugin_cache_dir appears only when asked for, and write_cli_config creates the cache dir."""
    cache = tmp_path / "cache"
    path = write_cli_config(
        tmp_path / "cfg" / "terraformrc", tmp_path / "mirror", plugin_cache_dir=cache
    )
    assert f'plugin_cache_dir = "{cache}"' in path.read_text()
    assert cache.is_dir()


def test_cli_config_escapes_hcl_in_paths() -> None:
    """Quotes, backslashes and template sequences in a path cannot break out of the HCL string."""
    text = render_cli_config(Path('/m/"q"/${x}/%{y}/b\\s'))
    assert r'path    = "/m/\"q\"/$${x}/%%{y}/b\\s"' in text


def test_terraform_env_tunes_go_gc_unless_the_caller_did(tmp_path: Path) -> None:
    """GOGC is drkit's default for Terraform's Go runtime; a GOGC the user set wins."""
    config = tmp_path / "terraformrc"
    assert terraform_env(config, {"PATH": "/bin"})["GOGC"] == GO_RUNTIME_ENV["GOGC"]
    assert terraform_env(config, {"GOGC": "100"})["GOGC"] == "100"
    env = terraform_env(config, {"TF_INPUT": "1"})
    assert (env["TF_INPUT"], env["TF_CLI_CONFIG_FILE"]) == ("0", str(config))
