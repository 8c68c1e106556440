"""Mergers, splits and closures of units, each ordered by a decision and dated.

A unit that ends (merged away, split, dissolved) is closed from the operation's date and stays
in the tree, read-only: it moves under the successor that takes over its work, so that the
successor's figures include what its predecessors were expected to do and did, and the
dashboards drill down to each predecessor. Its open child units move to a successor; its
people's roles end the day before the date and are carried over as the operator chose; what
it still owed passes to the successor through the hand-over hooks of the layers above
(`on_handover`: obligations, reports in draft and reminders live in those apps), in the same
transaction. Earlier paths are kept (`UnitPathRecord`) so that a past day's tree can be shown.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ..access import Capability
from ..events import EventKind, record_event
from ..models import (
    Lineage,
    Membership,
    Reorganisation,
    ReorganisationBatch,
    Role,
    Unit,
    UnitKind,
    User,
)
from ..tabular import normalise
from .units import _require, remember_paths

ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Decision:
    """The decision that ordered an operation: "Quyết định số 123-QĐ/TU ngày … của …"."""

    number: str
    date: datetime.date | None = None
    body: str = ""
    note: str = ""


@dataclass
class NewUnit:
    """A unit an operation creates (the new unit of a merger, a part of a split)."""

    code: str
    name: str
    kind: UnitKind
    parent: Unit | None = None  # default: the predecessor's parent
    short_name: str = ""
    symbol_code: str = ""
    place_name: str = ""
    member_count: int | None = None  # default: summed from the predecessors


@dataclass
class CarryOver:
    """One person's role in a unit that ends, and where (if anywhere) it carries on."""

    membership: Membership
    successor: Unit | None  # None: the role ends with the unit
    role: str = ""
    position: str = ""


@dataclass
class Handover:
    """What a predecessor still owes passes to `successor` from `day` (for the hooks)."""

    operation: Reorganisation
    predecessor: Unit
    successor: Unit
    day: datetime.date
    actor: User | None
    counts: Counter = field(default_factory=Counter)


HandoverHook = Callable[[Handover], None]
_handover_hooks: list[HandoverHook] = []


def on_handover(hook: HandoverHook) -> HandoverHook:
    """Register, once (an app's ready()), what moves from a predecessor to its successor.

    Hooks run inside the operation's transaction, in registration order; an exception in one
    undoes the whole operation.
    """
    if hook not in _handover_hooks:
        _handover_hooks.append(hook)
    return hook


# ---------------------------------------------------------------------------- checks


def _check_day(day: datetime.date, units: Iterable[Unit]) -> None:
    if day > timezone.localdate():
        raise ValidationError(
            "Ngày có hiệu lực không được sau hôm nay: hãy nhập việc sắp xếp vào ngày nó có hiệu lực.",
            code="reorganise_in_future",
        )
    for unit in units:
        if unit.closed_on is not None:
            raise ValidationError(
                "%(unit)s đã không còn từ ngày %(day)s.",
                code="already_closed",
                params={"unit": unit.name, "day": unit.closed_on.strftime("%d/%m/%Y")},
            )
        if unit.opened_on is not None and day <= unit.opened_on:
            raise ValidationError(
                "Ngày có hiệu lực phải sau ngày %(day)s, ngày thành lập %(unit)s.",
                code="before_opened",
                params={"unit": unit.name, "day": unit.opened_on.strftime("%d/%m/%Y")},
            )


def _check_decision(decision: Decision) -> Decision:
    number = normalise(decision.number)
    if not number:
        raise ValidationError("Hãy ghi số quyết định (ví dụ 123-QĐ/TU).", code="decision_missing")
    return Decision(
        number=number,
        date=decision.date,
        body=normalise(decision.body),
        note=decision.note.strip(),
    )


def _locked(units: Sequence[Unit]) -> list[Unit]:
    """The units re-read under a row lock: two operations on one unit run one after the other."""
    by_pk = Unit.objects.select_for_update().select_related("kind").in_bulk([u.pk for u in units])
    return [by_pk[u.pk] for u in units]


def _parent(unit: Unit) -> Unit | None:
    if unit.depth <= 1:
        return None
    return Unit.objects.get(path=unit.path[: -Unit.steplen])


# ---------------------------------------------------------------------------- tree changes


def _move(unit: Unit, new_parent: Unit, day: datetime.date) -> Unit:
    remember_paths([unit], day)
    Unit.objects.move(unit, new_parent, "last-child")
    unit.refresh_from_db()
    return unit


def _create(spec: NewUnit, parent: Unit, day: datetime.date) -> Unit:
    _require_open(parent)
    unit = Unit(
        kind=spec.kind,
        code=normalise(spec.code),
        name=normalise(spec.name),
        short_name=normalise(spec.short_name),
        symbol_code=normalise(spec.symbol_code),
        place_name=normalise(spec.place_name) or parent.place_name,
        member_count=spec.member_count or 0,
        opened_on=day,
        name_since=day,
    )
    unit.full_clean(exclude=["path", "depth"])
    return Unit.objects.add_child(parent, instance=unit)


def _require_open(unit: Unit) -> None:
    if unit.closed_on is not None:
        raise ValidationError(
            "%(unit)s đã không còn hoạt động: không thể nhận đơn vị hay công việc mới.",
            code="successor_closed",
            params={"unit": unit.name},
        )


def _open_children(unit: Unit) -> list[Unit]:
    return list(
        Unit.objects.filter(
            path__startswith=unit.path, depth=unit.depth + 1, closed_on__isnull=True
        ).order_by("path")
    )


# ---------------------------------------------------------------------------- people


def proposed_carry_over(
    predecessor: Unit, successor: Unit | None, day: datetime.date
) -> list[CarryOver]:
    """Everyone holding a role in `predecessor` on or after `day`, carried over as they were."""
    return [
        CarryOver(membership=m, successor=successor, role=m.role, position=m.position)
        for m in _memberships_from(predecessor, day).select_related("user")
    ]


def _memberships_from(unit: Unit, day: datetime.date):
    return Membership.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=day), unit=unit
    ).order_by("role", "pk")


def _end_memberships(
    actor: User | None,
    unit: Unit,
    day: datetime.date,
    carry_over: Sequence[CarryOver] | None,
    default_successor: Unit | None,
    counts: Counter,
) -> None:
    """End every role in `unit` the day before `day`; start the carried-over ones on `day`."""
    plan = {c.membership.pk: c for c in carry_over or ()}
    for membership in _memberships_from(unit, day).select_related("user"):
        choice = plan.get(membership.pk)
        if carry_over is None:
            choice = CarryOver(membership, default_successor, membership.role, membership.position)
        membership.end_date = max(day - ONE_DAY, membership.start_date or day - ONE_DAY)
        membership.save(update_fields=["end_date"])
        counts["memberships_ended"] += 1
        record_event(
            kind=EventKind.MEMBERSHIP_ENDED,
            actor=actor,
            unit=unit,
            target=membership,
            data={"end_date": membership.end_date.isoformat(), "reorganised": True},
        )
        if choice is None or choice.successor is None:
            continue
        role = choice.role or membership.role
        if role not in Role.values:
            raise ValidationError("Vai trò không hợp lệ.", code="bad_role")
        if (
            Membership.objects.active_on(day)
            .filter(user=membership.user, unit=choice.successor, role=role)
            .exists()
        ):
            continue  # already holds that role there
        carried = Membership.objects.create(
            user=membership.user,
            unit=choice.successor,
            role=role,
            position=normalise(choice.position) if choice.position else membership.position,
            start_date=day,
        )
        counts["memberships_carried"] += 1
        record_event(
            kind=EventKind.MEMBERSHIP_GRANTED,
            actor=actor,
            unit=choice.successor,
            target=carried,
            data={"reorganised": True},
        )


# ---------------------------------------------------------------------------- one predecessor


def _end_unit(
    *,
    operation: Reorganisation,
    actor: User | None,
    unit: Unit,
    successor: Unit | None,
    takes_over_work: bool,
    day: datetime.date,
    carry_over: Sequence[CarryOver] | None,
    child_targets: Mapping[int, Unit] | None = None,
    counts: Counter,
) -> None:
    """Close `unit` from `day`: children, people and open work to successors, lineage kept."""
    default_target = successor or _parent(unit)
    for child in _open_children(unit):
        target = (child_targets or {}).get(child.pk) or default_target
        if target is None:
            raise ValidationError(
                "%(unit)s còn đơn vị trực thuộc đang hoạt động: hãy chọn đơn vị nhận.",
                code="children_orphaned",
                params={"unit": unit.name},
            )
        _move(child, target, day)
        counts["children_moved"] += 1
    _end_memberships(actor, unit, day, carry_over, successor, counts)
    if successor is not None and takes_over_work:
        if not unit.path.startswith(successor.path) or unit.depth != successor.depth + 1:
            unit = _move(unit, successor, day)
        handover = Handover(
            operation=operation,
            predecessor=unit,
            successor=successor,
            day=day,
            actor=actor,
            counts=counts,
        )
        for hook in _handover_hooks:
            hook(handover)
    unit.closed_on = day
    unit.is_active = False
    unit.save(update_fields=["closed_on", "is_active"])
    counts["units_closed"] += 1
    Lineage.objects.create(
        operation=operation, predecessor=unit, successor=successor, takes_over_work=takes_over_work
    )


def _operation(
    kind: str, actor: User | None, day: datetime.date, decision: Decision, batch
) -> Reorganisation:
    return Reorganisation.objects.create(
        kind=kind,
        effective_date=day,
        decision_number=decision.number,
        decision_date=decision.date,
        decision_body=decision.body,
        note=decision.note,
        batch=batch,
        recorded_by=actor if actor is not None and actor.pk else None,
    )


def _finish(
    operation: Reorganisation, actor: User | None, successors: Iterable[Unit], counts: Counter
) -> Reorganisation:
    operation.summary = dict(sorted(counts.items()))
    operation.save(update_fields=["summary"])
    for unit in successors:
        record_event(
            kind=EventKind.UNIT_REORGANISED,
            actor=actor,
            unit=unit,
            target=operation,
            data={"kind": operation.kind, "decision": operation.decision_text},
        )
    return operation


# ---------------------------------------------------------------------------- operations


@transaction.atomic
def unit_merge(
    *,
    actor: User | None,
    predecessors: Sequence[Unit],
    day: datetime.date,
    decision: Decision,
    into: Unit | None = None,
    new: NewUnit | None = None,
    carry_over: Sequence[CarryOver] | None = None,
    batch: ReorganisationBatch | None = None,
) -> Reorganisation:
    """Merge units into a new one (`new`) or into one of them (`into`, which carries on).

    The successor's member count is the one given, or the sum of the merged units'.
    `carry_over` None carries everyone over with their role; [] carries nobody.
    """
    if (into is None) == (new is None):
        raise ValueError("unit_merge needs exactly one of `into` and `new`")
    decision = _check_decision(decision)
    ending = [u for u in predecessors if into is None or u.pk != into.pk]
    if len({u.pk for u in ending}) != len(ending):
        raise ValidationError("Một đơn vị được ghi hai lần.", code="duplicate_unit")
    if len(ending) + (into is not None) < 2:
        raise ValidationError("Hợp nhất cần ít nhất hai đơn vị.", code="merge_too_few")
    ending = _locked(ending)
    for unit in ending:
        _require(actor, Capability.MANAGE, unit)
    _check_day(day, [*ending, *([into] if into else [])])
    counts: Counter = Counter()
    operation = _operation(Reorganisation.Kind.MERGE, actor, day, decision, batch)
    if new is None:
        assert into is not None  # noqa: S101 (checked above; for the type checker)
        successor = _locked([into])[0]
        _require(actor, Capability.MANAGE, successor)
        total = successor.member_count + sum(u.member_count for u in ending)
    else:
        parent = new.parent or _parent(ending[0])
        if parent is None:
            raise ValidationError("Hãy chọn đơn vị cấp trên của đơn vị mới.", code="no_parent")
        _require(actor, Capability.MANAGE, parent)
        successor = _create(new, parent, day)
        counts["units_opened"] += 1
        total = sum(u.member_count for u in ending)
    for unit in ending:
        if successor.path.startswith(unit.path):
            raise ValidationError(
                "Không thể hợp nhất %(unit)s vào đơn vị trực thuộc của nó.",
                code="merge_into_own_subtree",
                params={"unit": unit.name},
            )
        _end_unit(
            operation=operation,
            actor=actor,
            unit=unit,
            successor=successor,
            takes_over_work=True,
            day=day,
            carry_over=carry_over,
            counts=counts,
        )
    wanted = new.member_count if new is not None and new.member_count is not None else total
    if successor.member_count != wanted:
        successor.member_count = wanted
        successor.save(update_fields=["member_count"])
    return _finish(operation, actor, [successor], counts)


@transaction.atomic
def unit_split(
    *,
    actor: User | None,
    unit: Unit,
    parts: Sequence[NewUnit],
    day: datetime.date,
    decision: Decision,
    takes_over: int = 0,
    children: Mapping[int, int] | None = None,
    carry_over: Sequence[CarryOver] | None = None,
    batch: ReorganisationBatch | None = None,
) -> Reorganisation:
    """Split a unit into new ones; `parts[takes_over]` takes over its open work.

    `children` maps an open child unit's pk to the index of the part it goes to (default: the
    part taking over). A part without a member count gets what the others leave.
    """
    decision = _check_decision(decision)
    if len(parts) < 2:
        raise ValidationError("Chia tách cần ít nhất hai đơn vị mới.", code="split_too_few")
    if not 0 <= takes_over < len(parts):
        raise ValueError("takes_over is not the index of a part")
    (unit,) = _locked([unit])
    _require(actor, Capability.MANAGE, unit)
    _check_day(day, [unit])
    counts: Counter = Counter()
    operation = _operation(Reorganisation.Kind.SPLIT, actor, day, decision, batch)
    given = sum(p.member_count or 0 for p in parts)
    unset = [p for p in parts if p.member_count is None]
    created: list[Unit] = []
    for spec in parts:
        parent = spec.parent or _parent(unit)
        if parent is None:
            raise ValidationError("Hãy chọn đơn vị cấp trên của đơn vị mới.", code="no_parent")
        if parent.path.startswith(unit.path):
            raise ValidationError(
                "Đơn vị mới không thể trực thuộc đơn vị bị chia tách.", code="split_into_self"
            )
        _require(actor, Capability.MANAGE, parent)
        if spec.member_count is None:
            remainder = max(unit.member_count - given, 0)
            spec = NewUnit(
                **{**spec.__dict__, "member_count": remainder if spec is unset[0] else 0}
            )
        created.append(_create(spec, parent, day))
        counts["units_opened"] += 1
    taker = created[takes_over]
    targets = {pk: created[index] for pk, index in (children or {}).items()}
    _end_unit(
        operation=operation,
        actor=actor,
        unit=unit,
        successor=taker,
        takes_over_work=True,
        day=day,
        carry_over=carry_over,
        child_targets=targets,
        counts=counts,
    )
    for part in created:
        if part.pk != taker.pk:
            Lineage.objects.create(
                operation=operation, predecessor=unit, successor=part, takes_over_work=False
            )
    return _finish(operation, actor, created, counts)


@transaction.atomic
def unit_close(
    *,
    actor: User | None,
    unit: Unit,
    day: datetime.date,
    decision: Decision,
    takes_over: Unit | None = None,
    carry_over: Sequence[CarryOver] | None = None,
    batch: ReorganisationBatch | None = None,
) -> Reorganisation:
    """Dissolve a unit; `takes_over` (default its parent) receives its children and open work."""
    decision = _check_decision(decision)
    (unit,) = _locked([unit])
    _require(actor, Capability.MANAGE, unit)
    successor = takes_over or _parent(unit)
    if successor is None:
        raise ValidationError(
            "Hãy chọn đơn vị tiếp nhận công việc của đơn vị giải thể.", code="no_successor"
        )
    if successor.path.startswith(unit.path):
        raise ValidationError(
            "Đơn vị tiếp nhận không thể là đơn vị giải thể hay đơn vị trực thuộc của nó.",
            code="close_into_self",
        )
    (successor,) = _locked([successor])
    _require(actor, Capability.MANAGE, successor)
    _require_open(successor)
    _check_day(day, [unit])
    counts: Counter = Counter()
    operation = _operation(Reorganisation.Kind.CLOSE, actor, day, decision, batch)
    _end_unit(
        operation=operation,
        actor=actor,
        unit=unit,
        successor=successor,
        takes_over_work=True,
        day=day,
        carry_over=carry_over,
        counts=counts,
    )
    return _finish(operation, actor, [successor], counts)


def record_simple_operation(
    *,
    kind: str,
    actor: User | None,
    unit: Unit,
    day: datetime.date,
    decision: Decision,
    batch: ReorganisationBatch | None = None,
) -> Reorganisation:
    """A rename or move done under a decision: the operation and its one-unit lineage."""
    decision = _check_decision(decision)
    operation = _operation(kind, actor, day, decision, batch)
    Lineage.objects.create(operation=operation, predecessor=unit, successor=unit)
    return _finish(operation, actor, [unit], Counter())


def lineage_of(unit: Unit) -> dict[str, list[Lineage]]:
    """The unit's predecessors and successors, with the operations, for its page."""
    related = ("operation", "predecessor", "successor")
    return {
        "predecessors": list(
            unit.predecessor_links.exclude(predecessor=unit).select_related(*related)
        ),
        "successors": list(unit.successor_links.exclude(successor=unit).select_related(*related)),
        "changes": list(
            Lineage.objects.filter(predecessor=unit, successor=unit).select_related(*related)
        ),
    }
