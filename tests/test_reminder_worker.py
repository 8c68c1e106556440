"""Deadline reminders queued through Redis are sent by real Celery worker processes: one e-mail
per responsible user, none again when the scan runs again (even twice at once), and still one
each when a worker is killed in the middle of a batch and the scan is run again to recover.

The workers write their e-mail to files (EMAIL_BACKEND and EMAIL_FILE_PATH in their
environment), so what is counted is what the worker processes actually sent.
"""

from __future__ import annotations

import ast
import datetime
import email
import email.policy
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path
from types import SimpleNamespace

import pytest
import redis
from django.db import connection
from django.utils import timezone
from kombu import pools

from campaign_portal.celery import app
from campaigns import services as campaign_services
from campaigns.models import Directive, Milestone, Obligation
from reports import services as report_services
from reports.models import Digest, Notification, Reminder
from reports.tasks import DIGEST_BATCH, scan_reminders
from tests.factories import MembershipFactory, UnitFactory, kind
from tests.plugins.directives import make_draft
from tests.plugins.environment import redis_test_url
from tests.test_celery_worker import ROOT
from units import events
from units.models import Role, Unit, User

pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]

MAIL_BACKEND = "tests.reminder_mail_backend.EmailBackend"
MESSAGE_END = b"\n" + b"-" * 79 + b"\n"  # what the file-based backend writes after each message
TASK_DONE = re.compile(r"Task (?P<name>[\w.]+)\[(?P<id>[0-9a-f-]+)\] succeeded in [\d.]+s: (.*)$")
SCAN_TASK, SEND_TASK = "reports.tasks.scan_reminders", "reports.tasks.send_digests"
QUEUE = "celery"  # kombu's Redis list of the default queue; "unacked" holds what is delivered


def _reset_broker_pools() -> None:
    """Close and forget every pooled broker connection, kombu's registry included: a pool
    closed by an earlier test stays registered under the same URL and refuses to lend."""
    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


def _tail(process: subprocess.Popen, lines: int = 30) -> str:
    text = process.log.read_text(errors="replace").splitlines()
    return f"--- {process.log.name} (exit {process.poll()}):\n" + "\n".join(text[-lines:])


def _wait_for(what: str, ready: Callable[[], bool], workers, timeout: float = 30) -> None:
    """Poll `ready` until true; fail with the workers' logs if one dies or time runs out."""
    deadline = time.monotonic() + timeout
    while not ready():
        for process in workers:
            assert process.poll() is None, f"worker died waiting for {what}\n{_tail(process)}"
        assert time.monotonic() < deadline, f"timed out waiting for {what}\n" + "\n".join(
            _tail(p) for p in workers
        )
        time.sleep(0.05)


def _ready(process: subprocess.Popen) -> bool:
    """The worker logged that it consumes from the queue."""
    return " ready." in process.log.read_text(errors="replace")


def _task_results(workers, name: str) -> dict[str, object]:
    """{task id: returned value} of the tasks `name` that the workers logged as succeeded."""
    results = {}
    for process in workers:
        for line in process.log.read_text(errors="replace").splitlines():
            match = TASK_DONE.search(line)
            if match and match["name"] == name:
                results[match["id"]] = ast.literal_eval(match[3])
    return results


def _outbox(directory: Path) -> list[EmailMessage]:
    """Every message the file-based backend wrote (a file may hold several)."""
    return [
        email.message_from_bytes(chunk, policy=email.policy.default)
        for path in sorted(directory.iterdir())
        for chunk in path.read_bytes().split(MESSAGE_END)
        if chunk.strip()
    ]


def _addressees(messages: list[EmailMessage]) -> Counter[str]:
    return Counter(address.addr_spec for m in messages for address in m["To"].addresses)


@pytest.fixture(autouse=True)
def events_left_in_the_outbox(monkeypatch):
    """These tests count reminder mail only: the domain events their setup records (a directive
    issued, reports submitted) are not consumed (tests/test_event_worker.py consumes them)."""
    monkeypatch.setattr(events, "_hooks", [])


@pytest.fixture
def workers(transactional_db, tmp_path):
    """`workers.start(name, mail_delay=…)` starts a `celery worker` subprocess on the test
    database that writes its mail to `workers.outbox`; this process sends to the same Redis."""
    broker = redis_test_url()
    broker_redis = redis.Redis.from_url(broker, socket_connect_timeout=2)
    broker_redis.flushdb()
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}",
        "CELERY_BROKER_URL": broker,
        "EMAIL_BACKEND": MAIL_BACKEND,
        "EMAIL_FILE_PATH": str(outbox),
    }
    started: list[subprocess.Popen] = []

    def start(name: str, *, mail_delay: float = 0.0) -> subprocess.Popen:
        log = tmp_path / f"worker-{name}.log"
        with log.open("w") as out:
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
                    f"--hostname={name}@%h",
                ],
                cwd=ROOT,
                env={**env, "REMINDER_TEST_MAIL_DELAY": str(mail_delay)},
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        process.log = log
        started.append(process)
        return process

    saved = (app.conf.broker_url, app.conf.task_always_eager)
    app.conf.broker_url, app.conf.task_always_eager = broker, False
    _reset_broker_pools()
    try:
        yield SimpleNamespace(start=start, outbox=outbox, redis=broker_redis)
    finally:
        app.conf.broker_url, app.conf.task_always_eager = saved
        _reset_broker_pools()
        for process in started:
            if process.poll() is None:
                process.terminate()
        for process in started:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _report_directive(tree, users, units: list[Unit]) -> Directive:
    """The bloc Propaganda Department's guidance to `units`, issued today, whose only
    obligation is a report due in three days (reminded today, at offset -3)."""
    today = timezone.localdate()
    campaign = campaign_services.campaign_create(
        actor=users.staff,
        owner=tree.bloc,
        title="Tác phẩm “Cây tre Việt Nam”",
        subject="Đợt sinh hoạt chính trị, tư tưởng về tác phẩm “Cây tre Việt Nam”.",
        start_date=today - datetime.timedelta(days=30),
        end_date=today + datetime.timedelta(days=60),
    )
    draft = make_draft(
        campaign,
        tree.bloc_btg,
        users.staff,
        issue_date=today,
        requires_implementing=False,
        requires_sessions=False,
    )
    campaign_services.milestones_replace(
        actor=users.staff,
        directive=draft,
        milestones=[
            campaign_services.MilestoneData(
                kind=Milestone.Kind.REPORT_DUE,
                title="Báo cáo kết quả",
                due_date=today + datetime.timedelta(days=3),
            )
        ],
    )
    campaign_services.recipients_add(actor=users.staff, directive=draft, units=units)
    return campaign_services.directive_issue(actor=users.staff, directive=draft)


def _grassroots_cells(tree, count: int) -> list[Unit]:
    return [
        UnitFactory(parent=tree.bloc, kind=kind("chi-bo-co-so"), member_count=12)
        for _ in range(count)
    ]


def _submit_report(directive: Directive, unit: Unit, secretary: User) -> None:
    obligation = Obligation.objects.get(
        directive=directive, recipient__unit=unit, kind=Obligation.Kind.REPORT
    )
    report = report_services.report_start(actor=secretary, obligation=obligation)
    report = report_services.report_update(
        actor=secretary, report=report, assessment="Chi bộ đã quán triệt và sinh hoạt đầy đủ."
    )
    report_services.report_submit(actor=secretary, report=report)


def _expected_reminders(directive: Directive, responsible: dict[Unit, list[User]]) -> set:
    """(obligation, user, offset) of each report still owed × each responsible user."""
    owed = {
        o.recipient.unit_id: o.pk
        for o in Obligation.objects.filter(
            directive=directive, fulfilled_at__isnull=True
        ).select_related("recipient")
    }
    return {
        (owed[unit.pk], user.pk, -3)
        for unit, people in responsible.items()
        if unit.pk in owed
        for user in people
    }


def test_worker_sends_one_digest_per_responsible_user_and_a_rescan_sends_nothing(
    workers, tree, users
):
    cells = _grassroots_cells(tree, 8)
    responsible = {cell: [MembershipFactory(unit=cell).user] for cell in cells}  # secretaries
    for cell in cells[0:8:2]:  # staff of the Propaganda Department follow half of them
        responsible[cell].append(MembershipFactory(unit=cell, role=Role.STAFF).user)
    shared = MembershipFactory(unit=cells[1], role=Role.STAFF).user  # follows two cells
    MembershipFactory(unit=cells[3], user=shared, role=Role.STAFF)
    responsible[cells[1]].append(shared)
    responsible[cells[3]].append(shared)
    # Not reminded: a leader, and a secretary whose term ended yesterday.
    today = timezone.localdate()
    leader = MembershipFactory(unit=cells[5], role=Role.LEADER).user
    former = MembershipFactory(
        unit=cells[5], end_date=today - datetime.timedelta(days=1), role=Role.SECRETARY
    ).user
    directive = _report_directive(tree, users, cells)
    reported = cells[6:]  # one of them with a staff member, one without
    for cell in reported:
        _submit_report(directive, cell, responsible[cell][0])
    owing = {cell: people for cell, people in responsible.items() if cell not in reported}
    expected_users = {user for people in owing.values() for user in people}
    expected_rows = _expected_reminders(directive, responsible)
    assert len(expected_users) == 10
    assert len(expected_rows) == 11  # the shared staff member is reminded for two cells

    first = workers.start("first")
    scan = scan_reminders.delay()
    _wait_for(
        "every digest sent",
        lambda: Digest.objects.filter(status=Digest.Status.SENT).count() >= len(expected_users),
        [first],
    )
    _wait_for(
        "the scan to finish",
        lambda: scan.id in _task_results([first], SCAN_TASK),
        [first],
    )

    messages = _outbox(workers.outbox)
    assert _addressees(messages) == Counter({u.email: 1 for u in expected_users})
    not_reminded = {u.email for cell in reported for u in responsible[cell]}
    not_reminded |= {leader.email, former.email}
    assert not_reminded.isdisjoint(_addressees(messages))
    to_shared = next(m for m in messages if m["To"].addresses[0].addr_spec == shared.email)
    assert "2 việc cần làm" in to_shared["Subject"]
    body = to_shared.get_content()
    assert cells[1].name in body
    assert cells[3].name in body
    rows = list(Reminder.objects.values_list("obligation_id", "user_id", "offset"))
    assert len(rows) == len(expected_rows)
    assert set(rows) == expected_rows
    assert set(Reminder.objects.values_list("status", flat=True)) == {Reminder.Status.SENT}
    assert Notification.objects.count() == len(expected_rows)
    digests = Digest.objects.all()
    assert {d.user_id for d in digests} == {u.pk for u in expected_users}
    assert {(d.status, d.attempts, d.day) for d in digests} == {(Digest.Status.SENT, 1, today)}
    assert _task_results([first], SCAN_TASK)[scan.id] == {
        "skipped": False,
        "created": len(expected_rows),
        "digests": len(expected_users),
    }

    # The scan again, twice at once, with a second worker to take one of them.
    second = workers.start("second")
    _wait_for("the second worker", lambda: _ready(second), [first, second])
    again = [scan_reminders.delay(), scan_reminders.delay()]
    _wait_for(
        "both scans to finish",
        lambda: {a.id for a in again} <= set(_task_results([first, second], SCAN_TASK)),
        [first, second],
    )
    _wait_for(
        "the queue to empty",
        lambda: workers.redis.llen(QUEUE) == 0 and workers.redis.hlen("unacked") == 0,
        [first, second],
    )
    results = _task_results([first, second], SCAN_TASK)
    print("rescans:", [results[a.id] for a in again])  # shown when the test fails
    for result in again:
        assert results[result.id]["created"] == 0
        assert results[result.id]["digests"] == 0
    batches = _task_results([first, second], SEND_TASK)
    assert list(batches.values()) == [{"sent": len(expected_users)}], "a rescan fanned out again"
    assert _addressees(_outbox(workers.outbox)) == Counter({u.email: 1 for u in expected_users})
    assert Reminder.objects.count() == len(expected_rows)
    assert Digest.objects.count() == len(expected_users)
    assert Notification.objects.count() == len(expected_rows)


CELLS_KILLED = 40  # owing cells, each with a secretary and three staff: 160 digests, 2 batches
KILL_AFTER = 40  # digests sent in the first batch before the worker is killed
MAIL_DELAY = 0.1  # seconds before each message, so the kill lands before one is written


def test_worker_killed_mid_batch_then_rescan_sends_each_digest_exactly_once(workers, tree, users):
    cells = _grassroots_cells(tree, CELLS_KILLED + 2)
    responsible = {
        cell: [
            MembershipFactory(unit=cell).user,
            *(MembershipFactory(unit=cell, role=Role.STAFF).user for _ in range(3)),
        ]
        for cell in cells
    }
    directive = _report_directive(tree, users, cells)
    reported = cells[CELLS_KILLED:]
    for cell in reported:
        _submit_report(directive, cell, responsible[cell][0])
    expected_users = {u for cell in cells[:CELLS_KILLED] for u in responsible[cell]}
    expected_rows = _expected_reminders(directive, responsible)
    total = len(expected_users)
    assert total == len(expected_rows) == 4 * CELLS_KILLED > DIGEST_BATCH

    doomed = workers.start("doomed", mail_delay=MAIL_DELAY)
    scan_reminders.delay()
    sent = Digest.objects.filter(status=Digest.Status.SENT)
    deadline = time.monotonic() + 40
    while sent.count() < KILL_AFTER:  # polled closely: the kill lands in the next wait
        assert doomed.poll() is None, _tail(doomed)
        assert time.monotonic() < deadline, _tail(doomed)
        time.sleep(0.002)
    doomed.send_signal(signal.SIGKILL)
    doomed.wait(timeout=10)
    sent_at_kill = sent.count()
    mailed_at_kill = len(_outbox(workers.outbox))
    # The batch it was running stays unacknowledged: Redis would redeliver it only after
    # kombu's visibility timeout (1 h; the settings do not set CELERY_BROKER_TRANSPORT_OPTIONS).
    stranded = set(workers.redis.hkeys("unacked"))
    assert KILL_AFTER <= sent_at_kill < DIGEST_BATCH < total
    assert Digest.objects.count() == total
    assert len(stranded) == 1
    # A message written but not committed would be sent again: the one duplicate window.
    in_window = mailed_at_kill - sent_at_kill

    survivors = [workers.start("recovery-1"), workers.start("recovery-2")]
    _wait_for("the new workers", lambda: all(map(_ready, survivors)), survivors)
    rescan = scan_reminders.delay()
    _wait_for(
        "every digest sent after the rescan",
        lambda: sent.count() == total,
        survivors,
    )
    _wait_for(
        "the queue to empty",
        lambda: (
            workers.redis.llen(QUEUE) == 0
            and set(workers.redis.hkeys("unacked")) <= stranded
            and rescan.id in _task_results(survivors, SCAN_TASK)
        ),
        survivors,
    )

    mailed = _addressees(_outbox(workers.outbox))
    print(  # shown when the test fails
        f"killed after {sent_at_kill} digests ({mailed_at_kill} messages); stranded {stranded}; "
        f"rescan {_task_results(survivors, SCAN_TASK)[rescan.id]}; "
        f"batches {list(_task_results(survivors, SEND_TASK).values())}"
    )
    duplicates = {address: n for address, n in mailed.items() if n != 1}
    assert not duplicates, (
        f"{len(duplicates)} address(es) mailed more than once: {duplicates}; "
        f"at the kill {mailed_at_kill} message(s) written, {sent_at_kill} digest(s) committed; "
        + str(
            list(
                Digest.objects.filter(user__email__in=duplicates).values(
                    "pk", "user__email", "attempts", "sent_at", "result"
                )
            )
        )
    )
    assert in_window == 0
    assert mailed == Counter({u.email: 1 for u in expected_users})
    assert not {u.email for cell in reported for u in responsible[cell]} & set(mailed)
    assert set(Reminder.objects.values_list("obligation_id", "user_id", "offset")) == expected_rows
    assert Reminder.objects.filter(status=Reminder.Status.SENT).count() == len(expected_rows)
    assert Notification.objects.count() == len(expected_rows)
    assert set(Digest.objects.values_list("status", "attempts")) == {(Digest.Status.SENT, 1)}
    rescanned = _task_results(survivors, SCAN_TASK)[rescan.id]
    assert rescanned["created"] == 0
    assert 0 < rescanned["digests"] <= total - sent_at_kill
