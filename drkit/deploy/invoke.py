"""Deployed functions run as Lambda would run them, against the emulator, under their own roles.

What a function gets is read back from the emulated account, never re-derived from the
spec: the version its alias (``names.FUNCTION_ALIAS``, what every caller invokes) points
at, that version's configuration (handler, environment, role) from
``GetFunctionConfiguration``, that version's code as Lambda holds it (the emulator's
``/_drkit/lambda/code``, checked against the version's ``CodeSha256``), and its
credentials from assuming its execution role the way the Lambda service does (the
emulator's ``/_drkit/lambda/execution-credentials``). The handler runs
in a process of its own (forked from a host that has imported only boto3, as Lambda's
runtime provides it: drkit.deploy.runtime_host), with only that environment, in a folder
holding only the archive's files; the emulator enforces IAM on every call it makes.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import tempfile
import time
import uuid
import zipfile
from pathlib import Path
from typing import Any

import attrs

from drkit.deploy.runtime_host import HostEnded, RuntimeHost
from drkit.errors import DrkitError
from drkit.regions.names import FUNCTION_ALIAS
from drkit_emulator.runner import Emulator

#: Separates what the handler logged from its return value on the subprocess's stdout.
RESULT_MARKER = "\n__drkit_result__"
#: Lambda's own variables that the runtime sees (the rest of the process environment is not).
LAMBDA_RESERVED = ("AWS_LAMBDA_FUNCTION_NAME", "AWS_REGION", "AWS_DEFAULT_REGION")
INVOKE_TIMEOUT_SECONDS = 60

_BOOTSTRAP = f"""
import importlib, json, os, sys, uuid
module_name, name = os.environ["_HANDLER"].rsplit(".", 1)
module = importlib.import_module(module_name)
if not os.path.realpath(module.__file__).startswith(os.path.realpath(os.getcwd())):
    raise SystemExit(f"{{module_name}} was imported from {{module.__file__}}, not the archive")
class Context:
    aws_request_id = str(uuid.uuid4())
    function_name = os.environ["AWS_LAMBDA_FUNCTION_NAME"]
    def get_remaining_time_in_millis(self):
        return 30000
result = getattr(module, name)(json.loads(sys.stdin.read()), Context())
sys.stdout.write({RESULT_MARKER!r} + json.dumps(result, default=str))
"""


class InvokeFailed(DrkitError):
    """The handler raised, or could not start; the message carries its last output."""


@attrs.frozen(kw_only=True)
class DeployedFunction:
    """A function as the emulated account holds it.

    Attributes:
        name: Its name.
        region: Its region.
        version: The published version that runs (the one its alias pointed at when read).
        handler: The handler setting.
        environment: Its environment variables.
        role_arn: Its execution role.
        code_sha256: The version's code's SHA-256, base64 (Lambda's ``CodeSha256``).
    """

    name: str
    region: str
    version: str
    handler: str
    environment: dict[str, str]
    role_arn: str
    code_sha256: str

    @classmethod
    def read(
        cls, emulator: Emulator, name: str, region: str, qualifier: str = FUNCTION_ALIAS
    ) -> DeployedFunction:
        """The version ``qualifier`` (an alias or a version) names, as Lambda holds it."""
        config = emulator.client("lambda", region).get_function_configuration(
            FunctionName=name, Qualifier=qualifier
        )
        return cls(
            name=name,
            region=region,
            version=config["Version"],
            handler=config["Handler"],
            environment=dict((config.get("Environment") or {}).get("Variables") or {}),
            role_arn=config["Role"],
            code_sha256=config["CodeSha256"],
        )


@attrs.frozen(kw_only=True)
class Invocation:
    """One run of a handler.

    Attributes:
        result: What the handler returned (None when it raised).
        logs: The JSON lines it wrote, parsed.
        seconds: Wall time of the subprocess.
    """

    result: Any
    logs: tuple[dict[str, Any], ...]
    seconds: float


class FunctionRunner:
    """Runs deployed handlers against one emulator, each from the code its version holds
    (fetched from the emulated Lambda once per distinct code, one runtime host for each)."""

    def __init__(self, emulator: Emulator) -> None:
        self._emulator = emulator
        self._hosts: dict[str, tuple[Path, RuntimeHost]] = {}

    def invoke(self, function: DeployedFunction, event: dict[str, Any]) -> Invocation:
        """Run ``function``'s handler on ``event`` with its deployed environment and role."""
        code, host = self._host(function)
        started = time.perf_counter()
        try:
            done = host.run(
                _BOOTSTRAP,
                env=self._environment(function, code),
                stdin=json.dumps(event),
                timeout=INVOKE_TIMEOUT_SECONDS,
            )
        except HostEnded as err:
            raise InvokeFailed(f"{function.name} could not start: {err}") from None
        seconds = time.perf_counter() - started
        output, _, result = done.stdout.partition(RESULT_MARKER)
        if done.returncode != 0 or not result:
            tail = "\n".join((done.stderr or output).strip().splitlines()[-12:])
            ended = "timed out" if done.returncode is None else f"exit {done.returncode}"
            raise InvokeFailed(f"{function.name} failed ({ended}):\n{tail}")
        return Invocation(result=json.loads(result), logs=_json_lines(output), seconds=seconds)

    def _host(self, function: DeployedFunction) -> tuple[Path, RuntimeHost]:
        """The extracted code of ``function``'s version and its runtime host."""
        if function.code_sha256 not in self._hosts:
            archive = deployed_code(self._emulator, function)
            code = Path(tempfile.mkdtemp(prefix="drkit-lambda-"))
            with zipfile.ZipFile(io.BytesIO(archive)) as archive_zip:
                archive_zip.extractall(code)
            self._hosts[function.code_sha256] = (code, RuntimeHost(code, _interpreter_env(code)))
        return self._hosts[function.code_sha256]

    def _environment(self, function: DeployedFunction, code: Path) -> dict[str, str]:
        """Only what Lambda gives a function: its variables, its session, its region."""
        credentials = execution_credentials(self._emulator, function)
        return {
            **_interpreter_env(code),
            **function.environment,
            "_HANDLER": function.handler,
            "AWS_LAMBDA_FUNCTION_NAME": function.name,
            "AWS_REGION": function.region,
            "AWS_DEFAULT_REGION": function.region,
            "AWS_ACCESS_KEY_ID": credentials["AccessKeyId"],
            "AWS_SECRET_ACCESS_KEY": credentials["SecretAccessKey"],
            "AWS_SESSION_TOKEN": credentials["SessionToken"],
            # The emulator stands in for every AWS endpoint the function would reach.
            "AWS_ENDPOINT_URL": self._emulator.endpoint_url,
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        }


def _interpreter_env(code: Path) -> dict[str, str]:
    """What the interpreter reads when it starts: the same for every function of ``code``."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(code),
        "PYTHONDONTWRITEBYTECODE": "1",
    }


def deployed_code(emulator: Emulator, function: DeployedFunction) -> bytes:
    """The ZIP the Lambda service holds for ``function``'s version, checked against its
    ``CodeSha256`` (what Lambda would run: the signed copy, signature and all)."""
    body = json.dumps(
        {"FunctionName": function.name, "Region": function.region, "Qualifier": function.version}
    ).encode()
    status, answer = emulator.post("/_drkit/lambda/code", body)
    if status != 200:
        raise InvokeFailed(f"the code of {function.name}:{function.version}: {answer!r}")
    archive = base64.b64decode(json.loads(answer)["ZipFile"])
    sha256 = base64.b64encode(hashlib.sha256(archive).digest()).decode()
    if sha256 != function.code_sha256:
        raise InvokeFailed(
            f"{function.name}:{function.version} holds code {sha256}, "
            f"not its CodeSha256 {function.code_sha256}"
        )
    return archive


def execution_credentials(emulator: Emulator, function: DeployedFunction) -> dict[str, str]:
    """The function's role session, obtained as the Lambda service obtains it."""
    body = json.dumps({"FunctionName": function.name, "Region": function.region}).encode()
    status, answer = emulator.post("/_drkit/lambda/execution-credentials", body)
    if status != 200:
        raise InvokeFailed(f"assuming {function.role_arn} for {function.name}: {answer!r}")
    credentials: dict[str, str] = json.loads(answer)
    if credentials["RoleArn"] != function.role_arn:
        raise InvokeFailed(f"{function.name}: got {credentials['RoleArn']}, not its role")
    return credentials


def request_id() -> str:
    return str(uuid.uuid4())


def _json_lines(text: str) -> tuple[dict[str, Any], ...]:
    lines = []
    for line in text.splitlines():
        try:
            parsed = json.loads(line)
        except ValueError:
            continue
        if isinstance(parsed, dict):
            lines.append(parsed)
    return tuple(lines)
