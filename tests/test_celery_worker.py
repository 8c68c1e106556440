"""A unit-tree import queued through Redis is run by a real Celery worker process."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.db import connection

from campaign_portal.celery import app
from tests.plugins.environment import redis_test_url
from units.models import Unit, UnitImport
from units.services import unit_import_start
from units.tabular import write_csv

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parent.parent


def _reset_producer_pool() -> None:
    """Drop pooled broker connections so the next send uses the broker URL just configured."""
    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None  # it holds the connection pool closed above


@pytest.fixture
def worker(transactional_db):
    """A `celery worker` subprocess on the test database, and this process sending to Redis."""
    broker = redis_test_url()
    redis.Redis.from_url(broker, socket_connect_timeout=2).flushdb()
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}",
        "CELERY_BROKER_URL": broker,
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "campaign_portal",
            "worker",
            "--pool=solo",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=info",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    saved = (app.conf.broker_url, app.conf.task_always_eager)
    app.conf.broker_url, app.conf.task_always_eager = broker, False
    _reset_producer_pool()
    try:
        yield process
    finally:
        app.conf.broker_url, app.conf.task_always_eager = saved
        _reset_producer_pool()
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def test_import_job_is_run_by_a_real_worker_and_reports_success(worker, tree, users):
    rows = [
        {
            "code": "DUK-A-9",
            "parent_code": "DUK-A",
            "name": "Chi bộ Phòng Quản lý giá",
            "kind": "chi-bo",
            "member_count": 11,
        },
    ]
    job = unit_import_start(actor=users.admin, file_name="them.csv", content=write_csv(rows))

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.is_finished:
            break
        assert worker.poll() is None, worker.stdout.read()
        time.sleep(0.3)
    assert job.status == UnitImport.Status.DONE, (job.status, job.errors)
    assert job.created_count == 1
    cell = Unit.objects.get(code="DUK-A-9")
    assert cell.path.startswith(tree.grassroots_a.path)
    assert cell.member_count == 11
