"""drkit's own Terraform CLI configuration: providers only from the mirror, never the registry.

drkit writes it to ``<stack>/.drkit/terraformrc`` and points
``TF_CLI_CONFIG_FILE`` at it for the commands it runs; the user's own
configuration is never read or changed.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path

_TERRAFORM_ENV = {
    "TF_IN_AUTOMATION": "1",
    "TF_INPUT": "0",
    "CHECKPOINT_DISABLE": "1",
}
#: Go's garbage collector in Terraform and its provider, unless the caller sets its own.
#: Every command starts the AWS provider once per configuration and the provider builds
#: its whole schema at start: with GOGC=400 a validate or plan of the demo's stack took
#: about 30% less CPU here, and its largest process grew from 310 to 460 MB
#: (docs/emulator.md, "Known limits").
GO_RUNTIME_ENV = {"GOGC": "400"}


def _hcl_string(value: str) -> str:
    # JSON string escaping is valid HCL; HCL additionally treats "${" and "%{"
    # as template sequences, which a literal path must not start.
    return json.dumps(value).replace("${", "$${").replace("%{", "%%{")


def render_cli_config(mirror_root: Path, *, plugin_cache_dir: Path | None = None) -> str:
    """Render a Terraform CLI configuration that installs providers only from ``mirror_root``.

    ``direct { exclude = [...] }`` forbids the registry for every provider, so a
    provider missing from the mirror fails ``init`` at once instead of hanging
    on the network.

    Args:
        mirror_root: Root of the filesystem mirror.
        plugin_cache_dir: Shared plugin cache; left out of the file when ``None``.
    """
    lines = [
        "# Written by drkit. Providers come only from the local filesystem mirror,",
        "# so `terraform init` never needs the network.",
        "disable_checkpoint = true",
    ]
    if plugin_cache_dir is not None:
        lines.append(f"plugin_cache_dir = {_hcl_string(str(plugin_cache_dir))}")
    lines += [
        "",
        "provider_installation {",
        "  filesystem_mirror {",
        f"    path    = {_hcl_string(str(mirror_root))}",
        '    include = ["registry.terraform.io/hashicorp/*"]',
        "  }",
        "  direct {",
        '    exclude = ["registry.terraform.io/*/*"]',
        "  }",
        "}",
        "",
    ]
    return "\n".join(lines)


def write_cli_config(
    path: Path, mirror_root: Path, *, plugin_cache_dir: Path | None = None
) -> Path:
    """Write :func:`render_cli_config` to ``path`` (creating parents) and return ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if plugin_cache_dir is not None:
        plugin_cache_dir.mkdir(parents=True, exist_ok=True)
    path.write_text(render_cli_config(mirror_root, plugin_cache_dir=plugin_cache_dir))
    return path


def terraform_env(cli_config: Path, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment drkit runs Terraform with: ``base``, the CLI config, automation flags,
    and :data:`GO_RUNTIME_ENV` where ``base`` does not set it."""
    env = dict(os.environ if base is None else base)
    for key, value in GO_RUNTIME_ENV.items():
        env.setdefault(key, value)
    env.update(_TERRAFORM_ENV)
    env["TF_CLI_CONFIG_FILE"] = str(cli_config)
    return env
