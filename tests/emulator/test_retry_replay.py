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
        stream = environ["wsgi.input"]
        if environ.get("wsgi.input_terminated"):
            self.bodies.append(stream.read())
        else:
            self.bodies.append(stream.read(int(environ.get("CONTENT_LENGTH") or 0)))
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


def test_a_different_request_reusing_an_invocation_id_is_executed() -> None:
    """Only the same operation with the same body is a retry; anything else runs, and is logged."""
    inner = CountingApp()
    app, log = replay(inner)
    call(app, body=b'{"TableName": "a"}', HTTP_X_AMZ_TARGET="DynamoDB_20120810.PutItem")
    other_body = call(
        app, body=b'{"TableName": "b"}', HTTP_X_AMZ_TARGET="DynamoDB_20120810.PutItem"
    )
    other_operation = call(
        app, body=b'{"TableName": "b"}', HTTP_X_AMZ_TARGET="DynamoDB_20120810.DeleteItem"
    )
    other_path = call(app, body=b'{"TableName": "b"}', PATH_INFO="/elsewhere")
    other_query = call(app, body=b'{"TableName": "b"}', PATH_INFO="/elsewhere", QUERY_STRING="x")
    assert [other_body, other_operation, other_path, other_query] == [
        ("200 OK", f"execution {n}".encode()) for n in (2, 3, 4, 5)
    ]
    assert app.replayed == 0
    assert len(log) == 4 and all("no retry" in line for line in log)
    assert "DynamoDB_20120810.DeleteItem" in log[1] and "DynamoDB_20120810.PutItem" in log[1]
    # The retry of the first request is still recognised as one.
    retry = call(app, body=b'{"TableName": "a"}', HTTP_X_AMZ_TARGET="DynamoDB_20120810.PutItem")
    assert retry == ("200 OK", b"execution 1") and app.replayed == 1


def test_replays_are_counted_per_operation_until_forgotten() -> None:
    app, _ = replay(CountingApp())
    target = {"HTTP_X_AMZ_TARGET": "Logs_20140328.CreateLogGroup"}
    for attempt in (1, 2, 3):
        call(app, invocation="a", attempt=attempt, **target)
    call(app, invocation="b")
    call(app, invocation="b", attempt=2)
    call(app, invocation="c")
    assert app.replays() == {
        "replayed": 3,
        "operations": [
            {
                "operation": "Logs_20140328.CreateLogGroup",
                "invocation_id": "a",
                "attempts": 3,
                "status": "200 OK",
            },
            {"operation": "POST /", "invocation_id": "b", "attempts": 2, "status": "200 OK"},
        ],
    }
    app.forget()
    assert app.replays() == {"replayed": 0, "operations": []}
    assert call(app, invocation="a", attempt=4, **target) == ("200 OK", b"execution 4")


def test_a_chunked_body_is_read_to_its_end_and_put_back() -> None:
    inner = CountingApp()
    app, _ = replay(inner)
    body = b"chunk one, chunk two"

    def chunked(attempt: int) -> tuple[str, bytes]:
        return call(
            app,
            attempt=attempt,
            CONTENT_LENGTH="",
            **{"wsgi.input_terminated": True},
            body=body,
        )

    assert chunked(1) == chunked(2) == ("200 OK", b"execution 1")
    assert app.replayed == 1 and inner.bodies == [body]


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


def test_the_emulator_counts_its_replays_and_a_reset_forgets_them(
    aws: Emulator, unique_name: str
) -> None:
    """GET /_drkit/replays lists the replayed CreateRole; POST /moto-api/reset zeroes it."""
    invocation = f"invocation-{unique_name}"
    retrying = aws.client("iam")
    _fixed_invocation(retrying, invocation)
    before = aws.replays()["replayed"]
    retrying.create_role(RoleName=unique_name, AssumeRolePolicyDocument=TRUST)
    retrying.create_role(RoleName=unique_name, AssumeRolePolicyDocument=TRUST)
    # Same id, another operation: executed, not replayed.
    retrying.tag_role(RoleName=unique_name, Tags=[{"Key": "k", "Value": "v"}])
    replays = aws.replays()
    assert replays["replayed"] == before + 1
    assert {
        "operation": "CreateRole",
        "invocation_id": invocation,
        "attempts": 2,
        "status": "200 OK",
    } in replays["operations"]
    assert aws.client("iam").list_role_tags(RoleName=unique_name)["Tags"] == [
        {"Key": "k", "Value": "v"}
    ]
    assert "no retry" in aws.log_tail()
    aws.reset()
    assert aws.replays() == {"replayed": 0, "operations": []}
    # The reset forgot the answer too: the same request now creates the role again.
    created = retrying.create_role(RoleName=unique_name, AssumeRolePolicyDocument=TRUST)
    assert created["Role"]["RoleName"] == unique_name
    assert aws.replays()["replayed"] == 0
