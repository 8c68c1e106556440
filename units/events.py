"""The domain events: THE list of what happens to work, recording one, and the after-commit hooks.

A service that changes the state of work calls `record_event(...)` inside its transaction: the
event is a row of the outbox (`units.models.DomainEvent`), committed or rolled back with the
change itself. The layers above subscribe with `on_recorded(callback)` (the reports app queues
its consumer task); the callbacks run after the commit of a transaction that recorded an event,
never for one that rolled back. So nothing here knows, or imports, who listens.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:  # the model module imports EventKind from here
    from .models import DomainEvent, Unit, User


class EventKind(models.TextChoices):
    """Every kind of event; the labels name them on the notification settings page."""

    DIRECTIVE_ISSUED = "directive_issued", _("Văn bản chỉ đạo gửi đến đơn vị")
    DIRECTIVE_REPLACED = "directive_replaced", _("Văn bản đơn vị nhận bị thay thế")
    PLAN_ISSUED = "plan_issued", _("Đơn vị cấp dưới ban hành văn bản thực hiện")
    SESSION_LOGGED = "session_logged", _("Đơn vị ghi buổi sinh hoạt")
    REPORT_SUBMITTED = "report_submitted", _("Đơn vị cấp dưới gửi báo cáo kết quả")
    REPORT_RETURNED = "report_returned", _("Báo cáo của đơn vị bị trả lại")
    REPORT_ACCEPTED = "report_accepted", _("Báo cáo của đơn vị được tiếp nhận")
    REPORT_SENT = "report_sent", _("Báo cáo gửi cơ quan ngoài Cổng")
    IMPORT_CONFIRMED = "import_confirmed", _("Văn bản đến được nhập vào Cổng")
    DOCUMENT_ASSIGNED = "document_assigned", _("Được giao xử lý văn bản đến")
    DOCUMENT_SIGNED = "document_signed", _("Văn bản, báo cáo được ký số")
    MEMBERSHIP_GRANTED = "membership_granted", _("Được phân công vai trò")
    MEMBERSHIP_ENDED = "membership_ended", _("Kết thúc phân công")
    UNIT_REORGANISED = "unit_reorganised", _("Đơn vị được hợp nhất, chia tách hoặc giải thể")


_hooks: list[Callable[[], None]] = []


def on_recorded(callback: Callable[[], None]) -> Callable[[], None]:
    """Have `callback()` run after the commit of every transaction that recorded an event.

    Registered once, by an app's `ready()`; it must not assume how many events were recorded
    (the consumer reads the outbox itself, so a callback run twice, or lost, loses nothing
    that the next run does not find).
    """
    if callback not in _hooks:
        _hooks.append(callback)
    return callback


def _dispatch() -> None:
    for hook in _hooks:
        hook()


def record_event(
    *,
    kind: EventKind | str,
    actor: User | None,
    unit: Unit,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
) -> DomainEvent:
    """Record, in the caller's transaction, that `kind` happened to `target` in `unit`.

    `data`: JSON facts of the moment the rendering needs and the target does not keep (the
    comment of one return among several). Consumers run after the commit.
    """
    from .models import DomainEvent  # the model module imports this one for EventKind

    event = DomainEvent.objects.create(
        kind=EventKind(kind),
        actor=actor if actor is not None and actor.pk else None,
        unit=unit,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=target.pk if target is not None else None,
        data=data or {},
    )
    _dispatch_after_commit()
    return event


def _dispatch_after_commit() -> None:
    """Have `_dispatch` run once after the commit, however many events the transaction records.

    A file of reorganisations records about 15,000 events in one transaction
    (bench/reorganise.py); each used to register its own dispatch. A dispatch already
    registered is enough: Django drops a callback only when a savepoint it was registered in
    rolls back, and any such savepoint still active encloses this event too (savepoints nest;
    one released can no longer roll back), so the two go together. After that rollback the
    next event registers again (tests/units/test_events.py).
    """
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        func is _dispatch for _sids, func, _robust in connection.run_on_commit
    ):
        return
    transaction.on_commit(_dispatch)
