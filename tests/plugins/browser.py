"""Playwright harness: Debian's chromium, a live server, and a login helper.

Playwright's own browser download does not work on our machines, so the tests launch
/usr/bin/chromium. Without it the `browser` tests are skipped locally and fail in CI (the
hook in tests/conftest.py decides, before any of these fixtures runs).
"""

from __future__ import annotations

import os
import shutil

import pytest
from django.core.management import call_command

# Sync Playwright runs an event loop in the test thread; Django must allow ORM calls there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_FLAGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "vi-VN", "timezone_id": "Asia/Ho_Chi_Minh"}


@pytest.fixture
def demo_world(transactional_db):
    """The demo data of `make run`, in the live server's database."""
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115 - discarded output


@pytest.fixture
def login(page, live_server):
    """`login(username, password)`: sign in through the real login form."""

    def sign_in(username: str, password: str) -> None:
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("Tên đăng nhập").fill(username)
        page.get_by_label("Mật khẩu").fill(password)
        page.get_by_role("button", name="Đăng nhập").click()

    return sign_in
