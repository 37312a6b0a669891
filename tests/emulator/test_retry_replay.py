"""The emulator executes each SDK operation once, however many attempts of it arrive."""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Iterable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from drkit_emulator.retry_replay import RetryReplay
from drkit_emulator.runner import Emulator

TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)


class CountingApp:
    """A WSGI app that counts its executions and answers with their number."""

    def __init__(self, status: str = "200 OK", gate: threading.Event | None = None) -> None:
        self.calls = 0
        self.bodies: list[bytes] = []
        self.status = status
        self.gate = gate

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        self.calls += 1
        self.bodies.append(environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0)))
        if self.gate is not None:
            self.gate.wait(5)
        start_response(self.status, [("Content-Type", "text/plain")])
        return [f"execution {self.calls}".encode()]


def call(
    app: RetryReplay,
    *,
    method: str = "POST",
    invocation: str | None = "inv-1",
    attempt: int = 1,
    body: bytes = b"",
    **extra: str,
) -> tuple[str, bytes]:
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "PATH_INFO": "/",
        "QUERY_STRING": "",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
        **extra,
    }
    if invocation is not None:
        environ["HTTP_AMZ_SDK_INVOCATION_ID"] = invocation
        environ["HTTP_AMZ_SDK_REQUEST"] = f"attempt={attempt}; max=3"
    answer: dict[str, str] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        answer["status"] = status

    chunks = app(environ, start_response)
    return answer["status"], b"".join(chunks)


def replay(inner: Any, **kwargs: Any) -> tuple[RetryReplay, list[str]]:
    lines: list[str] = []
    return RetryReplay(inner, log=lines.append, **kwargs), lines


def test_a_retry_gets_the_first_attempts_answer_without_a_second_execution() -> None:
    inner = CountingApp()
    app, log = replay(inner)
    first = call(app, attempt=1)
    retry = call(app, attempt=2)
    assert first == retry == ("200 OK", b"execution 1")
    assert inner.calls == 1
    assert app.replayed == 1
    assert len(log) == 1 and "attempt=2" in log[0] and "inv-1" in log[0]
    assert "still running" not in log[0]


def test_other_operations_reads_and_unmarked_requests_run_each_time() -> None:
    inner = CountingApp()
    app, log = replay(inner)
    call(app, invocation="a")
    call(app, invocation="b")
    call(app, method="GET", invocation="c")
    call(app, method="GET", invocation="c", attempt=2)
    call(app, invocation=None)
    call(app, invocation=None)
    assert inner.calls == 6
    assert app.replayed == 0 and log == []


def test_a_server_error_is_not_replayed() -> None:
    """A 5xx is what a retry is for: the next attempt runs for real."""
    inner = CountingApp(status="500 Internal Server Error")
    app, _ = replay(inner)
    call(app, attempt=1)
    inner.status = "200 OK"
    assert call(app, attempt=2) == ("200 OK", b"execution 2")
    assert call(app, attempt=3) == ("200 OK", b"execution 2")
    assert inner.calls == 2


def test_a_client_error_is_the_operations_answer() -> None:
    inner = CountingApp(status="409 Conflict")
    app, _ = replay(inner)
    call(app, attempt=1)
    assert call(app, attempt=2) == ("409 Conflict", b"execution 1")
    assert inner.calls == 1


def test_an_app_crash_lets_the_retry_run() -> None:
    class Crashing(CountingApp):
        def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
            if self.calls == 0:
                self.calls += 1
                raise RuntimeError("moto bug")
            return super().__call__(environ, start_response)

    inner = Crashing()
    app, _ = replay(inner)
    with pytest.raises(RuntimeError):
        call(app, attempt=1)
    assert call(app, attempt=2) == ("200 OK", b"execution 2")


def test_a_retry_that_overtakes_the_first_attempt_waits_for_its_answer() -> None:
    gate = threading.Event()
    inner = CountingApp(gate=gate)
    app, log = replay(inner)
    answers: dict[int, tuple[str, bytes]] = {}
    first = threading.Thread(target=lambda: answers.__setitem__(1, call(app, attempt=1)))
    first.start()
    while inner.calls == 0:
        threading.Event().wait(0.01)
    second = threading.Thread(target=lambda: answers.__setitem__(2, call(app, attempt=2)))
    second.start()
    second.join(0.2)
    assert second.is_alive(), "the retry must wait while the first attempt runs"
    gate.set()
    first.join(5)
    second.join(5)
    assert answers[1] == answers[2] == ("200 OK", b"execution 1")
    assert inner.calls == 1
    assert "still running" in log[0]


def test_only_the_most_recent_operations_are_remembered() -> None:
    inner = CountingApp()
    app, _ = replay(inner, capacity=2)
    for invocation in ("a", "b", "c"):
        call(app, invocation=invocation)
    call(app, invocation="a", attempt=2)
    assert inner.calls == 4
    call(app, invocation="c", attempt=2)
    assert inner.calls == 4


def test_the_log_names_a_query_protocol_action_and_the_app_still_reads_the_body() -> None:
    inner = CountingApp()
    app, log = replay(inner)
    body = b"Action=AuthorizeSecurityGroupIngress&Version=2016-11-15&GroupId=sg-1"
    form = {"CONTENT_TYPE": "application/x-www-form-urlencoded; charset=utf-8"}
    call(app, body=body, **form)
    call(app, body=body, attempt=2, **form)
    assert inner.bodies == [body]
    assert "AuthorizeSecurityGroupIngress" in log[0]


def test_the_log_names_a_json_protocol_target() -> None:
    app, log = replay(CountingApp())
    call(app, HTTP_X_AMZ_TARGET="Logs_20140328.CreateLogGroup")
    call(app, attempt=2, HTTP_X_AMZ_TARGET="Logs_20140328.CreateLogGroup")
    assert "Logs_20140328.CreateLogGroup" in log[0]


def _fixed_invocation(client: Any, invocation: str) -> None:
    """Make every call of ``client`` look like an attempt of one operation."""

    def before_send(request: Any, **_: Any) -> None:
        request.headers["amz-sdk-invocation-id"] = invocation

    client.meta.events.register("before-send.*", before_send)


def test_the_emulator_answers_a_retried_create_like_the_first(
    aws: Emulator, unique_name: str
) -> None:
    """A retried CreateRole gets the role it made; a new CreateRole of that name is still a 409."""
    retrying = aws.client("iam")
    _fixed_invocation(retrying, f"invocation-{unique_name}")
    first = retrying.create_role(RoleName=unique_name, AssumeRolePolicyDocument=TRUST)["Role"]
    again = retrying.create_role(RoleName=unique_name, AssumeRolePolicyDocument=TRUST)["Role"]
    assert again["RoleId"] == first["RoleId"]
    assert "replayed the answer to CreateRole" in aws.log_tail()
    with pytest.raises(ClientError) as error:
        aws.client("iam").create_role(RoleName=unique_name, AssumeRolePolicyDocument=TRUST)
    assert error.value.response["Error"]["Code"] == "EntityAlreadyExists"
