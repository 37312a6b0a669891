"""The end-to-end tests' deployments: each layout deployed once per session, on first use."""

from __future__ import annotations

import contextlib

import pytest

from tests.e2e.layouts import deployment_of


@pytest.fixture(scope="session")
def deployments(tmp_path_factory):
    """Deploy each layout once per session, on first use.

    Session scope on purpose: xdist may hand a worker another group's tests in
    the middle of a class, which tears down class- and module-scoped fixtures
    (a second, minutes-long apply); session fixtures survive until the worker ends.
    """
    with contextlib.ExitStack() as stack:
        cache: dict[str, dict] = {}

        def get(layout: str) -> dict:
            if layout not in cache:
                root = tmp_path_factory.mktemp(f"e2e-{layout}")
                cache[layout] = stack.enter_context(deployment_of(layout, root))
            return cache[layout]

        yield get
