"""Test-run wiring: the fixture plugins, and the hook that gates tests needing outside services.

Fixtures live in tests/plugins/ (pytest only reads `pytest_plugins` from this top-level conftest).
Tests marked `postgres`, `redis` or `browser` need that service: without it they are skipped
locally, and fail when CI=true, where every service is required.
"""

from __future__ import annotations

import functools
import os

import pytest
import redis
from django.db import connection

pytest_plugins = [
    "tests.plugins.environment",
    "tests.plugins.tree",
    "tests.plugins.directives",
    "tests.plugins.reports",
    "tests.plugins.cost",
    "tests.plugins.browser",
    "tests.plugins.signing",
]

IN_CI = os.environ.get("CI", "").lower() == "true"
SERVICES = ("postgres", "redis", "browser")


@functools.cache
def _missing(service: str) -> str | None:
    """Why `service` is unavailable to this run, or None; asked once per run."""
    if service == "postgres":
        if connection.vendor != "postgresql":
            return "needs PostgreSQL (DATABASE_URL): an in-memory SQLite cannot show this"
    elif service == "redis":
        from tests.plugins.environment import redis_test_url  # a plugin: imported once registered

        broker = redis_test_url()
        try:
            redis.Redis.from_url(broker, socket_connect_timeout=2).ping()
        except redis.RedisError as exc:
            return f"needs Redis at {broker}: {exc}"
    elif service == "browser":
        from tests.plugins.browser import CHROMIUM  # registered by now, so assertions rewritten

        if not os.path.exists(CHROMIUM):
            return f"chromium not found at {CHROMIUM}: run `apt-get install chromium`"
    return None


@pytest.hookimpl(tryfirst=True)  # before its fixtures, and before pytest reads skip markers
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Fail (CI=true) or skip (locally) a test whose service is missing.

    The skip is a marker, so the report names the test's own line rather than this hook.
    """
    for service in SERVICES:
        if item.get_closest_marker(service) and (reason := _missing(service)):
            if IN_CI:
                pytest.fail(reason, pytrace=False)
            item.add_marker(pytest.mark.skip(reason=reason))
            return
