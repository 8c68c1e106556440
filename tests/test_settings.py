"""Settings come from the environment: safe local defaults, production-grade when configured."""

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import formats, translation

from campaign_portal.settings import database_from_url

ROOT = Path(__file__).resolve().parent.parent


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "x7Jq2v9LwP4sR8tY1uZ6aB3cD5eF0gH9iK2mN4oQ6rS8tU1vW3xY5zA7bC9dE",
    "DJANGO_ALLOWED_HOSTS": "portal.example.vn",
}


def test_production_settings_pass_the_deploy_check_without_warnings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION.items() if k != "DJANGO_SECRET_KEY"}
    result = manage("check", **env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_the_local_default_reports_its_insecure_key_in_the_deploy_check():
    result = manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0  # DEBUG on and a development key: never deployable


def test_database_url_selects_postgresql_with_credentials_and_options():
    db = database_from_url("postgres://portal:p%40ss@db.local:5433/campaigns?sslmode=require")
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["USER"], db["PASSWORD"], db["HOST"], db["PORT"], db["NAME"]) == (
        "portal",
        "p@ss",
        "db.local",
        "5433",
        "campaigns",
    )
    assert db["OPTIONS"] == {"sslmode": "require"}


def test_database_url_accepts_sqlite_and_rejects_unknown_schemes():
    assert database_from_url("sqlite:////srv/portal/portal.db")["NAME"] == "/srv/portal/portal.db"
    with pytest.raises(Exception, match="unsupported scheme"):
        database_from_url("mysql://root@localhost/x")


def test_dates_are_written_the_vietnamese_way():
    with translation.override("vi"):
        assert formats.date_format(datetime.date(2024, 3, 29)) == "ngày 29 tháng 3 năm 2024"
        assert formats.date_format(datetime.date(2024, 10, 10), "SHORT_DATE_FORMAT") == "10/10/2024"


def test_production_refuses_to_start_without_allowed_hosts():
    env = {k: v for k, v in PRODUCTION.items() if k != "DJANGO_ALLOWED_HOSTS"}
    result = manage("check", **env)
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS must be set" in result.stderr
