"""One AWS provider process per stack, shared by every Terraform command run on that stack.

Why: a Terraform command starts the AWS provider once per provider instance it needs (the
schema, then validate, plan and apply: four for an apply) and each start costs about a
CPU-second of the provider's own start-up plus Terraform's checksum of its 700 MB binary.
Attached to a provider that is already running (``TF_REATTACH_PROVIDERS``, Terraform's
provider-debugging interface: https://developer.hashicorp.com/terraform/plugin/debugging),
Terraform starts none. Measured on this 2-core machine, paired runs of the 2-region layout's
deploy and two staged releases to the emulator: 312 CPU-s and 270 s with Terraform's own
providers, 283 CPU-s and 246 s shared (each instance still fetches the whole schema).

Where it is used: drkit's emulator deployments only (``LocalDeployment``), each stack
applied to one fixed account and endpoint. Its limits, all measured here:

- One configuration of the provider per stack: a second ``provider "aws"`` block would
  configure the same process again, so a stack with two (``drkit-links``) starts its own;
- the provider refuses a second configuration in one process when ``AWS_CA_BUNDLE`` is set
  ("unable to add custom RootCAs HTTPClient"), so the shared process runs without it: the
  emulator's endpoints are plain HTTP;
- the commands of one stack run one at a time (drkit's runner does), as the same
  process holds the configuration of the last one;
- Terraform does not check the running binary against the lock file: it is the one
  ``terraform init`` installed (and checked) for the stack.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from drkit.deploy.errors import TerraformFailed
from drkit.deploy.terraform.provider_host import stop

REATTACH_VARIABLE = "TF_REATTACH_PROVIDERS"
#: What the provider prints once it listens, in debug mode.
_REATTACH_LINE = re.compile(rf"{REATTACH_VARIABLE}='([^']+)'")
#: Environment the shared process does not get (see the module's docstring).
_WITHHELD = ("AWS_CA_BUNDLE",)
#: In debug mode the provider logs at TRACE unless told: megabytes an apply.
_LOG_LEVELS = dict.fromkeys(
    (
        "TF_LOG_PROVIDER",
        "TF_LOG_SDK",
        "TF_LOG_SDK_PROTO",
        "TF_LOG_SDK_MUX",
        "TF_LOG_SDK_FRAMEWORK",
        "TF_LOG_SDK_HELPER_SCHEMA",
    ),
    "WARN",
)
START_TIMEOUT_SECONDS = 60.0


def provider_configurations(config: Mapping[str, Any]) -> int:
    """How many ``provider "aws"`` blocks a synthesized ``cdk.tf.json`` holds."""
    blocks = config.get("provider", {}).get("aws", [])
    return len(blocks) if isinstance(blocks, list) else 1


def installed_provider(stack_dir: Path) -> Path:
    """The AWS provider binary ``terraform init`` installed for the stack."""
    found = sorted(
        (stack_dir / ".terraform" / "providers").glob("*/hashicorp/aws/*/*/terraform-provider-aws*")
    )
    if not found:
        raise FileNotFoundError(f"{stack_dir}: no AWS provider installed; run terraform init")
    return found[-1]


@attrs.define(kw_only=True)
class SharedProvider:
    """The provider process of one stack, started at first use and again if it died.

    Attributes:
        stack_dir: The stack's directory (after ``terraform init``).
        env: The environment its commands run with; the process gets it too.
        log: Where the process writes (the reattach line, then warnings).
    """

    stack_dir: Path
    env: Mapping[str, str]
    log: Path
    _process: subprocess.Popen[bytes] | None = attrs.field(default=None, init=False)
    _reattach: str = attrs.field(default="", init=False)
    _pid: int = attrs.field(default=0, init=False)

    def environ(self) -> dict[str, str]:
        """``TF_REATTACH_PROVIDERS`` for a command; starts the process when it is not running."""
        if not self._serving():
            self._start()
        return {REATTACH_VARIABLE: self._reattach}

    def _serving(self) -> bool:
        if self._process is None or self._process.poll() is not None:
            return False
        try:
            os.kill(self._pid, 0)
        except ProcessLookupError:  # the provider died; its host is about to exit
            self.close()
            return False
        return True

    def close(self) -> None:
        """Stop the process (it serves until told to)."""
        process, self._process = self._process, None
        if process is not None:
            stop(process)

    def _start(self) -> None:
        env = {k: v for k, v in self.env.items() if k not in _WITHHELD}
        for key, level in _LOG_LEVELS.items():
            env.setdefault(key, level)
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("wb") as out:
            self._process = subprocess.Popen(
                _host_command(installed_provider(self.stack_dir)),
                cwd=self.stack_dir,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self._reattach = self._await_reattach()

    def _await_reattach(self) -> str:
        assert self._process is not None
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            found = _REATTACH_LINE.search(self.log.read_text(errors="replace"))
            if found:
                attached = json.loads(found.group(1))  # a cut line fails here, not in Terraform
                self._pid = int(next(iter(attached.values()))["Pid"])
                return found.group(1)
            if self._process.poll() is not None:
                break
            time.sleep(0.05)
        self.close()
        raise TerraformFailed(
            "provider start",
            None,
            f"the AWS provider did not start in debug mode; see {self.log}",
            log_path=str(self.log),
        )


def _host_command(binary: Path) -> list[str]:
    """The provider under ``provider_host``, which stops it when this process goes away."""
    return [
        sys.executable,
        "-m",
        "drkit.deploy.terraform.provider_host",
        str(os.getpid()),
        str(binary),
    ]
