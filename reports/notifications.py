"""Notifications from domain events: who is told of each kind, how each reads when it is shown,
each user's e-mail choice, and the consumer that turns the outbox into notifications and
immediate e-mails, exactly once.

Exactly once. The consumer takes the oldest unprocessed event under a row lock that other
workers skip, creates its notifications (unique per event and user, conflicts ignored) and
marks it processed, all in one transaction: a retry, a rerun after a crash or a second worker
finds it done. An immediate e-mail is sent under its notification's row lock and marked sent in
the same transaction; digest-channel notifications go out in the user's daily digest
(reports.reminders), marked there the same way. As for digests, the only window for a
duplicate e-mail is a worker killed between the SMTP server's acceptance and the commit.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.core.mail import get_connection, send_mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import models, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from campaigns.documents.text import shorten
from campaigns.models import Directive, DirectiveRecipient
from reports.models import (
    EmailChannel,
    Notification,
    NotificationPreference,
    ProgressReport,
    StudySession,
)
from units.access import Capability, users_acting_for, users_of
from units.events import EventKind
from units.models import DomainEvent, Membership, Role, Unit, User

logger = logging.getLogger(__name__)

# Who acts on work in a unit; leaders follow it on their dashboards instead.
WORKING_ROLES = (Role.STAFF, Role.SECRETARY)

# The e-mail of each kind that tells someone, for a user who has not chosen (no preference row).
# A logged session tells nobody: it is recorded for the audit trail and the figures.
DEFAULT_CHANNELS: dict[str, str] = {
    EventKind.DIRECTIVE_ISSUED: EmailChannel.IMMEDIATE,
    EventKind.DIRECTIVE_REPLACED: EmailChannel.IMMEDIATE,
    EventKind.PLAN_ISSUED: EmailChannel.DIGEST,
    EventKind.REPORT_SUBMITTED: EmailChannel.DIGEST,
    EventKind.REPORT_RETURNED: EmailChannel.IMMEDIATE,
    EventKind.REPORT_ACCEPTED: EmailChannel.IMMEDIATE,
    EventKind.IMPORT_CONFIRMED: EmailChannel.DIGEST,
    EventKind.MEMBERSHIP_GRANTED: EmailChannel.IMMEDIATE,
    EventKind.MEMBERSHIP_ENDED: EmailChannel.IMMEDIATE,
    EventKind.DOCUMENT_ASSIGNED: EmailChannel.IMMEDIATE,
}
NOTIFYING_KINDS = [EventKind(kind) for kind in DEFAULT_CHANNELS]


# ---------------------------------------------------------------------------- who is told


def _recipient_units(directive: Directive) -> QuerySet[Unit]:
    return Unit.objects.filter(received_directives__directive=directive)


def _directive_recipients(event: DomainEvent, directive: Directive) -> QuerySet[User]:
    """Those who act for the units it was sent to: they owe a plan, sessions, a report."""
    return users_of(_recipient_units(directive), Capability.CAPTURE, roles=WORKING_ROLES)


def _import_recipients(event: DomainEvent, directive: Directive) -> QuerySet[User]:
    """Those who act for the units this import entered it for, not the units that held it
    before (a document linked to another unit's copy)."""
    units = _recipient_units(directive)
    if "units" in event.data:
        units = units.filter(pk__in=event.data["units"])
    return users_of(units, Capability.CAPTURE, roles=WORKING_ROLES)


def _dropped_recipients(event: DomainEvent, directive: Directive) -> QuerySet[User]:
    """Units the replaced directive was sent to and its replacement is not: they owe nothing
    now. (Those it is sent to again hear of the replacement as a directive issued to them.)"""
    dropped = _recipient_units(directive).exclude(
        received_directives__directive_id=event.data.get("by")
    )
    return users_of(dropped, Capability.CAPTURE, roles=WORKING_ROLES)


def _parent_reviewers(event: DomainEvent, plan: Directive) -> QuerySet[User]:
    """Those who follow, for the issuer of the directive it implements, who answered it."""
    answered = plan.responds_to
    issuer = answered.directive.issuer if answered is not None else None
    if issuer is None:  # an issuer outside the portal
        return User.objects.none()
    return users_acting_for(issuer, Capability.APPROVE, roles=WORKING_ROLES)


def _report_reviewers(event: DomainEvent, report: ProgressReport) -> QuerySet[User]:
    """Who may accept or return it: the reviewing unit's approvers (reports.access)."""
    reviewer = report.reviewing_unit
    if reviewer is None:
        return User.objects.none()
    return users_acting_for(reviewer, Capability.APPROVE, roles=WORKING_ROLES)


def _report_writers(event: DomainEvent, report: ProgressReport) -> QuerySet[User]:
    """Who writes the unit's report (the secretary, and staff who capture for it)."""
    return users_of([report.unit], Capability.CAPTURE, roles=WORKING_ROLES)


def _handler(event: DomainEvent, row: DirectiveRecipient) -> QuerySet[User]:
    """The person a received document was given to handle."""
    if row.handler_id is None:
        return User.objects.none()
    return User.objects.filter(pk=row.handler_id, is_active=True)


def _member(event: DomainEvent, membership: Membership) -> QuerySet[User]:
    return User.objects.filter(pk=membership.user_id, is_active=True)


ADDRESSEES: dict[str, Callable[[DomainEvent, Any], QuerySet[User]]] = {
    EventKind.DIRECTIVE_ISSUED: _directive_recipients,
    EventKind.DIRECTIVE_REPLACED: _dropped_recipients,
    EventKind.PLAN_ISSUED: _parent_reviewers,
    EventKind.REPORT_SUBMITTED: _report_reviewers,
    EventKind.REPORT_RETURNED: _report_writers,
    EventKind.REPORT_ACCEPTED: _report_writers,
    EventKind.IMPORT_CONFIRMED: _import_recipients,
    EventKind.MEMBERSHIP_GRANTED: _member,
    EventKind.MEMBERSHIP_ENDED: _member,
    EventKind.DOCUMENT_ASSIGNED: _handler,
}


def addressees(event: DomainEvent) -> QuerySet[User]:
    """The users who must act on the event, never the one who caused it."""
    rule = ADDRESSEES.get(event.kind)
    target = event.target
    if rule is None or target is None:
        return User.objects.none()
    users = rule(event, target)
    return users.exclude(pk=event.actor_id) if event.actor_id else users


# ---------------------------------------------------------------------------- e-mail choices


def channels_of(user: User) -> dict[str, str]:
    """The user's e-mail channel for each kind that notifies: their choice, or the default."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "channel"))
    return {kind: chosen.get(kind, default) for kind, default in DEFAULT_CHANNELS.items()}


def _channels(kind: str, users: QuerySet[User]) -> dict[int, str]:
    """Each addressee's channel for this kind; none for a user without an e-mail address."""
    default = DEFAULT_CHANNELS.get(kind, EmailChannel.NONE)
    chosen = dict(
        NotificationPreference.objects.filter(kind=kind, user__in=users.values("pk")).values_list(
            "user_id", "channel"
        )
    )
    return {
        pk: chosen.get(pk, default) if email else EmailChannel.NONE
        for pk, email in users.values_list("pk", "email")
    }


# ---------------------------------------------------------------------------- the consumer


class EventFailed(Exception):
    """Processing one event raised; it stays unprocessed for the next run."""

    def __init__(self, event_id: int) -> None:
        super().__init__(f"domain event {event_id} could not be processed")
        self.event_id = event_id


@transaction.atomic
def event_process_next(*, after: int = 0) -> int | None:
    """Process the oldest unprocessed event after id `after` that no other worker holds; its
    id, or None if there is none.

    Its notifications and its processed mark commit together (see the module's docstring).
    """
    event = (
        DomainEvent.objects.select_for_update(skip_locked=True)
        .filter(processed_at__isnull=True, pk__gt=after)
        .order_by("pk")
        .first()
    )
    if event is None:
        return None
    try:
        channels = _channels(event.kind, addressees(event))
        Notification.objects.bulk_create(
            [
                Notification(event=event, user_id=user_id, channel=channel)
                for user_id, channel in channels.items()
            ],
            batch_size=1000,
            ignore_conflicts=True,
        )
        event.processed_at = timezone.now()
        event.save(update_fields=["processed_at"])
    except Exception as exc:  # rolled back; the other events go on
        raise EventFailed(event.pk) from exc
    return event.pk


class _Mail:
    """One mail connection for a run, opened only when a message is to go out."""

    def __init__(self) -> None:
        self.connection: BaseEmailBackend | None = None

    def get(self) -> BaseEmailBackend:
        if self.connection is None:
            self.connection = get_connection()
            self.connection.open()
        return self.connection

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()


def events_process() -> dict[str, int]:
    """Turn every unprocessed event into notifications, oldest first, each event in its own
    transaction followed by its immediate e-mails; then send any immediate e-mail an earlier,
    interrupted run left. Safe on many workers at once and after a crash.

    A run walks forward in id order, so it ends even if a mark did not stick. An event whose
    processing raises stays unprocessed (logged); the others go on, and the run fails at the
    end so that the task shows it. An event committed after the run passed its id (a longer
    transaction that took an earlier id) is taken by the run its own commit queues.
    """
    processed = emailed = 0
    failed: list[EventFailed] = []
    after = 0
    mail = _Mail()
    try:
        while True:
            try:
                event_id = event_process_next(after=after)
            except EventFailed as exc:
                logger.exception("domain event %s failed", exc.event_id)
                failed.append(exc)
                after = exc.event_id
                continue
            if event_id is None:
                break
            after = event_id
            processed += 1
            emailed += notifications_email(mail=mail, event_id=event_id)
        emailed += notifications_email(mail=mail)
    finally:
        mail.close()
    if failed:
        raise failed[0]
    return {"processed": processed, "emailed": emailed}


def notifications_email(*, mail: _Mail | None = None, event_id: int | None = None) -> int:
    """Send the immediate e-mails not yet sent (of one event, or all); how many this run sent."""
    pending = Notification.objects.filter(channel=EmailChannel.IMMEDIATE, emailed_at__isnull=True)
    if event_id is not None:
        pending = pending.filter(event_id=event_id)
    mail = mail or _Mail()
    return sum(
        notification_email(pk, mail=mail)
        for pk in list(pending.order_by("pk").values_list("pk", flat=True))
    )


@transaction.atomic
def notification_email(notification_id: int, *, mail: _Mail | None = None) -> bool:
    """Send one notification's immediate e-mail, at most once: under its row lock (a worker
    sending it holds the lock, the others skip it) and marked in the same transaction, so a
    retry or another worker finds it sent. True if this call sent it."""
    notification = (
        with_events(Notification.objects.select_for_update(skip_locked=True, of=("self",)))
        .select_related("user")
        .filter(pk=notification_id, channel=EmailChannel.IMMEDIATE, emailed_at__isnull=True)
        .first()
    )
    if notification is None:  # sent meanwhile, or being sent by another worker
        return False
    user = notification.user
    if user.email:
        shown = describe(notification, timezone.localdate())
        send_mail(
            subject=shorten(shown.title, 150),
            message=email_body(user, [shown]),
            from_email=None,
            recipient_list=[user.email],
            connection=(mail or _Mail()).get(),
        )
    notification.emailed_at = timezone.now()
    notification.save(update_fields=["emailed_at"])
    return True


def email_body(user: User, lines: list[Shown]) -> str:
    base = settings.PORTAL_BASE_URL.rstrip("/")
    return "\n".join(
        [
            f"Kính gửi đồng chí {user.get_full_name()},",
            "",
            *[
                f"- {line.title}\n  {base}{line.url}" if line.url else f"- {line.title}"
                for line in lines
            ],
            "",
            "Đồng chí chọn cách nhận thư thông báo tại "
            f"{base}{reverse('reports:notification_settings')}",
        ]
    )


# ---------------------------------------------------------------------------- what is shown


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
