"""How each notification reads when it is shown (bell, e-mail, digest): worded from the current
state of what its event is about, so that it never says what is no longer true."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.db import models
from django.db.models import QuerySet
from django.urls import reverse

from campaigns.documents.text import shorten
from campaigns.models import Directive, DirectiveRecipient
from reports.models import (
    Notification,
    ProgressReport,
    StudySession,
)
from units.events import EventKind
from units.models import DomainEvent, Membership


@dataclass(frozen=True)
class Shown:
    """A notification as the bell and the e-mails show it, worded on the day it is read."""

    title: str
    url: str


def _target_querysets() -> list[QuerySet]:
    """Each kind of target with what its wording reads, in one query per kind for a page."""
    return [
        Directive.objects.select_related(
            "kind", "issuer", "replaces", "responds_to__directive", "responds_to__unit"
        ),
        ProgressReport.objects.select_related(
            "unit", "obligation", "obligation__directive", "obligation__directive__kind"
        ),
        StudySession.objects.select_related("unit"),
        Membership.objects.select_related("unit"),
        DirectiveRecipient.objects.select_related("directive", "directive__kind"),
    ]


def with_events(notifications: QuerySet[Notification]) -> QuerySet[Notification]:
    """Notifications with their events and targets loaded: a page of them is a fixed number
    of queries, however many units and events there are."""
    return notifications.select_related("event", "event__unit", "event__actor").prefetch_related(
        # Through the event: Django follows the path, django-stubs' check does not.
        GenericPrefetch("event__target", _target_querysets())  # type: ignore[misc]
    )


def _when(due: datetime.date, today: datetime.date) -> str:
    days = (due - today).days
    if days > 0:
        return f"còn {days} ngày"
    if days == 0:
        return "đến hạn hôm nay"
    return f"quá hạn {-days} ngày"


def _day(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _directive_issued(event: DomainEvent, directive: Directive, today: datetime.date) -> Shown:
    issuer = directive.issuer_name or event.unit.name
    title = f"{issuer} gửi {directive.kind.name} số {directive.symbol}"
    if directive.replaces is not None:
        title += f" (thay thế văn bản số {directive.replaces.symbol})"
    title += f": {shorten(directive.subject, 160)}"
    due = _day(event.data.get("due"))
    if due is not None:
        title += f" – hạn {due:%d/%m/%Y}"
        if due >= today:
            title += f" ({_when(due, today)})"
    return Shown(title, directive.get_absolute_url())


def _directive_replaced(event: DomainEvent, directive: Directive, today: datetime.date) -> Shown:
    title = (
        f"{directive.kind.name} số {directive.symbol} đã được thay thế bằng văn bản số "
        f"{event.data.get('by_symbol', '')}; đơn vị không còn trong nơi nhận"
    )
    return Shown(title, directive.get_absolute_url())


def _plan_issued(event: DomainEvent, plan: Directive, today: datetime.date) -> Shown:
    parent = plan.responds_to.directive if plan.responds_to is not None else None
    title = f"{event.unit.name} đã ban hành {plan.kind.name} số {plan.symbol}"
    if parent is not None:
        title += f" thực hiện văn bản số {parent.symbol}"
    return Shown(title, plan.get_absolute_url())


def _session_logged(event: DomainEvent, session: StudySession, today: datetime.date) -> Shown:
    title = f"{session.unit.name} ghi buổi sinh hoạt ngày {session.held_on:%d/%m/%Y}"
    return Shown(title, reverse("reports:unit_work", args=[session.unit_id]))


def _report_directive(report: ProgressReport) -> str:
    directive = report.obligation.directive
    return f"{directive.kind.name} số {directive.symbol}"


def _report_submitted(event: DomainEvent, report: ProgressReport, today: datetime.date) -> Shown:
    sent = "gửi lại" if event.data.get("again") else "gửi"
    title = (
        f"{report.unit.name} đã {sent} báo cáo kết quả theo {_report_directive(report)}"
        " – chờ xem xét"
    )
    return Shown(title, report.get_absolute_url())


def _report_returned(event: DomainEvent, report: ProgressReport, today: datetime.date) -> Shown:
    title = f"Báo cáo của {report.unit.name} bị trả lại: {event.data.get('comment', '')}"
    due = report.obligation.due_date
    if report.status != ProgressReport.Status.RETURNED:
        title += " (đã sửa và gửi lại)"
    elif due is not None:
        title += f" – hạn {due:%d/%m/%Y} ({_when(due, today)})"
    return Shown(title, report.get_absolute_url())


def _report_accepted(event: DomainEvent, report: ProgressReport, today: datetime.date) -> Shown:
    title = f"Báo cáo của {report.unit.name} theo {_report_directive(report)} đã được tiếp nhận"
    return Shown(title, report.get_absolute_url())


def _import_confirmed(event: DomainEvent, directive: Directive, today: datetime.date) -> Shown:
    who = event.actor.get_full_name() if event.actor else "Cổng"
    title = (
        f"{who} đã nhập văn bản đến {directive.kind.name} số {directive.symbol} của "
        f"{directive.issuer_name or directive.issuing_body}"
    )
    return Shown(title, directive.get_absolute_url())


def _report_sent(event: DomainEvent, report: ProgressReport, today: datetime.date) -> Shown:
    directive = report.obligation.directive
    title = (
        f"{report.unit.name} đã gửi báo cáo số {report.symbol} đến {directive.issuer_name} "
        f"({report.get_sent_channel_display()})"
    )
    return Shown(title, report.get_absolute_url())


def _document_assigned(event: DomainEvent, row: DirectiveRecipient, today: datetime.date) -> Shown:
    directive = row.directive
    title = (
        f"Đồng chí được giao xử lý văn bản đến số {row.incoming_number}: {directive.display_title}"
    )
    if row.handling_due is not None:
        title += f" – hạn xử lý {row.handling_due:%d/%m/%Y} ({_when(row.handling_due, today)})"
    return Shown(title, directive.get_absolute_url())


def _membership_granted(event: DomainEvent, membership: Membership, today: datetime.date) -> Shown:
    title = f"Đồng chí được phân công {membership.get_role_display()} – {membership.unit.name}"
    if membership.start_date and membership.start_date > today:
        title += f" từ ngày {membership.start_date:%d/%m/%Y}"
    return Shown(title, reverse("home"))


def _membership_ended(event: DomainEvent, membership: Membership, today: datetime.date) -> Shown:
    end = _day(event.data.get("end_date")) or membership.end_date
    title = f"Phân công {membership.get_role_display()} – {membership.unit.name} kết thúc"
    if end is not None:
        title += f" ngày {end:%d/%m/%Y}"
    return Shown(title, reverse("home"))


RENDERERS: dict[str, Callable[[DomainEvent, Any, datetime.date], Shown]] = {
    EventKind.DIRECTIVE_ISSUED: _directive_issued,
    EventKind.DIRECTIVE_REPLACED: _directive_replaced,
    EventKind.PLAN_ISSUED: _plan_issued,
    EventKind.SESSION_LOGGED: _session_logged,
    EventKind.REPORT_SUBMITTED: _report_submitted,
    EventKind.REPORT_RETURNED: _report_returned,
    EventKind.REPORT_ACCEPTED: _report_accepted,
    EventKind.REPORT_SENT: _report_sent,
    EventKind.IMPORT_CONFIRMED: _import_confirmed,
    EventKind.DOCUMENT_ASSIGNED: _document_assigned,
    EventKind.MEMBERSHIP_GRANTED: _membership_granted,
    EventKind.MEMBERSHIP_ENDED: _membership_ended,
}


def describe(notification: Notification, today: datetime.date) -> Shown:
    """What the notification says on `today`, from the current state of what it is about (a
    reminder's own text as it was sent). Load events and targets with `with_events` first."""
    event = notification.event
    if event is None:
        return Shown(notification.title, notification.url)
    target: models.Model | None = event.target
    if target is None:
        return Shown(f"{event.get_kind_display()} – {event.unit.name} (không còn trên Cổng)", "")
    return RENDERERS[event.kind](event, target, today)


@dataclass(frozen=True)
class BellRow:
    notification: Notification
    title: str
    url: str


def bell_rows(notifications: Iterable[Notification], today: datetime.date) -> list[BellRow]:
    """Rows of the bell's page; `notifications` loaded through `with_events`."""
    return [BellRow(n, (shown := describe(n, today)).title, shown.url) for n in notifications]
