"""Celery tasks for reminders: thin wrappers that call the idempotent services."""

from __future__ import annotations

import datetime
from smtplib import SMTPException

from celery import shared_task

from reports.reminders import digests_send, reminders_scan

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
