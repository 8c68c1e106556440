"""What passes from a unit that ends (merger, split, closure) to the successor taking over.

Open obligations (a plan not issued, no session held, a report not submitted) whose deadline
(without one: the campaign's last day) has not passed on the operation's day go to the
successor, which acts on them from that day; the figures still count them for the unit that
was expected (reports.figures). Where the successor already owes the same plan or report
itself, its own obligation answers for both (`merged_into`). Done work, and what was missed
before the day, stays with the unit, and so does what the successor itself asked of it (under
a directive the successor or one of its organs issued). Report drafts follow their obligation
(or the one it was merged into, when that has no report yet); scheduled reminders of people
who are not responsible at the successor are withdrawn, and the next scan reminds the
successor's people (reports.reminders).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping

from django.db.models import Case, Q, Value, When

from campaigns.models import Directive, Obligation
from units.models import Membership, Unit
from units.services import Handover

from .models import DELIVERED, ProgressReport, Reminder, SearchEntry
from .reminders import RESPONSIBLE_ROLES, session_held
from .search.index import index_documents

DONE_REPORT = [*DELIVERED, ProgressReport.Status.RETURNED]
# Kinds the successor answers once for itself and its predecessors.
MERGEABLE = (Obligation.Kind.IMPLEMENTING, Obligation.Kind.REPORT)


def open_obligations_q(day, *, sessions: bool = True) -> Q:
    """Obligations still open on `day`: not done, deadline not passed. A session counts as for
    the reminders: the recipient's, or the acting unit's since it took the obligation over.
    `sessions=False`: only plans and reports (a query without the sessions' two subqueries
    plans in a fraction of the time)."""
    undone = Q(kind=Obligation.Kind.IMPLEMENTING, fulfilled_at__isnull=True) | (
        Q(kind=Obligation.Kind.REPORT) & ~Q(report__status__in=DONE_REPORT)
    )
    if sessions:
        undone |= Q(kind=Obligation.Kind.SESSIONS) & ~session_held()
    return (
        Q(directive__status=Directive.Status.ISSUED)
        # Without a deadline of its own, the campaign's last day is the deadline: the work of a
        # campaign that ended before the day stays with the unit that owed it.
        & (Q(due_date__gte=day) | Q(due_date__isnull=True, directive__campaign__end_date__gte=day))
        & undone
    )


def asked_by(unit: Unit) -> Q:
    """Obligations under a directive `unit` issued itself or through one of its organs (its
    propaganda department): a committee does not owe its own department a plan or a report."""
    return Q(directive__issuer=unit) | Q(
        directive__issuer__kind__is_organ=True,
        directive__issuer__path__startswith=unit.path,
        directive__issuer__depth=unit.depth + 1,
    )


def hand_over(handover: Handover) -> None:
    """Pass the open work of the operation's predecessors to its successor, in a few
    statements for all of them: a file of thousands of operations ends thousands of units
    (bench/reorganise.py). Predecessors are taken in the order they ended: a later one's plan
    or report is merged into what an earlier one handed over, as into the successor's own."""
    successor, day, counts = handover.successor, handover.day, handover.counts
    pks = [unit.pk for unit in handover.predecessors]
    # Many units that end (a hamlet cell nobody sent a plan to) owe nothing: one index probe
    # before the joins.
    if not Obligation.objects.filter(unit_id__in=pks).exists():
        return
    # What the successor itself asked for stays with the unit that owed it.
    found = list(
        Obligation.objects.filter(open_obligations_q(day), unit_id__in=pks)
        .exclude(asked_by(successor))
        .order_by()
        .values_list("pk", "unit_id", "directive_id", "kind", "milestone_id", "merged_into_id")
    )
    # One merged into another moves with it: if that one is done, so is this (a merged report
    # has no report of its own to look at).
    principal = {(row[1], row[0]) for row in found if row[5] is None}
    moving = [row for row in found if row[5] is None or (row[1], row[5]) in principal]
    if not moving:
        return
    ids = [row[0] for row in moving]
    # From `day` on, the successor acts on it (also when it had been handed over before).
    Obligation.objects.filter(pk__in=ids).update(unit=successor, handed_over_on=day)
    counts["obligations_handed_over"] += len(ids)

    # The successor's own open plan or report for the same directive and milestone answers,
    # or the first predecessor's that came with the operation.
    into: dict[int, list[int]] = defaultdict(list)
    mergeable: dict[int, list[tuple]] = defaultdict(list)
    for row in moving:
        if row[3] in MERGEABLE and row[5] is None:
            mergeable[row[1]].append(row)
    if mergeable:
        own = {
            (directive_id, kind, milestone_id): pk
            for pk, directive_id, kind, milestone_id in Obligation.objects.filter(
                open_obligations_q(day, sessions=False),
                unit=successor,
                directive_id__in={row[2] for rows in mergeable.values() for row in rows},
                kind__in=MERGEABLE,
                merged_into__isnull=True,
            )
            .exclude(pk__in=ids)
            .order_by()
            .values_list("pk", "directive_id", "kind", "milestone_id")
        }
        for predecessor in pks:
            arrived: dict[tuple, int] = {}
            for pk, _unit, directive_id, kind, milestone_id, _into in mergeable[predecessor]:
                key = (directive_id, kind, milestone_id)
                target = own.get(key)
                if target is None:
                    arrived.setdefault(key, pk)
                else:
                    into[target].append(pk)
            own.update(arrived)
    merged = {pk: target for target, pks_ in into.items() for pk in pks_}
    if merged:
        Obligation.objects.filter(pk__in=list(merged)).update(
            merged_into=Case(*(When(pk=pk, then=Value(t)) for pk, t in merged.items()))
        )
        # Obligations that were answered by these now follow the successor's one directly.
        Obligation.objects.filter(merged_into__in=list(merged)).update(
            merged_into=Case(*(When(merged_into=pk, then=Value(t)) for pk, t in merged.items()))
        )
        counts["obligations_merged"] += len(merged)

    reports = {row[0]: row[5] for row in moving if row[3] == Obligation.Kind.REPORT}
    if reports:
        _move_drafts(reports, merged, successor, counts)

    scheduled = list(
        Reminder.objects.filter(obligation_id__in=ids, status=Reminder.Status.SCHEDULED)
        .order_by()
        .values_list("pk", "user_id", "obligation_id")
    )
    if not scheduled:  # the usual case: one index probe, not the join below
        return
    responsible = set(
        Membership.objects.active_on(day)
        .filter(unit=successor, role__in=RESPONSIBLE_ROLES)
        .values_list("user_id", flat=True)
    )
    answered = {row[0] for row in moving if row[5] is not None} | merged.keys()
    withdrawn = [
        pk
        for pk, user_id, obligation_id in scheduled
        if obligation_id in answered or user_id not in responsible
    ]
    if withdrawn:
        counts["reminders_withdrawn"] += Reminder.objects.filter(pk__in=withdrawn).update(
            status=Reminder.Status.HANDED_OVER
        )


def _move_drafts(
    reports: Mapping[int, int | None], merged: Mapping[int, int], successor: Unit, counts: Counter
) -> None:
    """Report drafts of the handed-over report obligations go to the successor; the newest
    draft of a report now merged carries on as the answering one's, if that has none yet."""
    merged_reports = {pk: t for pk, t in merged.items() if pk in reports}
    # One read for all: the reports of these obligations and of those they merged into.
    found = list(
        ProgressReport.objects.filter(obligation_id__in={*reports, *merged_reports.values()})
        .order_by("-updated_at", "-pk")
        .values_list("pk", "obligation_id", "status")
    )
    drafts = [
        pk
        for pk, obligation_id, status in found
        if status == ProgressReport.Status.DRAFT
        and obligation_id in reports
        and reports[obligation_id] is None
        and obligation_id not in merged
    ]
    if drafts:
        counts["report_drafts_moved"] += ProgressReport.objects.filter(pk__in=drafts).update(
            unit=successor
        )
        # update() sends no signal: the search entries name the unit that writes them.
        index_documents(SearchEntry.Kind.REPORT, drafts)
    if not merged_reports:
        return
    answered = {obligation_id for _pk, obligation_id, _status in found}
    newest: dict[int, int] = {}
    for pk, obligation_id, status in found:  # newest first
        if status == ProgressReport.Status.DRAFT and obligation_id in merged_reports:
            newest.setdefault(merged_reports[obligation_id], pk)
    for target, pk in newest.items():
        if target not in answered:
            draft = ProgressReport.objects.get(pk=pk)
            draft.obligation_id, draft.unit = target, successor
            draft.save(update_fields=["obligation", "unit"])
            counts["report_drafts_moved"] += 1
