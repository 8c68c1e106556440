"""What passes from a unit that ends (merger, split, closure) to the successor taking over.

Open obligations (a plan not issued, no session held, a report not submitted) whose deadline
has not passed on the operation's day go to the successor, which acts on them from that day;
the figures still count them for the unit that was expected (reports.figures). Where the
successor already owes the same plan or report itself, its own obligation answers for both
(`merged_into`). Done work, and what was missed before the day, stays with the unit. Report
drafts follow their obligation; scheduled reminders of people who are not responsible at the
successor are withdrawn, and the next scan reminds the successor's people.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Exists, OuterRef, Q

from campaigns.models import Directive, Obligation
from units.models import Membership
from units.services import Handover

from .models import DELIVERED, ProgressReport, Reminder, StudySession
from .reminders import RESPONSIBLE_ROLES

DONE_REPORT = [*DELIVERED, ProgressReport.Status.RETURNED]
# Kinds the successor answers once for itself and its predecessors.
MERGEABLE = (Obligation.Kind.IMPLEMENTING, Obligation.Kind.REPORT)


def open_obligations_q(day) -> Q:
    """Obligations still open on `day`: not done, deadline not passed."""
    held = StudySession.objects.filter(
        unit_id=OuterRef("unit_id"), campaign_id=OuterRef("directive__campaign_id")
    )
    return (
        Q(directive__status=Directive.Status.ISSUED)
        & (Q(due_date__isnull=True) | Q(due_date__gte=day))
        & (
            Q(kind=Obligation.Kind.IMPLEMENTING, fulfilled_at__isnull=True)
            | (Q(kind=Obligation.Kind.REPORT) & ~Q(report__status__in=DONE_REPORT))
            | (Q(kind=Obligation.Kind.SESSIONS) & ~Q(Exists(held)))
        )
    )


def hand_over(handover: Handover) -> None:
    predecessor, successor, day = handover.predecessor, handover.successor, handover.day
    moving = list(
        Obligation.objects.filter(open_obligations_q(day), unit=predecessor).values_list(
            "pk", "directive_id", "kind", "milestone_id", "merged_into_id"
        )
    )
    if not moving:
        return
    ids = [row[0] for row in moving]
    Obligation.objects.filter(pk__in=ids).update(unit=successor)
    Obligation.objects.filter(pk__in=ids, handed_over_on__isnull=True).update(handed_over_on=day)
    handover.counts["obligations_handed_over"] += len(ids)

    # The successor's own open plan or report for the same directive and milestone answers.
    own = {
        (o.directive_id, o.kind, o.milestone_id): o.pk
        for o in Obligation.objects.filter(
            open_obligations_q(day),
            unit=successor,
            kind__in=MERGEABLE,
            merged_into__isnull=True,
        ).exclude(pk__in=ids)
    }
    into: dict[int, list[int]] = defaultdict(list)
    for pk, directive_id, kind, milestone_id, merged_into_id in moving:
        target = own.get((directive_id, kind, milestone_id))
        if target is not None and merged_into_id is None:
            into[target].append(pk)
    for target, pks in into.items():
        Obligation.objects.filter(pk__in=pks).update(merged_into=target)
        # Obligations that were answered by these now follow the successor's one directly.
        Obligation.objects.filter(merged_into__in=pks).update(merged_into=target)
        handover.counts["obligations_merged"] += len(pks)

    drafts = ProgressReport.objects.filter(
        obligation_id__in=ids, status=ProgressReport.Status.DRAFT
    ).exclude(obligation__merged_into__isnull=False)
    handover.counts["report_drafts_moved"] += drafts.update(unit=successor)

    responsible = Membership.objects.active_on(day).filter(
        unit=successor, role__in=RESPONSIBLE_ROLES
    )
    withdrawn = Reminder.objects.filter(
        Q(obligation__merged_into__isnull=False) | ~Q(user__in=responsible.values("user")),
        obligation_id__in=ids,
        status=Reminder.Status.SCHEDULED,
    )
    handover.counts["reminders_withdrawn"] += withdrawn.update(status=Reminder.Status.HANDED_OVER)
