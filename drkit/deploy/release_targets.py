"""Where ``drkit release`` goes: the embedded emulator (a :class:`LocalDeployment`) or AWS.

Both read and move the functions' aliases and read the alarms with the same Lambda and
CloudWatch calls; they differ in how stacks are applied and ``/health`` is asked.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from drkit.deploy.invoke import InvokeFailed
from drkit.deploy.local import LocalDeployment
from drkit.regions import names
from drkit.regions.naming import ResourceType
from drkit.regions.spec import DeploymentSpec

#: What API Gateway answers when the integrated function fails (an HTTP API's Lambda proxy
#: integration: https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-troubleshooting-lambda.html).
INTEGRATION_FAILED = 500
#: No answer at all: the region's name does not resolve, refuses or times out.
NO_ANSWER = 0
PROBE_TIMEOUT_SECONDS = 4.0

Client = Callable[[str, str], Any]


class AccountTarget:
    """The Lambda and CloudWatch side of a release, through ``client(service, region)``."""

    def __init__(self, spec: DeploymentSpec, client: Client) -> None:
        self.spec = spec
        self._client = client

    def _functions(self, region: str) -> list[str]:
        return [
            names.FUNCTIONS[purpose].function(self.spec.namer, region)
            for purpose in names.FUNCTION_PURPOSES
        ]

    def aliases(self, region: str) -> dict[str, str]:
        """``function -> version`` of every function of the region that has its alias."""
        lambda_ = self._client("lambda", region)
        found: dict[str, str] = {}
        for function in self._functions(region):
            try:
                alias = lambda_.get_alias(FunctionName=function, Name=names.FUNCTION_ALIAS)
            except lambda_.exceptions.ResourceNotFoundException:
                continue  # not deployed yet: a first release has nothing to go back to
            found[function] = alias["FunctionVersion"]
        return found

    def move_aliases(self, region: str, versions: Mapping[str, str]) -> None:
        lambda_ = self._client("lambda", region)
        for function, version in versions.items():
            lambda_.update_alias(
                FunctionName=function, Name=names.FUNCTION_ALIAS, FunctionVersion=version
            )

    def alarms_firing(self, region: str) -> list[str]:
        """The deployment's alarms in ``region`` in state ALARM (its prefix and suffix)."""
        cloudwatch = self._client("cloudwatch", region)
        prefix = f"{ResourceType.ALARM.value.prefix}-"
        suffix = f"-{self.spec.namer.suffix}"
        pages = cloudwatch.get_paginator("describe_alarms").paginate(
            AlarmNamePrefix=prefix, StateValue="ALARM"
        )
        # The state is checked here as well: moto answers a name prefix with every state.
        return [
            alarm["AlarmName"]
            for page in pages
            for alarm in page.get("MetricAlarms", [])
            if alarm["AlarmName"].endswith(suffix) and alarm["StateValue"] == "ALARM"
        ]


class EmulatorTarget(AccountTarget):
    """A release to a running :class:`LocalDeployment`: its runner applies, and ``/health``
    is served by the deployed code of the version the alias runs (drkit.deploy.serve)."""

    def __init__(self, deployment: LocalDeployment) -> None:
        super().__init__(deployment.spec, deployment.emulator.client)
        self.deployment = deployment
        self._scenario = deployment.scenario()

    def apply(self, names: Sequence[str]) -> None:
        self.deployment.deploy(names, refresh=False, skip_unchanged=True)

    def health(self, region: str) -> int:
        try:
            return int(self._scenario.health_by_name(region).status)
        except InvokeFailed:
            return INTEGRATION_FAILED
        except (LookupError, ClientError, BotoCoreError):
            return NO_ANSWER


class AwsTarget(AccountTarget):
    """A release to AWS: ``apply`` is given (``cdktf deploy`` of the stacks), ``/health`` is
    an HTTPS request to the region's own name, as Route 53's checkers make it."""

    def __init__(
        self, spec: DeploymentSpec, client: Client, apply: Callable[[Sequence[str]], None]
    ) -> None:
        super().__init__(spec, client)
        self._apply = apply

    def apply(self, names: Sequence[str]) -> None:
        self._apply(names)

    def health(self, region: str) -> int:
        try:
            with urllib.request.urlopen(
                self.spec.health_url(region), timeout=PROBE_TIMEOUT_SECONDS
            ) as answer:
                return int(answer.status)
        except urllib.error.HTTPError as err:
            return int(err.code)
        except (urllib.error.URLError, OSError):
            return NO_ANSWER
