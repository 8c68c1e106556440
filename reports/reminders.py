"""Deadline reminders: which units still owe what, who is reminded, and the daily digests.

Policy. Each open obligation (implementing directive not issued, no session held, report not
submitted) with a deadline is reminded at the offsets of settings.REMINDER_OFFSETS (days from
the deadline; default 7, 3 and 1 days before, on the day, 1 and 7 days after), to the active
secretaries and propaganda staff of the unit that acts on it (`Obligation.unit`: the recipient,
or the successor that took over its open work in a merger, split or closure). A closed unit is
reminded of nothing: its people's roles ended the day before, and what it still owed moved to
its successor (reports.reorganisation), whose people the next scan reminds; an obligation merged
into the successor's own is not reminded apart from it. On a given day only the latest
offset already reached applies: a directive entered or imported late, or a scan that did not
run for some days, never floods anyone with the reminders it missed; an obligation long overdue
gets one overdue notice at most (the last offset). A reminder is a row unique per (obligation,
user, offset), so however often the scan runs, and however many workers run it, it is created
once; a changed deadline (a replacing directive) is reminded on its own new schedule, and what
was sent stays sent. Each user receives one digest a day listing all their reminders, by
e-mail and in the bell, and the notifications of events they chose to receive in the digest
(reports.notifications): a user with only those gets a digest too.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import get_connection, send_mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Directive, Obligation
from reports.models import Digest, EmailChannel, Notification, Reminder, StudySession
from reports.notifications import describe, with_events
from units.models import Membership, Role

RESPONSIBLE_ROLES = (Role.SECRETARY, Role.STAFF)
SCAN_LOCK_KEY = 7_100_731  # pg advisory lock: one scan at a time across workers


def reminder_offsets() -> list[int]:
    return sorted(settings.REMINDER_OFFSETS)


def applicable_offset(due: datetime.date, day: datetime.date, offsets: list[int]) -> int | None:
    """The latest offset reached on `day` for a deadline `due` (None before the first)."""
    reached = [o for o in offsets if due + datetime.timedelta(days=o) <= day]
    return max(reached) if reached else None


def counted_sessions() -> QuerySet[StudySession]:
    """The sessions that meet a sessions obligation (the outer row): those its recipient held in
    the campaign, and those the unit acting on it held since it took it over."""
    return StudySession.objects.filter(
        Q(unit_id=OuterRef("recipient__unit_id"))
        | Q(unit_id=OuterRef("unit_id"), held_on__gte=OuterRef("handed_over_on")),
        campaign_id=OuterRef("directive__campaign_id"),
    )


def session_held() -> Q:
    """Whether `counted_sessions` has one, as two index probes (campaign, unit) rather than an
    OR inside one subquery: the second only for an obligation handed over."""
    by_recipient = StudySession.objects.filter(
        unit_id=OuterRef("recipient__unit_id"), campaign_id=OuterRef("directive__campaign_id")
    )
    since_handed_over = StudySession.objects.filter(
        unit_id=OuterRef("unit_id"),
        campaign_id=OuterRef("directive__campaign_id"),
        held_on__gte=OuterRef("handed_over_on"),
    )
    return Q(Exists(by_recipient)) | Q(Exists(since_handed_over), handed_over_on__isnull=False)


def open_obligations(day: datetime.date):
    """Obligations still owed whose first reminder day has come, acted on by a unit that
    exists on `day`; not those merged into another (that one is reminded)."""
    earliest = min(reminder_offsets())
    return Obligation.objects.filter(
        Q(unit__closed_on__isnull=True) | Q(unit__closed_on__gt=day),
        directive__status=Directive.Status.ISSUED,
        due_date__isnull=False,
        due_date__lte=day - datetime.timedelta(days=earliest),
        merged_into__isnull=True,
    ).filter(
        Q(kind=Obligation.Kind.SESSIONS, fulfilled_at__isnull=True) & ~session_held()
        | Q(kind__in=[Obligation.Kind.IMPLEMENTING, Obligation.Kind.REPORT])
        & Q(fulfilled_at__isnull=True)
    )


@dataclass
class ScanResult:
    day: datetime.date
    skipped: bool = False  # another scan held the lock
    created: int = 0
    cancelled: int = 0
    digest_ids: list[int] = field(default_factory=list)


def _scan_lock() -> bool:
    """Take the scan's transaction-scoped lock; False if another scan holds it (PostgreSQL).

    Elsewhere (SQLite, the embedded default) there is one process and nothing to lock.
    """
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [SCAN_LOCK_KEY])
        return bool(cursor.fetchone()[0])


@transaction.atomic
def reminders_scan(*, day: datetime.date | None = None, dry_run: bool = False) -> ScanResult:
    """Create the day's reminders and one pending digest per user who has any. Idempotent."""
    day = day or timezone.localdate()
    result = ScanResult(day=day)
    if not _scan_lock():
        result.skipped = True
        return result
    offsets = reminder_offsets()
    owed = open_obligations(day)
    obligations = list(owed)
    responsible: dict[int, list[int]] = {}
    for unit_id, user_id in (
        Membership.objects.active_on(day)
        .filter(unit_id__in=owed.values("unit_id"), role__in=RESPONSIBLE_ROLES)
        .values_list("unit_id", "user_id")
        .distinct()
    ):
        responsible.setdefault(unit_id, []).append(user_id)
    rows = [
        Reminder(
            obligation=obligation,
            user_id=user_id,
            offset=offset,
            due_date=obligation.due_date,
            day=day,
        )
        for obligation in obligations
        if (offset := applicable_offset(obligation.due_date, day, offsets)) is not None
        for user_id in responsible.get(obligation.unit_id, [])
    ]
    if dry_run:
        existing = set(
            Reminder.objects.filter(obligation__in=owed.values("pk")).values_list(
                "obligation_id", "user_id", "offset"
            )
        )
        result.created = sum((r.obligation.pk, r.user_id, r.offset) not in existing for r in rows)
        transaction.set_rollback(True)
        return result
    before = Reminder.objects.count()
    Reminder.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    result.created = Reminder.objects.count() - before
    # A later stage replaces an earlier one not yet sent (a digest that never went out).
    later = Reminder.objects.filter(
        obligation_id=OuterRef("obligation_id"),
        user_id=OuterRef("user_id"),
        offset__gt=OuterRef("offset"),
    )
    Reminder.objects.filter(Exists(later), status=Reminder.Status.SCHEDULED).update(
        status=Reminder.Status.SUPERSEDED
    )
    # Done since they were scheduled: never sent.
    result.cancelled = (
        Reminder.objects.filter(status=Reminder.Status.SCHEDULED)
        .exclude(obligation_id__in=owed.values("pk"))
        .update(status=Reminder.Status.CANCELLED)
    )
    users = set(
        Reminder.objects.filter(status=Reminder.Status.SCHEDULED).values_list("user_id", flat=True)
    )
    users.update(_digest_notifications().values_list("user_id", flat=True).distinct())
    # Earlier days' digests that never went out: today's carries their reminders instead.
    Digest.objects.filter(user_id__in=users, day__lt=day, status=Digest.Status.PENDING).update(
        status=Digest.Status.SUPERSEDED
    )
    Digest.objects.bulk_create(
        [Digest(user_id=user_id, day=day) for user_id in users], ignore_conflicts=True
    )
    result.digest_ids = list(
        Digest.objects.filter(day=day, user_id__in=users, status=Digest.Status.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return result


def _digest_notifications():
    """Event notifications waiting for their users' daily digest."""
    return Notification.objects.filter(channel=EmailChannel.DIGEST, emailed_at__isnull=True)


def _line(reminder: Reminder, day: datetime.date) -> tuple[str, str]:
    obligation = reminder.obligation
    directive = obligation.directive
    due = obligation.due_date
    if due is None:  # the scan reminds only obligations with a deadline
        raise ValueError(f"obligation {obligation.pk} has no deadline to remind of")
    delta = (due - day).days
    if delta > 0:
        when = f"còn {delta} ngày"
    elif delta == 0:
        when = "đến hạn hôm nay"
    else:
        when = f"quá hạn {-delta} ngày"
    what = _kind_labels()[obligation.kind]
    milestone = obligation.milestone if obligation.milestone_id else None
    if milestone is not None and milestone.title:
        what = f"{what} ({milestone.title})"
    unit = obligation.unit.name
    if obligation.unit_id != obligation.recipient.unit_id:  # handed over: say whose it was
        unit = f"{unit} (tiếp nhận từ {obligation.recipient.unit_name})"
    title = (
        f"{unit}: {what} theo {directive.kind.name} số "
        f"{directive.symbol} – hạn {obligation.due_date:%d/%m/%Y} ({when})"
    )
    return title, _directive_url(directive.pk)


# A batch of digests names the same few directives and kinds thousands of times.
@functools.lru_cache(maxsize=4096)
def _directive_url(pk: int) -> str:
    return reverse("campaigns:directive_detail", args=[pk])


@functools.cache
def _kind_labels() -> dict[str, str]:
    return {value: str(label) for value, label in Obligation.Kind.choices}


def cancel_done(digest_ids: list[int]) -> int:
    """Cancel the scheduled reminders of these digests' users whose work was done since the
    scan (a report submitted, a session logged…): one pass for a whole batch of digests.

    The ids go to the database as lists: nested as subqueries, PostgreSQL planned the anti-join
    over every open obligation of the tree (seconds per batch on a province).
    """
    pending = Digest.objects.filter(pk__in=digest_ids, status=Digest.Status.PENDING)
    done: list[int] = []
    for day, users in _users_by_day(pending).items():
        scheduled = list(
            Reminder.objects.filter(
                user_id__in=users, status=Reminder.Status.SCHEDULED
            ).values_list("pk", "obligation_id")
        )
        owed = {obligation for _, obligation in scheduled}
        still_open = set(open_obligations(day).filter(pk__in=owed).values_list("pk", flat=True))
        done.extend(pk for pk, obligation in scheduled if obligation not in still_open)
    if not done:
        return 0
    return Reminder.objects.filter(pk__in=done, status=Reminder.Status.SCHEDULED).update(
        status=Reminder.Status.CANCELLED
    )


def _users_by_day(digests) -> dict[datetime.date, list[int]]:
    by_day: dict[datetime.date, list[int]] = {}
    for day, user_id in digests.values_list("day", "user_id"):
        by_day.setdefault(day, []).append(user_id)
    return by_day


def digests_send(digest_ids: list[int]) -> dict[str, int]:
    """Send a batch of digests through one mail connection (one SMTP session, not one per
    message), each in its own transaction, so a worker lost mid-batch keeps what it sent."""
    cancel_done(digest_ids)
    # Read once for the batch; each digest checks under its lock that they are still its own.
    users = Digest.objects.filter(pk__in=digest_ids, status=Digest.Status.PENDING).values("user_id")
    read: dict[int, list[Reminder]] = {}
    for reminder in _scheduled(Reminder.objects.filter(user_id__in=users)):
        read.setdefault(reminder.user_id, []).append(reminder)
    outcome: dict[str, int] = {}
    with get_connection() as mail:
        for digest_id in digest_ids:
            status = digest_send(digest_id, mail=mail, read=read)
            outcome[status] = outcome.get(status, 0) + 1
    return outcome


def _scheduled(reminders):
    """Scheduled reminders with everything a digest line prints, in the order it prints them."""
    return (
        reminders.filter(status=Reminder.Status.SCHEDULED)
        .select_related(
            "obligation",
            "obligation__milestone",
            "obligation__unit",
            "obligation__recipient",
            "obligation__directive",
            "obligation__directive__kind",
        )
        .order_by("due_date", "obligation__unit__path")
    )


@transaction.atomic
def digest_send(
    digest_id: int,
    *,
    mail: BaseEmailBackend | None = None,
    read: dict[int, list[Reminder]] | None = None,
) -> str:
    """Send one digest: idempotent under a row lock, so a retried or duplicated task finds
    it sent. The mail leaves inside the transaction: if the worker dies before the commit,
    the retry sends it again (the window is the SMTP call's last milliseconds), never zero.
    ``read``: the batch's scheduled reminders by user, read by digests_send after its
    cancel_done() pass; without it, this digest does both itself."""
    if read is None:
        cancel_done([digest_id])
    digest = (
        Digest.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(pk=digest_id)
        .first()
    )
    if digest is None:
        return "missing"
    if digest.status == Digest.Status.SENT:
        return "already sent"
    if digest.status == Digest.Status.SUPERSEDED:
        return "superseded"
    mine = Reminder.objects.filter(user=digest.user).filter(
        Q(digest__isnull=True) | Q(digest=digest)
    )
    reminders = [
        r for r in (read or {}).get(digest.user_id, []) if r.digest_id in (None, digest.pk)
    ]
    current = set(mine.filter(status=Reminder.Status.SCHEDULED).values_list("pk", flat=True))
    if current != {r.pk for r in reminders}:  # changed since the batch read them: read again
        reminders = list(_scheduled(mine))
    # Locked too: a digest of another day for the same user (a race around the scan) waits,
    # then finds them sent.
    events = list(
        with_events(
            _digest_notifications().filter(user=digest.user).select_for_update(of=("self",))
        ).order_by("pk")
    )
    now = timezone.now()
    if not reminders and not events:
        digest.status, digest.sent_at, digest.result = Digest.Status.SENT, now, "nothing pending"
        digest.save(update_fields=["status", "sent_at", "result"])
        return "nothing pending"
    base = settings.PORTAL_BASE_URL.rstrip("/")
    lines = [_line(r, digest.day) for r in reminders]
    news = [describe(n, digest.day) for n in events]
    body = "\n".join(
        [
            f"Kính gửi đồng chí {digest.user.get_full_name()},",
            "",
            *(
                [
                    f"Cổng sinh hoạt chính trị nhắc các việc sau (ngày {digest.day:%d/%m/%Y}):",
                    "",
                    *[f"- {title}\n  {base}{url}" for title, url in lines],
                    "",
                ]
                if lines
                else []
            ),
            *(
                [
                    "Thông báo mới:",
                    "",
                    *[f"- {shown.title}\n  {base}{shown.url}" for shown in news],
                    "",
                ]
                if news
                else []
            ),
            "Thư này được gửi tự động; mỗi ngày đồng chí nhận nhiều nhất một thư nhắc việc.",
        ]
    )
    counted = ", ".join(
        part
        for part in (
            f"{len(lines)} việc cần làm" if lines else "",
            f"{len(news)} thông báo mới" if news else "",
        )
        if part
    )
    heading = "Nhắc việc" if lines else "Thông báo"
    if digest.user.email:
        send_mail(
            subject=f"{heading} ngày {digest.day:%d/%m/%Y}: {counted}",
            message=body,
            from_email=None,
            recipient_list=[digest.user.email],
            connection=mail,
        )
        digest.result = f"e-mail to {digest.user.email}: {len(lines) + len(news)} item(s)"
    else:
        digest.result = f"no e-mail address; {len(lines) + len(news)} item(s) in the bell only"
    Notification.objects.filter(pk__in=[n.pk for n in events]).update(emailed_at=now)
    Notification.objects.bulk_create(
        [
            Notification(user=digest.user, reminder=r, title=title, url=url)
            for r, (title, url) in zip(reminders, lines, strict=True)
        ]
    )
    Reminder.objects.filter(pk__in=[r.pk for r in reminders]).update(
        status=Reminder.Status.SENT, digest=digest, sent_at=now
    )
    digest.status, digest.sent_at = Digest.Status.SENT, now
    digest.attempts = F("attempts") + 1
    digest.save(update_fields=["status", "sent_at", "result", "attempts"])
    return "sent"
