"""Reads for sessions, reports and dashboards, in a fixed number of queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum

from django.db.models import (
    Case,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.urls import reverse
from django.utils import timezone

from campaigns.access import campaigns_visible_to
from campaigns.models import Campaign, Directive, DirectiveRecipient, Milestone, Obligation
from campaigns.selectors import implements_for
from reports.figures import Figures, rollup
from reports.models import (
    DELIVERED,
    ProgressReport,
    PropagandaItem,
    StudySession,
    reviewed_by_q,
)
from reports.reminders import counted_sessions
from units.access import Capability, can, issuer_units_for, own_units_for
from units.models import Membership, Role, Unit, User


def campaigns_of_unit(user: User, unit: Unit) -> QuerySet[Campaign]:
    """Campaigns the user sees in which the unit was sent something (or which it owns)."""
    # A semi-join rather than a join over every recipient row + DISTINCT (bench/dashboard.py).
    sent_to_subtree = DirectiveRecipient.objects.filter(
        directive__campaign=OuterRef("pk"),
        directive__status=Directive.Status.ISSUED,
        unit__path__startswith=unit.path,
    )
    return (
        campaigns_visible_to(user)
        .filter(Q(owner=unit) | Exists(sent_to_subtree))
        .order_by("-start_date", "-pk")
    )


def unit_sessions(unit: Unit, campaign: Campaign) -> QuerySet[StudySession]:
    return (
        StudySession.objects.filter(unit=unit, campaign=campaign)
        .prefetch_related("attachments")
        .order_by("-held_on", "-pk")
    )


def unit_propaganda(unit: Unit, campaign: Campaign) -> QuerySet[PropagandaItem]:
    return PropagandaItem.objects.filter(unit=unit, campaign=campaign).order_by("-published_on")


def unit_report_obligations(unit: Unit, campaign: Campaign) -> list[Obligation]:
    """The report deadlines the unit acts on in the campaign (its own, those handed over to it;
    not one merged into another), each with its report when started."""
    return list(
        Obligation.objects.filter(
            unit=unit,
            merged_into__isnull=True,
            kind=Obligation.Kind.REPORT,
            directive__campaign=campaign,
            directive__status=Directive.Status.ISSUED,
        )
        .select_related("milestone", "directive", "directive__kind", "report")
        .order_by("due_date")
    )


def report_milestones(campaign: Campaign, unit: Unit) -> list[Milestone]:
    """The report milestones a unit's leaders filter by: those of the directives it issued (or
    its organs did) and of those it received. Not every plan's below: over a province that was
    1,756 options (bench/dashboard.py)."""
    organs = Unit.objects.filter(
        path__startswith=unit.path, depth=unit.depth + 1, kind__is_organ=True
    )
    received = DirectiveRecipient.objects.filter(directive=OuterRef("directive"), unit=unit)
    return list(
        Milestone.objects.filter(
            Q(directive__issuer=unit) | Q(directive__issuer__in=organs) | Q(Exists(received)),
            kind=Milestone.Kind.REPORT_DUE,
            directive__campaign=campaign,
            directive__status=Directive.Status.ISSUED,
        )
        .select_related("directive", "directive__kind")
        .order_by("due_date", "due_month", "pk")
    )


@dataclass
class Overdue:
    """A unit past one or more deadlines, with what it owes and whom to call."""

    unit: Unit
    items: list[tuple[str, datetime.date]]
    secretaries: list[str]


def overdue_units(
    campaign: Campaign, unit: Unit, *, today: datetime.date | None = None, limit: int = 50
) -> list[Overdue]:
    """Units of the subtree past a deadline (report not sent, plan not issued), earliest
    first, with their secretaries' names: two queries. The unit that acts on the work is the
    one to call: a successor for what it took over; a closed unit, which nobody can call, is
    left out (what it missed stays in the figures)."""
    today = today or timezone.localdate()
    submitted = DELIVERED
    late = (
        Obligation.objects.filter(
            Q(unit__closed_on__isnull=True) | Q(unit__closed_on__gt=today),
            directive__campaign=campaign,
            directive__status=Directive.Status.ISSUED,
            unit__path__startswith=unit.path,
            due_date__lt=today,
            merged_into__isnull=True,
        )
        .filter(
            Q(kind=Obligation.Kind.IMPLEMENTING, fulfilled_at__isnull=True)
            | (Q(kind=Obligation.Kind.REPORT) & ~Q(report__status__in=submitted))
        )
        .select_related("unit")
        .order_by("due_date", "unit__path")[: limit * 3]
    )
    found: dict[int, Overdue] = {}
    for obligation in late:
        if obligation.due_date is None:  # overdue means a deadline passed; the filter ensures one
            continue
        entry = found.get(obligation.unit_id)
        if entry is None:
            if len(found) == limit:
                continue
            entry = found[obligation.unit_id] = Overdue(
                unit=obligation.unit, items=[], secretaries=[]
            )
        entry.items.append((obligation.get_kind_display(), obligation.due_date))
    for membership in (
        Membership.objects.active()
        .filter(unit_id__in=found, role=Role.SECRETARY)
        .select_related("user")
        .order_by("user__full_name")
    ):
        found[membership.unit_id].secretaries.append(membership.user.get_full_name())
    return list(found.values())


def reports_to_review(user: User) -> QuerySet[ProgressReport]:
    """Submitted reports waiting for the units the user approves for (`reviewed_by_q`)."""
    return (
        ProgressReport.objects.filter(
            reviewed_by_q(issuer_units_for(user, Capability.APPROVE)),
            status=ProgressReport.Status.SUBMITTED,
        )
        .select_related(
            "unit", "obligation", "obligation__directive", "obligation__directive__kind"
        )
        .order_by("submitted_at")
    )


def report_figures(report: ProgressReport) -> dict:
    """The report's figures as of now, and the children that have not reported."""
    result = rollup(report.campaign, report.unit, due_by=report.obligation.due_date)
    data = result.total.as_dict()
    # Report counts are of the units below: the unit's own report is the one being written.
    below = sum((row.figures for row in result.children), Figures())
    for name in ("expected", "on_time", "late", "missing", "pending", "submitted"):
        data[f"reports_{name}"] = getattr(below, f"reports_{name}")
    data["children"] = [
        {"unit": row.unit.name, "code": row.unit.code, **row.figures.as_dict()}
        for row in result.children
        if row.figures.expected_units or row.figures.reports_expected
    ]
    data["not_reported"] = [
        row.unit.name
        for row in result.children
        if row.figures.reports_missing or row.figures.reports_pending
    ]
    return data


# ---------------------------------------------------------------------------- the home to-do list


class Tone(StrEnum):
    """A state's colour (a Bootstrap `text-bg-*` class), always shown with its words."""

    OVERDUE = "danger"
    SOON = "warning"
    LATER = "secondary"
    DONE = "success"


SOON_DAYS = 7  # work due within this many days is amber
# A campaign ended longer ago than this is history: what it left undone stays on the unit's work
# page and the dashboards, not at the top of every home page for ever.
HISTORY_AFTER_DAYS = 30
_TONE_ORDER = {Tone.OVERDUE: 0, Tone.SOON: 1, Tone.LATER: 2, Tone.DONE: 3}
_KIND_ORDER: dict[str, int] = {
    Obligation.Kind.IMPLEMENTING: 0,
    Obligation.Kind.SESSIONS: 1,
    Obligation.Kind.REPORT: 2,
}


class Stage(IntEnum):
    """Where an obligation stands for the unit that owes it, in the order the list shows them."""

    OWED = 0  # the unit must act: nothing done yet, a draft under way, a report returned
    WAITING = 1  # sent up, waiting for the issuer's review
    DONE = 2


@dataclass(frozen=True)
class Action:
    """What the unit does next on an obligation: a link, or a form posted (`post`)."""

    label: str
    url: str
    post: bool = False


@dataclass
class TodoItem:
    """One obligation of the user's unit as the home page shows it: its state in words, the
    colour and words of its deadline, and the next action (None when the user has none)."""

    obligation: Obligation
    stage: Stage
    label: str  # "Tổ chức sinh hoạt", "Đã tổ chức 2 buổi", "Bị trả lại – sửa và gửi lại"…
    tone: Tone
    badge: str  # "Quá hạn 3 ngày", "Còn 5 ngày", "Hạn 10/10/2024", "Chờ duyệt", "Đã xong"
    action: Action | None = None
    returned: bool = False  # a report sent back for correction
    comment: str = ""  # the reviewer's, on a returned report
    issuer_options: list[Unit] = field(default_factory=list)  # who may answer it with a plan

    @property
    def unit(self) -> Unit:
        """The unit acting on it: the recipient, or the successor it was handed over to."""
        return self.obligation.unit

    @property
    def directive(self) -> Directive:
        return self.obligation.directive

    @property
    def is_done(self) -> bool:
        return self.stage == Stage.DONE

    @property
    def needs_action(self) -> bool:
        return self.stage == Stage.OWED

    def urgency(self) -> tuple:
        """Owed work first, most overdue first, then due soonest; a returned report before
        other work due the same day; then what waits for review; done work last."""
        due = self.obligation.due_date or datetime.date.max
        return (
            self.stage,
            _TONE_ORDER[self.tone],
            due,
            not self.returned,
            _KIND_ORDER.get(self.obligation.kind, 9),
            self.obligation.pk,
        )


TODO_LIMIT = 30


def unit_todo(
    user: User, *, today: datetime.date | None = None, limit: int = TODO_LIMIT
) -> list[TodoItem]:
    """What the user's own units (and their organs) owe under the directives they received in
    campaigns not yet history, and what they took over from units merged, split or closed into
    them, each with its true state, sorted by urgency: two queries, whatever the size of the
    tree. One merged into the unit's own obligation is not listed apart from it.

    A session logged counts at once ("Đã tổ chức N buổi"); a report's state is its own (draft,
    returned with the comment, submitted, accepted); a plan is owed until it is issued. The
    database orders owed work first and by deadline, so the `limit` kept holds the most urgent;
    the finer order (colour, returned reports first) is applied here to that page.
    """
    today = today or timezone.localdate()
    issuers = list(issuer_units_for(user))
    # A draft left by a unit that has since ended is not the successor's to go on with.
    drafts = Directive.objects.filter(
        responds_to_id=OuterRef("recipient_id"),
        status=Directive.Status.DRAFT,
        issuer__closed_on__isnull=True,
    ).order_by("-pk")
    open_report = Q(report__isnull=True) | Q(
        report__status__in=[ProgressReport.Status.DRAFT, ProgressReport.Status.RETURNED]
    )
    obligations = (
        Obligation.objects.filter(
            unit__in=[unit.pk for unit in issuers],
            merged_into__isnull=True,
            directive__status=Directive.Status.ISSUED,
            directive__campaign__end_date__gte=today - datetime.timedelta(days=HISTORY_AFTER_DAYS),
        )
        .annotate(
            sessions_held=_count_of(counted_sessions()),
            draft_id=Subquery(drafts.values("pk")[:1]),
            stage=Case(
                When(
                    Q(kind=Obligation.Kind.IMPLEMENTING, fulfilled_at__isnull=True)
                    | Q(kind=Obligation.Kind.SESSIONS, sessions_held=0)
                    | (Q(kind=Obligation.Kind.REPORT) & open_report),
                    then=Value(Stage.OWED),
                ),
                When(
                    kind=Obligation.Kind.REPORT,
                    report__status=ProgressReport.Status.SUBMITTED,
                    then=Value(Stage.WAITING),
                ),
                default=Value(Stage.DONE),
                output_field=IntegerField(),
            ),
        )
        .select_related(
            "unit",
            "recipient",
            "directive__kind",
            "directive__issuer",
            "milestone",
            "report",
            "fulfilled_by__kind",
        )
        .order_by("stage", F("due_date").asc(nulls_last=True), "pk")[:limit]
    )
    may_capture = {unit.pk for unit in own_units_for(user, Capability.CAPTURE)}
    items = [_todo_item(user, o, today, may_capture, issuers) for o in obligations]
    return sorted(items, key=TodoItem.urgency)


def next_action(items: list[TodoItem]) -> TodoItem | None:
    """The most urgent owed work the user can act on: the home page's main button."""
    return next((i for i in items if i.stage == Stage.OWED and i.action is not None), None)


def _count_of(rows: QuerySet) -> Subquery:
    return Subquery(
        rows.order_by().values(n=Func(template="COUNT(*)", output_field=IntegerField())),
        output_field=IntegerField(),
    )


def _deadline(due: datetime.date | None, today: datetime.date) -> tuple[Tone, str]:
    if due is None:
        return Tone.LATER, "Chưa có hạn"
    days = (due - today).days
    if days < 0:
        return Tone.OVERDUE, f"Quá hạn {-days} ngày"
    if days == 0:
        return Tone.SOON, "Hạn hôm nay"
    if days <= SOON_DAYS:
        return Tone.SOON, f"Còn {days} ngày"
    return Tone.LATER, f"Hạn {due:%d/%m/%Y}"


def _todo_item(
    user: User,
    obligation: Obligation,
    today: datetime.date,
    may_capture: set[int],
    issuers: list[Unit],
) -> TodoItem:
    stage = Stage(obligation.stage)  # type: ignore[attr-defined]  # annotated above
    unit = obligation.unit
    tone, badge = _deadline(obligation.due_date, today)
    if stage == Stage.DONE:
        tone, badge = Tone.DONE, "Đã xong"
    elif stage == Stage.WAITING:
        tone, badge = Tone.LATER, "Chờ duyệt"
    item = TodoItem(obligation=obligation, stage=stage, label="", tone=tone, badge=badge)
    if obligation.kind == Obligation.Kind.SESSIONS:
        held = obligation.sessions_held  # type: ignore[attr-defined]  # annotated above
        item.label = f"Đã tổ chức {held} buổi" if held else str(Obligation.Kind.SESSIONS.label)
        if can(user, Capability.CAPTURE, unit):
            create = reverse("reports:session_create", args=[unit.pk])
            label = "Ghi thêm buổi sinh hoạt" if held else "Ghi buổi sinh hoạt"
            item.action = Action(label, f"{create}?campaign={obligation.directive.campaign_id}")
    elif obligation.kind == Obligation.Kind.REPORT:
        _report_state(item, obligation, unit.pk in may_capture)
    else:
        _plan_state(item, obligation, issuers)
    if obligation.unit_id != obligation.recipient.unit_id:  # handed over: say whose it was
        item.label = f"{item.label} (tiếp nhận từ {obligation.recipient.unit_name})"
    return item


def _report_state(item: TodoItem, obligation: Obligation, may_write: bool) -> None:
    report: ProgressReport | None = getattr(obligation, "report", None)
    title = obligation.milestone.title if obligation.milestone else ""
    named = str(Obligation.Kind.REPORT.label) + (f" ({title})" if title else "")
    if report is None:
        item.label = named
        if may_write:
            url = reverse("reports:report_start", args=[obligation.pk])
            item.action = Action("Làm báo cáo", url, post=True)
        return
    Status = ProgressReport.Status
    item.label = {
        Status.DRAFT: f"{named} – đang soạn, chưa gửi",
        Status.RETURNED: "Bị trả lại – sửa và gửi lại",
        Status.SUBMITTED: "Đã gửi, chờ duyệt",
        Status.ACCEPTED: "Báo cáo đã được tiếp nhận",
        Status.SENT: "Báo cáo đã gửi cơ quan ngoài Cổng",
    }[Status(report.status)]
    if report.status == Status.RETURNED:
        item.returned = True
        item.comment = report.review_comment
        if item.tone != Tone.OVERDUE:  # returned work is for now, whatever its deadline
            item.tone = Tone.SOON
    if report.is_editable and may_write:
        label = "Sửa và gửi lại" if report.status == Status.RETURNED else "Tiếp tục làm báo cáo"
        item.action = Action(label, reverse("reports:report_edit", args=[report.pk]))
    else:
        item.action = Action("Xem báo cáo", report.get_absolute_url())


def _plan_state(item: TodoItem, obligation: Obligation, issuers: list[Unit]) -> None:
    draft_id = obligation.draft_id  # type: ignore[attr-defined]  # annotated above
    if obligation.fulfilled_by is not None:
        item.label = f"Đã ban hành {obligation.fulfilled_by.display_title}"
        item.action = Action("Xem văn bản", obligation.fulfilled_by.get_absolute_url())
    elif obligation.fulfilled_at is not None:
        item.label = "Đã ban hành văn bản thực hiện"
    elif draft_id is not None:
        item.label = "Văn bản thực hiện đang soạn, chưa ban hành"
        item.action = Action(
            "Tiếp tục soạn văn bản thực hiện", reverse("campaigns:directive_edit", args=[draft_id])
        )
    else:
        item.label = str(Obligation.Kind.IMPLEMENTING.label)
        unit = obligation.unit
        item.issuer_options = [u for u in issuers if implements_for(u, unit)]
        url = reverse("campaigns:directive_implement", args=[obligation.recipient_id])
        item.action = Action("Tạo văn bản thực hiện", url, post=True)
