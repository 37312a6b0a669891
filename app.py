#!/usr/bin/env python
"""drkit's entry point: ``cdktf synth`` / ``cdktf deploy`` run this (see cdktf.json).

The layout is the mission's default (us-east-1 primary 70 %, us-west-2 30 %)
unless ``DRKIT_CONFIG`` names a TOML file; ``ENVIRONMENT_SUFFIX`` sets the
suffix and ``DRKIT_TARGET=local`` points the providers at the embedded emulator;
``DRKIT_RUNTIME`` names the Lambda code to ship instead of ``assets/runtime`` (a release's).
A bad spec prints one line naming the field and exits 2, before anything is built.
Every stack of the deployment is synthesized (``drkit.regions.stacks``): one per region,
and the IAM, DNS, data, peering and routing stacks.
"""

from __future__ import annotations

import sys

from drkit.errors import DrkitError
from drkit.regions import DeploymentSpec
from drkit.regions.runtime_source import runtime_source


def main() -> int:
    try:
        spec = DeploymentSpec.from_environment()
        runtime_source()  # DRKIT_RUNTIME, checked before the bindings load
    except DrkitError as err:
        print(f"drkit: invalid deployment spec: {err}", file=sys.stderr)
        return 2
    # Imported only now: loading the provider bindings is the slow part.
    from cdktf import App

    from drkit.stacks import DeploymentStacks

    app = App()
    DeploymentStacks(app, spec=spec)
    app.synth()
    return 0


if __name__ == "__main__":
    sys.exit(main())
