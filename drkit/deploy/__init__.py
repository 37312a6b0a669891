"""Deploying synthesized stacks: the Terraform CLI wrapper and the embedded local AWS emulator.

Nothing here imports cdktf or the provider bindings; the emulator needs the
``local`` extra (``pip install 'drkit[local]'``).
"""
