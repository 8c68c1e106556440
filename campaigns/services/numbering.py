"""The counters behind every number the portal gives: document numbers per issuer, kind and term
(directives and reports alike), and số đến per receiving unit and year.

Each counter row is created without a lock (a concurrent duplicate insert is ignored), then
locked with SELECT … FOR UPDATE, so a second transaction waits for the first to commit and reads
its number. Unique constraints on the numbered rows back this up.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.core.exceptions import ValidationError

from campaigns.models import DirectiveKind, DirectiveRecipient, DocumentCounter, IncomingCounter
from units.models import Unit

REPORT_KIND = "BC"


def next_document_number(*, issuer: Unit, kind: DirectiveKind, term_label: str) -> int:
    """Take the next number of (issuer, kind, term): two documents never share one."""
    key = {"issuer": issuer, "kind": kind, "term_label": term_label}
    DocumentCounter.objects.bulk_create([DocumentCounter(**key)], ignore_conflicts=True)
    counter = DocumentCounter.objects.select_for_update().get(**key)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def claim_document_number(
    *, issuer: Unit, kind: DirectiveKind, term_label: str, number: int
) -> None:
    """A document of a portal unit numbered outside the portal (imported from its file): the
    counter moves past its number, so the portal never gives that number again."""
    key = {"issuer": issuer, "kind": kind, "term_label": term_label}
    DocumentCounter.objects.bulk_create([DocumentCounter(**key)], ignore_conflicts=True)
    counter = DocumentCounter.objects.select_for_update().get(**key)
    if number > counter.last_number:
        counter.last_number = number
        counter.save(update_fields=["last_number"])


def report_kind() -> DirectiveKind:
    """The "BC" kind reports are numbered under (installed with the default kinds)."""
    try:
        return DirectiveKind.objects.get(code=REPORT_KIND)
    except DirectiveKind.DoesNotExist:
        raise ValidationError(
            "Chưa có loại văn bản Báo cáo (BC): quản trị viên cần khai báo trước khi gửi báo cáo.",
            code="no_report_kind",
        ) from None


def register_incoming(
    recipients: Sequence[DirectiveRecipient],
    day: datetime.date,
    *,
    due: datetime.date | None = None,
) -> None:
    """Enter received documents in their units' incoming registers: each row not yet registered
    gets ngày đến `day`, the next số đến of its unit's year, and hạn xử lý `due` (the
    directive's first deadline) unless a handler's deadline is already set.

    Counters are locked in unit order, so two receipts that share units never deadlock, and all
    of a directive's recipients are numbered in a fixed number of queries.
    """
    rows = [r for r in recipients if r.incoming_number is None]
    if not rows:
        return
    units = sorted({r.unit_id for r in rows})
    IncomingCounter.objects.bulk_create(
        [IncomingCounter(unit_id=unit, year=day.year) for unit in units], ignore_conflicts=True
    )
    counters = {
        c.unit_id: c
        for c in IncomingCounter.objects.select_for_update()
        .filter(unit_id__in=units, year=day.year)
        .order_by("unit_id")
    }
    for row in sorted(rows, key=lambda r: (r.unit_id, r.pk or 0)):
        counter = counters[row.unit_id]
        counter.last_number += 1
        row.incoming_year, row.incoming_number, row.received_on = (
            day.year,
            counter.last_number,
            day,
        )
        row.handling_due = row.handling_due or due
    IncomingCounter.objects.bulk_update(counters.values(), ["last_number"], batch_size=1000)
    DirectiveRecipient.objects.bulk_update(
        rows,
        ["incoming_year", "incoming_number", "received_on", "handling_due"],
        batch_size=1000,
    )
