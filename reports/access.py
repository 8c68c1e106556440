"""Gatekeepers of the reports app's objects: sessions, propaganda items, files, reports, the bell.

Sessions are logged for a unit or any unit below it (a committee's secretary may log for cells
without a portal user); a report is written only by its own unit's people and reviewed by those
who may approve for the issuer of the directive that asked for it. Every gate answers 404 for a
missing object and for one outside the user's scope alike.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from units.access import Capability, issuer_units_for, own_units_for, scope_q
from units.models import User

from .models import (
    Notification,
    ProgressReport,
    PropagandaItem,
    SessionAttachment,
    StudySession,
    reviewed_by_q,
)
from .notifications import with_events


def access_session(user: User, pk: int) -> StudySession:

    found = (
        StudySession.objects.filter(scope_q(user, Capability.CAPTURE, "unit__"), pk=pk)
        .select_related("unit", "unit__kind", "campaign")
        .first()
    )
    if found is None:
        raise Http404("Không tìm thấy buổi sinh hoạt.")
    return found


def access_propaganda(user: User, pk: int) -> PropagandaItem:
    """A propaganda item, for those who may log work for its unit (as sessions)."""

    found = (
        PropagandaItem.objects.filter(scope_q(user, Capability.CAPTURE, "unit__"), pk=pk)
        .select_related("unit", "campaign")
        .first()
    )
    if found is None:
        raise Http404("Không tìm thấy tin, bài.")
    return found


def access_attachment(user: User, pk: int) -> SessionAttachment:
    """A session's file, for anyone who sees the session's unit."""

    found = (
        SessionAttachment.objects.filter(scope_q(user, Capability.VIEW, "session__unit__"), pk=pk)
        .select_related("session")
        .first()
    )
    if found is None:
        raise Http404("Không tìm thấy tệp.")
    return found


def may_review(user: User, report: ProgressReport) -> bool:
    unit = report.reviewing_unit
    return (
        unit is not None and issuer_units_for(user, Capability.APPROVE).filter(pk=unit.pk).exists()
    )


def reports_visible_to(user: User) -> QuerySet[ProgressReport]:
    """Reports the user may read: those of units in their subtree, and those owed to a unit
    in it (the directive's issuer, or the unit that registered a directive from outside)."""
    return ProgressReport.objects.filter(
        scope_q(user, Capability.VIEW, "unit__")
        | scope_q(user, Capability.VIEW, "obligation__directive__issuer__")
        | scope_q(user, Capability.VIEW, "obligation__recipient__registered_by__")
    )


def access_report(
    user: User, pk: int, *, for_edit: bool = False, for_review: bool = False
) -> ProgressReport:
    """A progress report: seen by its unit's subtree viewers and by the directive's issuer side;
    written only by its own unit's people; reviewed by the issuing unit's own approvers."""

    reports = ProgressReport.objects.all()
    if for_edit:
        reports = reports.filter(unit__in=own_units_for(user, Capability.CAPTURE))
    elif for_review:
        # The unit that asked for the report reviews it (its staff, secretary or leaders), not
        # every approver above it.
        reports = reports.filter(reviewed_by_q(issuer_units_for(user, Capability.APPROVE)))
    else:
        reports = reports_visible_to(user)
    found = (
        reports.filter(pk=pk)
        .select_related(
            "unit",
            "unit__kind",
            "campaign",
            "obligation",
            "obligation__milestone",
            "obligation__directive",
            "obligation__directive__kind",
            "obligation__directive__issuer",
            "obligation__recipient",
            "obligation__recipient__registered_by",
        )
        .first()
    )
    if found is None:
        raise Http404("Không tìm thấy báo cáo.")
    return found


def access_notification(user: User, pk: int) -> Notification:
    """A notification is its addressee's alone; loaded with what its wording reads."""

    found = with_events(Notification.objects.filter(user=user, pk=pk)).first()
    if found is None:
        raise Http404("Không tìm thấy thông báo.")
    return found
