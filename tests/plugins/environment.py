"""Autouse fixtures every test runs under: a fast password hasher and media in a temp directory."""

from __future__ import annotations

import os
from urllib.parse import urlsplit, urlunsplit

import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Tests hash a dozen named users each; the production hasher would make that minutes."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Issued PDFs and uploads go to a directory of the test's own, never the checkout."""
    settings.MEDIA_ROOT = tmp_path / "media"


def redis_test_url() -> str:
    """The Redis database of this test process: the worker tests flush it, so each pytest-xdist
    worker gets its own (gw0 the configured one, gw1 the one below it, and so on)."""
    base = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw"):
        return base
    parts = urlsplit(base)
    database = int(parts.path.lstrip("/") or 0) - int(worker[2:])
    if database < 0:
        raise RuntimeError(f"too many test workers for the Redis databases below {base}")
    return urlunsplit(parts._replace(path=f"/{database}"))
