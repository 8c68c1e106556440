"""Domain events consumed by real Celery worker processes through Redis, exactly once: a worker
killed in the middle of a batch, events still unprocessed and e-mails still unsent, and two
workers rerunning the consumer at once, leave one notification per (event, user) and one e-mail
per immediate notification.

The workers write their e-mail to files (tests/reminder_mail_backend.py, waiting before each
message so that the kill lands between two of them), so what is counted is what the worker
processes actually sent. The harness is tests/test_reminder_worker.py's.
"""

from __future__ import annotations

import signal
import time
from collections import Counter

import pytest

from campaigns import services as campaign_services
from campaigns.models import Directive
from reports import services as report_services
from reports.models import EmailChannel, Notification
from reports.tasks import process_events
from tests.factories import MembershipFactory
from tests.plugins.directives import make_draft
from tests.test_reminder_worker import (
    QUEUE,
    _addressees,
    _grassroots_cells,
    _outbox,
    _ready,
    _submit_report,
    _tail,
    _task_results,
    _wait_for,
    workers,  # noqa: F401 - the fixture, shared
)
from units import events
from units.events import EventKind
from units.models import DomainEvent, Role

pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]

TASK = "reports.tasks.process_events"
CELLS = 10  # each with a secretary and three staff: 4 users told of each of two events
KILL_AFTER = 50  # of 80 immediate e-mails: past the directive's 40, into the returned reports
MAIL_DELAY = 0.1  # seconds before each message, so the kill lands before one is written
COMMENT = "Bổ sung số bài thu hoạch đã chấm."


def _issued_to(campaign, tree, users, cells) -> Directive:
    """The bloc Propaganda Department's guidance to `cells`, each owing a report."""
    draft = make_draft(
        campaign, tree.bloc_btg, users.staff, requires_implementing=False, requires_sessions=False
    )
    campaign_services.recipients_add(actor=users.staff, directive=draft, units=cells)
    return campaign_services.directive_issue(actor=users.staff, directive=draft)


def test_a_worker_killed_mid_batch_then_two_reruns_notify_and_mail_exactly_once(
    workers,  # noqa: F811 - the fixture imported above
    campaign,
    tree,
    users,
    monkeypatch,
):
    # The test queues the consumer itself, so it knows each run; the services' after-commit
    # hook would queue one run per transaction.
    monkeypatch.setattr(events, "_hooks", [])
    cells = _grassroots_cells(tree, CELLS)
    people = {
        cell: [
            MembershipFactory(unit=cell).user,
            *(MembershipFactory(unit=cell, role=Role.STAFF).user for _ in range(3)),
        ]
        for cell in cells
    }
    directive = _issued_to(campaign, tree, users, cells)  # 40 to tell at once
    for cell in cells:
        _submit_report(directive, cell, people[cell][0])  # to users.staff, in the digest
    for report in directive.campaign.reports.order_by("pk"):
        report_services.report_return(actor=users.staff, report=report, comment=COMMENT)
    total_events = 1 + 2 * CELLS
    assert DomainEvent.objects.filter(processed_at__isnull=True).count() == total_events
    expected = {  # (event, user) -> channel
        (e.pk, u.pk): EmailChannel.IMMEDIATE
        for e in DomainEvent.objects.exclude(kind=EventKind.REPORT_SUBMITTED)
        for cell in cells
        for u in people[cell]
        if e.kind == EventKind.DIRECTIVE_ISSUED or e.unit_id == cell.pk
    } | {
        (e.pk, users.staff.pk): EmailChannel.DIGEST
        for e in DomainEvent.objects.filter(kind=EventKind.REPORT_SUBMITTED)
    }
    immediate = sum(c == EmailChannel.IMMEDIATE for c in expected.values())
    assert immediate == 8 * CELLS

    doomed = workers.start("doomed", mail_delay=MAIL_DELAY)
    process_events.delay()
    emailed = Notification.objects.filter(emailed_at__isnull=False)
    deadline = time.monotonic() + 60
    while emailed.count() < KILL_AFTER:  # polled closely: the kill lands in the next wait
        assert doomed.poll() is None, _tail(doomed)
        assert time.monotonic() < deadline, _tail(doomed)
        time.sleep(0.002)
    doomed.send_signal(signal.SIGKILL)
    doomed.wait(timeout=10)
    emailed_at_kill = emailed.count()
    mailed_at_kill = len(_outbox(workers.outbox))
    unprocessed_at_kill = DomainEvent.objects.filter(processed_at__isnull=True).count()
    stranded = set(workers.redis.hkeys("unacked"))  # redelivered only after an hour
    assert KILL_AFTER <= emailed_at_kill < immediate
    assert 0 < unprocessed_at_kill < total_events  # killed with events left to process
    assert len(stranded) == 1
    # A message written but not committed would be sent again: the one duplicate window.
    in_window = mailed_at_kill - emailed_at_kill

    survivors = [workers.start("recovery-1"), workers.start("recovery-2")]
    _wait_for("the new workers", lambda: all(map(_ready, survivors)), survivors)
    reruns = [process_events.delay(), process_events.delay()]
    _wait_for(
        "both reruns to finish",
        lambda: {r.id for r in reruns} <= set(_task_results(survivors, TASK)),
        survivors,
        timeout=60,
    )
    _wait_for(
        "the queue to empty",
        lambda: workers.redis.llen(QUEUE) == 0 and set(workers.redis.hkeys("unacked")) <= stranded,
        survivors,
    )

    results = _task_results(survivors, TASK)
    print(  # shown when the test fails
        f"killed after {emailed_at_kill} e-mails ({mailed_at_kill} written), "
        f"{unprocessed_at_kill} events left; reruns {[results[r.id] for r in reruns]}"
    )
    assert sum(results[r.id]["processed"] for r in reruns) == unprocessed_at_kill
    assert sum(results[r.id]["emailed"] for r in reruns) == immediate - emailed_at_kill
    assert not DomainEvent.objects.filter(processed_at__isnull=True).exists()
    rows = Counter(Notification.objects.values_list("event_id", "user_id"))
    assert set(rows.values()) == {1}
    told = Notification.objects.values_list("event_id", "user_id", "channel")
    assert {(event, user): channel for event, user, channel in told} == expected
    assert not Notification.objects.filter(
        channel=EmailChannel.IMMEDIATE, emailed_at__isnull=True
    ).exists()

    messages = _outbox(workers.outbox)
    assert in_window == 0
    sent = Counter((m["To"].addresses[0].addr_spec, str(m["Subject"])) for m in messages)
    duplicates = {key: n for key, n in sent.items() if n > 1}
    assert not duplicates, f"mailed more than once: {duplicates}"
    assert _addressees(messages) == Counter(
        {u.email: 2 for cell in cells for u in people[cell]}  # the directive, the return
    )
    assert users.staff.email not in _addressees(messages)  # submitted: in tomorrow's digest
