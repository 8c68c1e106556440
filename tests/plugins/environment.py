"""Autouse fixtures every test runs under: a fast password hasher and media in a temp directory."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Tests hash a dozen named users each; the production hasher would make that minutes."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Issued PDFs and uploads go to a directory of the test's own, never the checkout."""
    settings.MEDIA_ROOT = tmp_path / "media"
