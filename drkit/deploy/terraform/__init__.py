"""Terraform, fully offline: mirror discovery, drkit's CLI configuration, and the runner.

The AWS provider drkit pins (hashicorp/aws 5.100.0) comes from a local
filesystem mirror (:mod:`.mirror`); drkit's own CLI configuration allows
nothing else (:mod:`.cli_config`); :class:`Terraform` runs the commands
(:mod:`.runner`).
"""

from drkit.deploy.terraform.cli_config import render_cli_config, terraform_env, write_cli_config
from drkit.deploy.terraform.mirror import (
    AWS_PROVIDER_SOURCE,
    DEFAULT_AWS_PROVIDER_VERSION,
    MIRROR_ENV_VAR,
    find_provider_mirror,
    mirror_holds_provider,
    terraform_platform,
    well_known_mirror_roots,
)
from drkit.deploy.terraform.plans import plan_has_changes
from drkit.deploy.terraform.runner import StepTiming, Terraform, find_terraform

__all__ = [
    "AWS_PROVIDER_SOURCE",
    "DEFAULT_AWS_PROVIDER_VERSION",
    "MIRROR_ENV_VAR",
    "StepTiming",
    "Terraform",
    "find_provider_mirror",
    "find_terraform",
    "mirror_holds_provider",
    "plan_has_changes",
    "render_cli_config",
    "terraform_env",
    "terraform_platform",
    "well_known_mirror_roots",
    "write_cli_config",
]
