"""drkit: multi-region disaster recovery for regulated workloads, on CDK for Terraform."""

import os as _os

# jsii prints a large end-of-life banner for Node 20 in every process that
# starts its kernel; the kernel reads this variable when it starts. Set here,
# once: every process drkit starts (app.py, terraform, cdktf) inherits it.
JSII_QUIET = {"JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"}
for _name, _value in JSII_QUIET.items():
    _os.environ.setdefault(_name, _value)

#: The provider bindings' import mode (drkit.bindings): 0, false, no or off imports the stock
#: package instead of drkit's fast path. Named here so jsii-free tools can scrub it.
FAST_IMPORT_ENV = "DRKIT_FAST_IMPORT"

__version__ = "0.1.0"
