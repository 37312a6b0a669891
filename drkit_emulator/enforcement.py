"""The identity a deployment uses once the emulator enforces IAM.

moto refuses keys it does not know as soon as enforcement starts, so the
deployer (Terraform, drkit's read-back) must exist first: an IAM user allowed
everything, as the account's administrators are. The functions never use it:
they run with their execution roles' sessions (drkit_emulator.admin).
"""

from __future__ import annotations

import json
from typing import Any

DEPLOYER = "drkit-deployer"
ADMINISTRATOR = {
    "Version": "2012-10-17",
    "Statement": [{"Sid": "Administer", "Effect": "Allow", "Action": "*", "Resource": "*"}],
}


def bootstrap_deployer(iam: Any) -> dict[str, str]:
    """Create the deployer through ``iam`` (a boto3 IAM client with the emulator's current,
    unenforced access); its credentials."""
    iam.create_user(UserName=DEPLOYER)
    iam.put_user_policy(
        UserName=DEPLOYER, PolicyName="administrator", PolicyDocument=json.dumps(ADMINISTRATOR)
    )
    key = iam.create_access_key(UserName=DEPLOYER)["AccessKey"]
    return {
        "AWS_ACCESS_KEY_ID": key["AccessKeyId"],
        "AWS_SECRET_ACCESS_KEY": key["SecretAccessKey"],
    }
