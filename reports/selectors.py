"""Reads for sessions, reports and dashboards, in a fixed number of queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from campaigns.access import campaigns_visible_to
from campaigns.models import Campaign, Directive, DirectiveRecipient, Milestone, Obligation
from reports.figures import Figures, rollup
from reports.models import ProgressReport, PropagandaItem, StudySession
from units.access import Capability, issuer_units_for
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
    """The unit's report deadlines in the campaign, each with its report when started."""
    return list(
        Obligation.objects.filter(
            recipient__unit=unit,
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
    first, with their secretaries' names: two queries."""
    today = today or timezone.localdate()
    submitted = [ProgressReport.Status.SUBMITTED, ProgressReport.Status.ACCEPTED]
    late = (
        Obligation.objects.filter(
            directive__campaign=campaign,
            directive__status=Directive.Status.ISSUED,
            recipient__unit__path__startswith=unit.path,
            due_date__lt=today,
        )
        .filter(
            Q(kind=Obligation.Kind.IMPLEMENTING, fulfilled_at__isnull=True)
            | (Q(kind=Obligation.Kind.REPORT) & ~Q(report__status__in=submitted))
        )
        .select_related("recipient__unit")
        .order_by("due_date", "recipient__unit__path")[: limit * 3]
    )
    found: dict[int, Overdue] = {}
    for obligation in late:
        if obligation.due_date is None:  # overdue means a deadline passed; the filter ensures one
            continue
        entry = found.get(obligation.recipient.unit_id)
        if entry is None:
            if len(found) == limit:
                continue
            entry = found[obligation.recipient.unit_id] = Overdue(
                unit=obligation.recipient.unit, items=[], secretaries=[]
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
    """Submitted reports answering directives of the units the user issues for."""
    return (
        ProgressReport.objects.filter(
            status=ProgressReport.Status.SUBMITTED,
            obligation__directive__issuer__in=issuer_units_for(user, Capability.APPROVE),
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
