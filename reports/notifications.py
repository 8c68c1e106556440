"""Notifications from domain events: who is told of each kind, each user's e-mail choice, and
the consumer that turns the outbox into notifications and immediate e-mails, exactly once (how
each reads when it is shown is reports.notification_text).

Exactly once. The consumer takes the oldest unprocessed event under a row lock that other
workers skip, creates its notifications (unique per event and user, conflicts ignored) and
marks it processed, all in one transaction: a retry, a rerun after a crash or a second worker
finds it done. An immediate e-mail is sent under its notification's row lock and marked sent in
the same transaction; digest-channel notifications go out in the user's daily digest
(reports.reminders), marked there the same way. As for digests, the only window for a
duplicate e-mail is a worker killed between the SMTP server's acceptance and the commit.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.mail import get_connection, send_mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
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
)
from units.access import Capability, users_acting_for, users_of
from units.events import EventKind
from units.models import DomainEvent, Membership, Role, Unit, User

from .notification_text import BellRow, Shown, bell_rows, describe, with_events

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


__all__ = [
    "DEFAULT_CHANNELS",
    "NOTIFYING_KINDS",
    "BellRow",
    "EventFailed",
    "Shown",
    "addressees",
    "bell_rows",
    "channels_of",
    "describe",
    "events_process",
    "with_events",
]
