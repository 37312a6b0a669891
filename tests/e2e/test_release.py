"""End to end: ``drkit release`` on the default two regions in the emulator, deployed by the
runner. A runtime whose ``/health`` answers 500 is stopped at the first region (us-west-2,
the lower weight) and rolled back there, us-east-1 never changed and serving throughout; then
a good runtime reaches both regions in order, serves records, and leaves no drift. The
lifecycle has an emulator of its own and is not destroyed (the two-region lifecycle proves
destroy); tests/e2e/release_drill.py holds the checks."""

from __future__ import annotations

import pytest

from tests.e2e import release_drill

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e-release")]


@pytest.fixture
def deployed(deployments):
    return deployments("release")


def test_a_broken_release_stops_at_the_first_region_and_rolls_it_back(deployed, tmp_path):
    release_drill.check_broken(deployed["deployment"], tmp_path)


def test_a_good_release_reaches_every_region_in_order(deployed, tmp_path):
    """After the broken one: each region moves on from the version it was rolled back to."""
    drift = release_drill.check_good(deployed["deployment"], tmp_path)
    assert drift == [], drift
