"""Deploying synthesized stacks: synthesis in a subprocess, offline Terraform, local deployments.

Nothing here imports cdktf or the provider bindings. The local deployment and
``drkit demo`` run the stack against :mod:`drkit_emulator` (the ``local``
extra); this is the only part of drkit that imports it.
"""
