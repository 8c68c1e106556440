"""Celery tasks for reminders and domain events: thin wrappers that call the idempotent services."""

from __future__ import annotations

import datetime
import logging
from smtplib import SMTPException

from celery import shared_task
from kombu.exceptions import OperationalError

from reports.notifications import events_process
from reports.reminders import digests_send, reminders_scan

logger = logging.getLogger(__name__)

DIGEST_BATCH = 100


@shared_task(acks_late=True)
def scan_reminders(day: str | None = None) -> dict:
    """The daily scan (Celery beat, 07:00): create reminders, then fan out the digests."""
    result = reminders_scan(day=datetime.date.fromisoformat(day) if day else None)
    for start in range(0, len(result.digest_ids), DIGEST_BATCH):
        send_digests.delay(result.digest_ids[start : start + DIGEST_BATCH])
    return {"skipped": result.skipped, "created": result.created, "digests": len(result.digest_ids)}


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=3600,
    max_retries=8,
)
def send_digests(digest_ids: list[int]) -> dict[str, int]:
    """Send a batch of digests; each is skipped if already sent, so a retry resends nothing."""
    return digests_send(digest_ids)


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=3600,
    max_retries=8,
)
def process_events() -> dict[str, int]:
    """Turn the outbox's unprocessed domain events into notifications and immediate e-mails.

    Queued after the commit of each transaction that recorded an event, and every few minutes
    by beat (a sweep for anything a lost message left); a run that finds the work done does
    nothing, so duplicates and retries cost one query.
    """
    return events_process()


def queue_process_events() -> None:
    """units.events' after-commit hook: queue the consumer (run in-process without a broker).

    A broker that is down must not fail the request whose change is already committed: the
    events wait in the outbox for the next run.
    """
    if process_events.app.conf.task_always_eager:
        try:
            events_process()  # no broker: run here, as the task would, without its log line
        except (SMTPException, OSError):  # the change is committed; the mail waits for a run
            logger.exception("mail server unreachable: notification e-mails wait for the next run")
        return
    try:
        process_events.delay()
    except OperationalError:
        logger.exception("broker unreachable: domain events wait for the next run")
