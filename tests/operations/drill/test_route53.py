"""Finding a deployment's health checks by tag, and reading their checkers' reports."""

from __future__ import annotations

import datetime

import pytest

from drkit.errors import DrillError
from drkit.operations.drill.route53 import checker_reports, find_health_checks
from tests.operations.drill.support import PRIMARY, SECONDARY, check_name


def test_finds_each_regions_check_and_ignores_another_deployments(deployment):
    """Only the Name tags asked for count; the stray check of suffix 'other' is not picked."""
    names = {r: check_name(r) for r in (PRIMARY, SECONDARY)}
    assert find_health_checks(deployment.route53, names) == deployment.health_check_ids


def test_finds_checks_past_the_first_ten(deployment):
    """Tags are read ten checks at a time; a check listed after ten others is still found."""
    for n in range(12):
        deployment.add_health_check(f"filler-{n}", f"hc-other-{n}")
    late = deployment.add_health_check("late", "hc-api-late-test")
    assert find_health_checks(deployment.route53, {"late": "hc-api-late-test"}) == {"late": late}


def test_two_checks_with_one_name_are_refused(deployment):
    """A duplicate Name tag is an error naming both ids, not a guess."""
    twin = deployment.add_health_check("twin", check_name(SECONDARY))
    with pytest.raises(DrillError, match=f"two Route 53 health checks.*{twin}"):
        find_health_checks(deployment.route53, {SECONDARY: check_name(SECONDARY)})


class _Status:
    def get_health_check_status(self, HealthCheckId: str) -> dict:
        at = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
        return {
            "HealthCheckObservations": [
                {
                    "Region": "us-east-1",
                    "IPAddress": "192.0.2.1",
                    "StatusReport": {"Status": "Success: HTTP 200", "CheckedTime": at},
                },
                {"Region": "eu-west-1", "StatusReport": {"Status": "Failure: timeout"}},
                {},
            ]
        }


def test_checker_reports_read_success_failure_and_gaps():
    """'Success...' is ok, anything else (or nothing) is a failure; missing fields show '?'."""
    reports = checker_reports(_Status(), "id")
    assert [(r.checker, r.ok) for r in reports] == [
        ("us-east-1/192.0.2.1", True),
        ("eu-west-1/?", False),
        ("?/?", False),
    ]
    assert reports[0].checked_at is not None and reports[1].checked_at is None
