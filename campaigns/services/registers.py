"""Writes to a unit's incoming register: giving a received document to the person who handles it."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from campaigns.models import DirectiveRecipient
from campaigns.selectors.registers import handler_candidates
from units.events import EventKind, record_event
from units.models import User


@transaction.atomic
def incoming_assign(
    *,
    actor: User | None,
    row: DirectiveRecipient,
    handler: User | None,
    handling_due: datetime.date | None,
    note: str = "",
) -> DirectiveRecipient:
    """Give the received document to `handler` (one of the receiving office's people) with a
    deadline; the handler is told, and finds it on their home page."""
    row = (
        DirectiveRecipient.objects.select_for_update(of=("self",))
        .select_related("unit")
        .get(pk=row.pk)
    )
    if handler is not None and not handler_candidates(row.unit).filter(pk=handler.pk).exists():
        raise ValidationError(
            {"handler": "Chỉ giao cho người của đơn vị nhận văn bản."}, code="not_a_handler"
        )
    moved = handling_due != row.handling_due  # a directive's own past deadline may stand
    if moved and row.received_on and handling_due and handling_due < row.received_on:
        raise ValidationError(
            {"handling_due": f"Hạn xử lý không thể trước ngày đến ({row.received_on:%d/%m/%Y})."},
            code="due_before_received",
        )
    changed = handler is not None and handler.pk != row.handler_id
    row.handler, row.handling_due, row.register_note = handler, handling_due, note.strip()
    row.save(update_fields=["handler", "handling_due", "register_note"])
    if changed:
        record_event(kind=EventKind.DOCUMENT_ASSIGNED, actor=actor, unit=row.unit, target=row)
    return row
