"""Roles an AWS service may assume, made in the emulator for the tests that need one."""

from __future__ import annotations

import json

from drkit_emulator.runner import Emulator


def service_role(aws: Emulator, name: str, service: str, region: str = "us-east-1") -> str:
    """The ARN of a new role named ``name`` that ``service`` (``lambda.amazonaws.com``) may
    assume."""
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": service}}
        ],
    }
    role = aws.client("iam", region).create_role(
        RoleName=name, AssumeRolePolicyDocument=json.dumps(trust)
    )
    return str(role["Role"]["Arn"])
