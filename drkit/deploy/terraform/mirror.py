"""Finding a local filesystem mirror that holds the hashicorp/aws provider drkit pins.

The provider comes from a mirror, never from the registry, so ``terraform
init`` works offline and always gets the exact provider the bindings were
built for.
"""

from __future__ import annotations

import os
import platform
from collections.abc import Mapping, Sequence
from pathlib import Path

from drkit.deploy.errors import ProviderMirrorNotFound

DEFAULT_AWS_PROVIDER_VERSION = "5.100.0"
"""The hashicorp/aws release the cdktf bindings (cdktf-cdktf-provider-aws 20.1.0) target."""

MIRROR_ENV_VAR = "DRKIT_TF_PROVIDER_MIRROR"
"""Names the root of a filesystem mirror explicitly; wins over the search."""

AWS_PROVIDER_SOURCE = "registry.terraform.io/hashicorp/aws"

# Where Terraform itself looks for "implied local mirrors" on Unix, plus the
# places images commonly unpack a mirror to. Order matters: first hit wins.
_FIXED_MIRROR_ROOTS = (
    "/opt/tf-plugins",
    "/opt/terraform/plugins",
    "/usr/local/share/terraform/plugins",
    "/usr/share/terraform/plugins",
)


def terraform_platform(system: str | None = None, machine: str | None = None) -> str:
    """Return Terraform's name for this platform, e.g. ``linux_amd64``.

    Args:
        system: ``platform.system()`` override (for tests).
        machine: ``platform.machine()`` override (for tests).
    """
    system = (system or platform.system()).lower()
    machine = (machine or platform.machine()).lower()
    arch = {
        "x86_64": "amd64",
        "amd64": "amd64",
        "aarch64": "arm64",
        "arm64": "arm64",
        "i386": "386",
        "i686": "386",
        "x86": "386",
    }.get(machine, machine)
    if arch.startswith("armv"):
        arch = "arm"
    return f"{system}_{arch}"


def well_known_mirror_roots(env: Mapping[str, str] | None = None) -> tuple[Path, ...]:
    """List the directories searched for a provider mirror, in search order.

    The list is Terraform's own implied local mirror directories
    (``~/.terraform.d/plugins``, ``$XDG_DATA_HOME/terraform/plugins``, each
    ``$XDG_DATA_DIRS/terraform/plugins``) plus a few fixed locations images use.

    Args:
        env: Environment to read ``HOME`` and the XDG variables from; defaults
            to ``os.environ``.
    """
    env = os.environ if env is None else env
    home = Path(env.get("HOME") or Path.home())
    xdg_data_home = Path(env.get("XDG_DATA_HOME") or home / ".local" / "share")
    xdg_data_dirs = [d for d in (env.get("XDG_DATA_DIRS") or "").split(os.pathsep) if d]
    roots = [
        *(Path(p) for p in _FIXED_MIRROR_ROOTS),
        home / ".terraform.d" / "plugins",
        xdg_data_home / "terraform" / "plugins",
        *(Path(d) / "terraform" / "plugins" for d in xdg_data_dirs),
    ]
    unique: list[Path] = []
    for root in roots:
        if root not in unique:
            unique.append(root)
    return tuple(unique)


def mirror_holds_provider(
    root: Path,
    *,
    version: str = DEFAULT_AWS_PROVIDER_VERSION,
    platform_name: str | None = None,
    source: str = AWS_PROVIDER_SOURCE,
) -> bool:
    """Whether ``root`` is a filesystem mirror holding the provider at ``version``.

    Both layouts Terraform reads are recognised: unpacked
    (``<source>/<version>/<platform>/terraform-provider-aws*``) and packed
    (``<source>/terraform-provider-aws_<version>_<platform>.zip``).
    """
    platform_name = platform_name or terraform_platform()
    name = source.rsplit("/", 1)[-1]
    source_dir = root / source
    unpacked = source_dir / version / platform_name
    if unpacked.is_dir() and any(p.is_file() for p in unpacked.glob(f"terraform-provider-{name}*")):
        return True
    return (source_dir / f"terraform-provider-{name}_{version}_{platform_name}.zip").is_file()


def find_provider_mirror(
    *,
    version: str = DEFAULT_AWS_PROVIDER_VERSION,
    platform_name: str | None = None,
    env: Mapping[str, str] | None = None,
    search_roots: Sequence[Path] | None = None,
) -> Path:
    """Find the root of a local filesystem mirror that holds the AWS provider.

    ``$DRKIT_TF_PROVIDER_MIRROR`` wins: when it is set, only that directory is
    considered (a wrong value is an error, not a reason to look elsewhere).
    Otherwise the :func:`well_known_mirror_roots` are searched in order.

    Args:
        version: The hashicorp/aws version needed.
        platform_name: Terraform platform, e.g. ``linux_amd64``; defaults to this machine's.
        env: Environment to read; defaults to ``os.environ``.
        search_roots: Directories to search instead of the well-known ones.

    Returns:
        The mirror root (the directory that contains ``registry.terraform.io``).

    Raises:
        ProviderMirrorNotFound: No candidate holds the provider; the message
            lists every directory searched and names the environment variable.
    """
    env = os.environ if env is None else env
    platform_name = platform_name or terraform_platform()
    wanted = f"{AWS_PROVIDER_SOURCE} {version} ({platform_name})"
    explicit = env.get(MIRROR_ENV_VAR, "").strip()
    if explicit:
        root = Path(explicit).expanduser()
        if mirror_holds_provider(root, version=version, platform_name=platform_name):
            return root.resolve()
        raise ProviderMirrorNotFound(wanted, [f"{root} (from {MIRROR_ENV_VAR})"], MIRROR_ENV_VAR)
    roots = tuple(search_roots) if search_roots is not None else well_known_mirror_roots(env)
    for root in roots:
        if mirror_holds_provider(root, version=version, platform_name=platform_name):
            return root.resolve()
    raise ProviderMirrorNotFound(wanted, [str(r) for r in roots], MIRROR_ENV_VAR)
