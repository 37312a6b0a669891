"""drkit: multi-region disaster recovery for regulated workloads, on CDK for Terraform."""

import os as _os

# jsii prints a large end-of-life banner for Node 20 in every process; the
# kernel reads this variable when it starts (the first cdktf import).
_os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

__version__ = "0.1.0"
