"""Every dependency of every region is alarmed where AWS publishes its metric.

The properties (tests/synth/dependency_alarms.py) also run on the random layouts of
tests/synth/test_stack_properties.py; here they run on the example stacks, with the
numbers each alarm carries, and each is shown to fail when an alarm is missing.
"""

from __future__ import annotations

import copy

import pytest

from drkit.footprint.functions import FUNCTION_PLANS
from drkit.services.apigateway import STAGE_NAME
from drkit.topology.dependency_alarms import CERTIFICATE_DAYS_LEFT
from tests.helpers import resources
from tests.synth.dependency_alarms import DEPENDENCY_PROPERTIES

pytestmark = pytest.mark.synth


@pytest.mark.parametrize("prop", DEPENDENCY_PROPERTIES, ids=lambda p: p.__name__)
def test_examples(prop, case):
    """Each dependency property holds for the default stack and the three-region example."""
    prop(*case)


@pytest.mark.parametrize("prop", DEPENDENCY_PROPERTIES, ids=lambda p: p.__name__)
def test_removing_the_alarm_fails_the_property(prop, three_region_spec, three_region_stack):
    """Without the alarms the property looks for, it fails (it can fail)."""
    stack = copy.deepcopy(three_region_stack)
    metric_names = {
        "every_function_is_alarmed_for_errors_and_throttles": "Throttles",
        "every_api_is_alarmed_for_5xx_and_4xx": "5xx",
        "every_replica_is_alarmed_per_operation": "SystemErrors",
        "every_backup_and_copy_is_alarmed_where_its_job_runs": "NumberOfCopyJobsFailed",
        "every_certificate_is_alarmed_before_it_expires": "DaysToExpiry",
    }
    alarms = resources(stack, "aws_cloudwatch_metric_alarm")
    doomed = [n for n, a in alarms.items() if a["metric_name"] == metric_names[prop.__name__]]
    assert doomed
    del alarms[doomed[0]]
    with pytest.raises(AssertionError):
        prop(three_region_spec, stack)


def _by_metric(stack, metric_name):
    return [
        a
        for a in resources(stack, "aws_cloudwatch_metric_alarm").values()
        if a["metric_name"] == metric_name
    ]


def test_each_function_of_the_table_has_its_throttles_alarm(case):
    """One Throttles alarm per function of FUNCTION_PLANS per region: any refused call in a
    minute fires it."""
    spec, stack = case
    throttles = _by_metric(stack, "Throttles")
    assert len(throttles) == len(FUNCTION_PLANS) * len(spec.regions)
    for alarm in throttles:
        assert (alarm["statistic"], alarm["threshold"], alarm["period"]) == ("Sum", 0, 60)
        assert alarm["comparison_operator"] == "GreaterThanThreshold"


def test_the_api_alarms_watch_its_stage(case):
    """5xx fires at 5 a minute; 4xx past the stage's rate limit a minute for 3 minutes."""
    _, stack = case
    for alarm in _by_metric(stack, "5xx") + _by_metric(stack, "4xx"):
        assert alarm["dimensions"]["Stage"] == STAGE_NAME
    (stage, *_) = resources(stack, "aws_apigatewayv2_stage").values()
    rate = stage["default_route_settings"]["throttling_rate_limit"]
    assert {(a["threshold"], a["evaluation_periods"]) for a in _by_metric(stack, "4xx")} == {
        (rate, 3)
    }
    assert {(a["threshold"], a["evaluation_periods"]) for a in _by_metric(stack, "5xx")} == {(5, 1)}


def test_backups_are_judged_over_a_day_and_certificates_a_month_ahead(case):
    """Backup and copy failures over the plans' daily period; fewer than 30 days left on a
    certificate (ACM publishes DaysToExpiry daily)."""
    _, stack = case
    for name in ("NumberOfBackupJobsFailed", "NumberOfCopyJobsFailed"):
        assert {(a["period"], a["threshold"]) for a in _by_metric(stack, name)} == {(86400, 0)}
    assert {(a["period"], a["threshold"]) for a in _by_metric(stack, "DaysToExpiry")} == {
        (86400, CERTIFICATE_DAYS_LEFT)
    }
