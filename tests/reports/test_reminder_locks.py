"""Reminders sent and scanned at the same moment by two workers: one e-mail, one scan.

Each side runs in its own thread, hence its own PostgreSQL connection and transaction, as two
Celery workers would; SQLite serialises every writer and could not show a race. The moment both
sides are inside the guarded step is forced with a barrier or an event, so the outcome does not
depend on timing.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable

import pytest
from django.db import connections

from campaigns import services as campaign_services
from reports import reminders
from reports.models import Digest, Reminder
from reports.reminders import ScanResult, digest_send, reminders_scan
from tests.reports.test_reminders import days, issue

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

TIMEOUT = 30  # seconds a thread may take at most; each finishes in well under one
BOTH_INSIDE = 2  # seconds a send waits for the other to reach the mail server too


@pytest.fixture
def guidance(tree, users):
    """A guidance to grassroots_a, due in 3 days: its secretary is reminded of it today."""
    current = campaign_services.campaign_create(
        actor=users.staff,
        owner=tree.bloc,
        title="Tác phẩm “Cây tre Việt Nam”",
        subject="Đợt sinh hoạt chính trị, tư tưởng về tác phẩm “Cây tre Việt Nam”.",
        start_date=days(-120),
        end_date=days(120),
    )
    return issue(
        current, tree, users, report_due=days(3), study_due=days(3), units=[tree.grassroots_a]
    )


def _in_thread(target: Callable[[], None], errors: list[BaseException]) -> threading.Thread:
    """A thread running `target` on its own connection, closed at the end; errors collected."""

    def run() -> None:
        try:
            target()
        except BaseException as exc:  # reported by the test, not lost in the thread
            errors.append(exc)
        finally:
            connections.close_all()

    return threading.Thread(target=run, daemon=True)


def _join(threads: list[threading.Thread]) -> None:
    for thread in threads:
        thread.join(TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"


def test_two_sends_of_one_digest_at_the_same_moment_send_one_email(
    guidance, users, mailoutbox, monkeypatch
):
    """Whichever send takes the digest first mails it; the other waits for its commit and finds
    it sent. Each send waits at the mail server for the other: without the digest's row lock
    both would be there at once and both would mail."""
    mailoutbox.clear()  # the guidance's own notice to its recipients, sent when it was issued
    reminders_scan()
    digest = Digest.objects.get(user=users.secretary)
    at_mail_server = threading.Barrier(2)
    real_send_mail = reminders.send_mail

    def send_mail(**kwargs) -> int:
        # Alone at the server after BOTH_INSIDE: the other send waits for the digest's lock.
        with contextlib.suppress(threading.BrokenBarrierError):
            at_mail_server.wait(BOTH_INSIDE)
        return real_send_mail(**kwargs)

    monkeypatch.setattr(reminders, "send_mail", send_mail)
    start = threading.Barrier(2)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def send() -> None:
        start.wait(TIMEOUT)
        outcomes.append(digest_send(digest.pk))

    threads = [_in_thread(send, errors) for _ in range(2)]
    for thread in threads:
        thread.start()
    _join(threads)

    assert [m.to for m in mailoutbox] == [[users.secretary.email]]
    assert errors == []
    assert sorted(outcomes) == ["already sent", "sent"]
    digest.refresh_from_db()
    assert (digest.status, digest.attempts) == (Digest.Status.SENT, 1)
    assert digest.result == "e-mail to secretary@example.vn: 3 item(s)"


def test_a_scan_started_while_another_runs_is_skipped_and_creates_nothing(
    guidance, users, monkeypatch
):
    """The first scan holds the scan while it reads what is owed; the second returns at once,
    skipped, and leaves the day's reminders to the first."""
    holding, release = threading.Event(), threading.Event()
    real_open_obligations = reminders.open_obligations

    def open_obligations(day):
        if threading.current_thread() is first:
            holding.set()
            assert release.wait(TIMEOUT)
        return real_open_obligations(day)

    monkeypatch.setattr(reminders, "open_obligations", open_obligations)
    results: list[ScanResult] = []
    errors: list[BaseException] = []
    first = _in_thread(lambda: results.append(reminders_scan()), errors)
    first.start()
    try:
        assert holding.wait(TIMEOUT), errors

        second = reminders_scan()

        assert (second.skipped, second.created, second.digest_ids) == (True, 0, [])
        assert not Reminder.objects.exists()
        assert not Digest.objects.exists()
    finally:
        release.set()
        _join([first])

    assert errors == []
    (done,) = results
    assert (done.skipped, done.created, len(done.digest_ids)) == (False, 3, 1)
    assert Reminder.objects.filter(user=users.secretary).count() == 3
    assert list(Digest.objects.values_list("user", flat=True)) == [users.secretary.pk]
