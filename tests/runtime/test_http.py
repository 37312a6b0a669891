"""Every response is JSON that no cache may keep, in API Gateway's payload format 2.0."""

from __future__ import annotations

from drkit_runtime.http import HttpError, error_response, json_response


def test_a_response_is_compact_uncached_json_as_written() -> None:
    """Status, the two headers, the body as compact JSON keeping non-ASCII text, not base64."""
    assert json_response(200, {"note": "né", "n": [1, 2]}) == {
        "statusCode": 200,
        "headers": {"content-type": "application/json", "cache-control": "no-store"},
        "body": '{"note":"né","n":[1,2]}',
        "isBase64Encoded": False,
    }


def test_a_refusal_carries_its_message_and_headers() -> None:
    """A refused request answers its status, its message as the error, and its headers."""
    error = HttpError(405, "method not allowed", headers={"allow": "GET"})
    assert str(error) == "method not allowed"
    assert error_response(error) == {
        "statusCode": 405,
        "headers": {
            "content-type": "application/json",
            "cache-control": "no-store",
            "allow": "GET",
        },
        "body": '{"error":"method not allowed"}',
        "isBase64Encoded": False,
    }
