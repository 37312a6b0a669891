"""The Route 53 checker model: consecutive new reports per checker, and the 18 % rule."""

from __future__ import annotations

from drkit.operations.drill.checkers import CheckerReport, Route53View


def _reports(ok: list[bool], at: int) -> list[CheckerReport]:
    return [CheckerReport(checker=str(n), ok=v, checked_at=at) for n, v in enumerate(ok)]


def test_a_checker_turns_unhealthy_only_after_threshold_new_reports():
    """Repeated reads of the same report do not count as consecutive failures."""
    view = Route53View(threshold=3)
    view.update(_reports([True] * 10, at=0))
    for _ in range(5):
        view.update(_reports([False] * 10, at=1))
    assert view.healthy and view.failing == 10
    view.update(_reports([False] * 10, at=2))
    view.update(_reports([False] * 10, at=3))
    assert not view.healthy


def test_a_checker_turns_healthy_again_after_threshold_successes():
    """Recovery needs the same run of new successes; one success is not enough."""
    view = Route53View(threshold=2)
    view.update(_reports([False] * 4, at=0))
    assert not view.healthy
    view.update(_reports([True] * 4, at=1))
    assert not view.healthy and view.failing == 0
    view.update(_reports([True] * 4, at=2))
    assert view.healthy


def test_route53_needs_more_than_18_percent_healthy_checkers():
    """2 of 10 healthy checkers (20 %) keep the endpoint healthy; 1 of 10 does not."""
    for healthy, expected in ((2, True), (1, False)):
        view = Route53View(threshold=1)
        view.update(_reports([True] * healthy + [False] * (10 - healthy), at=0))
        assert view.healthy is expected
        assert view.checkers == 10


def test_no_reports_yet_counts_as_healthy():
    """Before any report there is nothing against the endpoint."""
    view = Route53View(threshold=3)
    assert view.healthy and view.healthy_share == 1.0 and view.checkers == 0
