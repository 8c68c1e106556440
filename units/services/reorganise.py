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
from itertools import pairwise

from django.core.exceptions import ValidationError
from django.db import connection, transaction
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
    UnitPathRecord,
    User,
)
from ..tabular import normalise
from .units import _refuse_closed, _refuse_out_of_order, _require

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
    # None: the role ends with the unit. A NewUnit of the same operation (the `new` of a
    # merger, one of a split's `parts`) names the unit the operation creates.
    successor: Unit | NewUnit | None
    role: str = ""
    position: str = ""


@dataclass
class Handover:
    """What the predecessors of an operation still owe passes to `successor` from `day` (for
    the hooks): once per operation, the predecessors in the order they ended, so that a hook
    does its work in a few statements however many units end (bench/reorganise.py)."""

    operation: Reorganisation
    predecessors: list[Unit]
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


def _check_day(day: datetime.date, units: Iterable[Unit], others: Iterable[Unit] = ()) -> None:
    """Refuse a day in the future, or one the ending `units` cannot end on, or one before a
    later change of them or of the `others` involved (successors, new parents)."""
    units = list(units)
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
    _refuse_out_of_order([*units, *others], day)


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
    """The units re-read under a row lock: two operations on one unit run one after the other.

    An operation locks every existing unit it involves in this one statement, in pk order, so
    two operations sharing units wait for each other instead of deadlocking; it checks the
    locked rows, not the caller's copies.
    """
    locked = (
        Unit.objects.select_for_update(of=("self",))
        .select_related("kind")
        .filter(pk__in={u.pk for u in units})
        .order_by("pk")
    )
    by_pk = {unit.pk: unit for unit in locked}
    return [by_pk[u.pk] for u in units]


def _parent(unit: Unit) -> Unit | None:
    if unit.depth <= 1:
        return None
    return Unit.objects.get(path=unit.path[: -Unit.steplen])


def _refuse_nested(units: Sequence[Unit]) -> None:
    """Merged units are peers: one inside another would be moved twice, and counted twice."""
    ordered = sorted(units, key=lambda unit: unit.path)
    for above, below in pairwise(ordered):  # a unit's subtree sorts right after it
        if below.path.startswith(above.path):
            raise ValidationError(
                "Không thể hợp nhất một đơn vị với đơn vị trực thuộc của nó: "
                "%(child)s thuộc %(unit)s.",
                code="merge_nested",
                params={"child": below.name, "unit": above.name},
            )


# ---------------------------------------------------------------------------- tree changes


def _move_subtrees(moves: Sequence[tuple[Unit, Unit]], day: datetime.date) -> None:
    """Move each unit with its subtree to the end of its new parent's children, in the order
    given, keeping their earlier paths (as `remember_paths`); update the objects' path and
    depth. A unit may lie in another moved unit's subtree (a predecessor and its children):
    it goes where its own move says, the rest of that subtree with its ancestor.

    Four statements however many units move, where treebeard's move takes about ten per unit:
    the 2025 reorganisation moves every hamlet cell of a merged commune (bench/reorganise.py).
    New paths come after the parent's last child, so no other unit holds them.
    """
    if not moves:
        return
    step = Unit.steplen
    for unit, new_parent in moves:
        if any(new_parent.path.startswith(moved.path) for moved, _ in moves):
            raise ValueError("_move_subtrees cannot move a unit under a unit that moves")
        if unit.depth <= 1:
            raise ValueError("_move_subtrees does not move roots")
    next_step: dict[str, int] = {}
    for new_parent in {p.path: p for _, p in moves}.values():
        last = (
            Unit.objects.filter(path__startswith=new_parent.path, depth=new_parent.depth + 1)
            .order_by("-path")
            .values_list("path", flat=True)
            .first()
        )
        # treebeard's path helpers (private classmethods that stubs/treebeard leaves out)
        next_step[new_parent.path] = Unit._str2int(last[-step:]) + 1 if last else 1  # type: ignore[attr-defined]
    new_paths: list[str] = []
    numchild: Counter = Counter()
    for unit, new_parent in moves:
        new_paths.append(
            Unit._get_path(new_parent.path, new_parent.depth + 1, next_step[new_parent.path])  # type: ignore[attr-defined]
        )
        next_step[new_parent.path] += 1
        numchild[unit.path[:-step]] -= 1
        numchild[new_parent.path] += 1
    # Deeper units first: the first branch whose prefix matches a row decides where it goes.
    order = sorted(range(len(moves)), key=lambda i: -len(moves[i][0].path))
    path_cases = " ".join(
        ["WHEN SUBSTR(path, 1, %s) = %s THEN %s || SUBSTR(path, %s)"] * len(moves)
    )
    depth_cases = " ".join(["WHEN SUBSTR(path, 1, %s) = %s THEN depth + %s"] * len(moves))
    # Which rows move: the subtrees of the moved units not inside another moved one (a merger
    # moves each predecessor with, before it, its children); one LIKE each, so PostgreSQL
    # probes the path index for each rather than scanning the table against dozens.
    tops: list[str] = []
    for path in sorted(unit.path for unit, _ in moves):
        if not tops or not path.startswith(tops[-1]):
            tops.append(path)
    inside = " OR ".join(["path LIKE %s"] * len(tops))
    path_params: list[str | int] = []
    depth_params: list[str | int] = []
    for i in order:
        old, new = moves[i][0].path, new_paths[i]
        path_params += [len(old), old, new, len(old) + 1]
        depth_params += [len(old), old, len(new) // step - len(old) // step]
    inside_params = [path + "%" for path in tops]
    changed = {path: delta for path, delta in numchild.items() if delta}
    unit_table, record_table = Unit._meta.db_table, UnitPathRecord._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {record_table} (unit_id, path, depth, valid_until) "  # noqa: S608
            f"SELECT id, path, depth, %s FROM {unit_table} WHERE {inside}",
            [day - ONE_DAY, *inside_params],
        )
        if changed:  # before the paths change: parents are found by their current paths
            cursor.execute(
                f"UPDATE {unit_table} SET numchild = numchild + "  # noqa: S608
                f"(CASE path {' '.join(['WHEN %s THEN %s'] * len(changed))} END) "
                f"WHERE path IN ({', '.join(['%s'] * len(changed))})",
                [*(v for item in changed.items() for v in item), *changed],
            )
        cursor.execute(
            f"UPDATE {unit_table} SET path = (CASE {path_cases} END), "  # noqa: S608
            f"depth = (CASE {depth_cases} END) WHERE {inside}",
            [*path_params, *depth_params, *inside_params],
        )
    by_path = {p.path: p for _, p in moves}
    for path, delta in changed.items():
        if path in by_path:
            by_path[path].numchild += delta
    for (unit, _), new_path in zip(moves, new_paths, strict=True):
        unit.path, unit.depth = new_path, len(new_path) // step


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
    created: Mapping[int, Unit] | None = None,
) -> None:
    """End every role in `unit` the day before `day`; start the carried-over ones on `day`.

    `created` maps id() of a NewUnit spec to the unit made from it (see CarryOver.successor).
    As in membership_create, nobody grants themselves a role and no two periods of one role
    in one unit overlap: a carry-over the operator asked for that would break either rule is
    refused; the default one (`carry_over` None) skips it (the operator's own role just ends).
    """
    plan = {c.membership.pk: c for c in carry_over or ()}
    for membership in _memberships_from(unit, day).select_related("user"):
        choice = plan.get(membership.pk)
        if carry_over is None:
            choice = CarryOver(membership, default_successor, membership.role, membership.position)
        if actor is not None and actor.pk == membership.user_id and choice is not None:
            if carry_over is not None and choice.successor is not None:
                raise ValidationError(
                    "Bạn không thể tự phân công vai trò cho chính mình.", code="self_grant"
                )
            choice = None
        start, end = max(day, membership.start_date or day), membership.end_date
        if membership.start_date is not None and membership.start_date >= day:
            # An appointment from the day the unit ends or later never took effect: the row
            # goes (an end before its start is invalid, and ending it on its first day would
            # open the closed unit to that person for a day). Carried over, it starts at the
            # successor on its own date.
            membership.delete()
            counts["memberships_ended"] += 1
        else:
            membership.end_date = day - ONE_DAY
            membership.save(update_fields=["end_date"])
            counts["memberships_ended"] += 1
            record_event(
                kind=EventKind.MEMBERSHIP_ENDED,
                actor=actor,
                unit=unit,
                target=membership,
                data={"end_date": membership.end_date.isoformat(), "reorganised": True},
            )
        target = choice.successor if choice is not None else None
        if isinstance(target, NewUnit):
            if id(target) not in (created or {}):
                raise ValueError("CarryOver names a new unit that this operation does not create")
            target = (created or {})[id(target)]
        if choice is None or target is None:
            continue
        role = choice.role or membership.role
        if role not in Role.values:
            raise ValidationError("Vai trò không hợp lệ.", code="bad_role")
        overlapping = Membership.objects.filter(
            user_id=membership.user_id, unit=target, role=role
        ).exclude(end_date__lt=start)
        if end is not None:
            overlapping = overlapping.filter(Q(start_date__isnull=True) | Q(start_date__lte=end))
        starts = list(overlapping.values_list("start_date", flat=True))
        if starts:
            if carry_over is not None and all(s is not None and s > start for s in starts):
                raise ValidationError(
                    "%(user)s đã được phân công vai trò này ở %(unit)s từ một ngày sau: "
                    "không chuyển phân công được.",
                    code="duplicate",
                    params={"user": str(membership.user), "unit": target.name},
                )
            continue  # already holds that role there, or an appointment there stands
        carried = Membership(
            user=membership.user,
            unit=target,
            role=role,
            position=normalise(choice.position) if choice.position else membership.position,
            start_date=start,
            end_date=end,
        )
        # Without queries (thousands of roles move in a file): the user and unit are rows at
        # hand, and the table's own check (end after start) holds, the period being the old one.
        carried.full_clean(exclude=["user", "unit"], validate_constraints=False)
        carried.save()
        counts["memberships_carried"] += 1
        record_event(
            kind=EventKind.MEMBERSHIP_GRANTED,
            actor=actor,
            unit=target,
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
    created: Mapping[int, Unit] | None = None,
) -> None:
    """Close `unit` from `day`: children, people and open work to successors, lineage kept."""
    default_target = successor or _parent(unit)
    moves: list[tuple[Unit, Unit]] = []
    for child in _open_children(unit):
        target = (child_targets or {}).get(child.pk) or default_target
        if target is None:
            raise ValidationError(
                "%(unit)s còn đơn vị trực thuộc đang hoạt động: hãy chọn đơn vị nhận.",
                code="children_orphaned",
                params={"unit": unit.name},
            )
        moves.append((child, target))
    counts["children_moved"] += len(moves)
    if successor is not None and takes_over_work and unit.path[: -Unit.steplen] != successor.path:
        moves.append((unit, successor))  # with what stays in it (its closed units), after them
    _move_subtrees(moves, day)
    _end_memberships(actor, unit, day, carry_over, successor, counts, created)
    # Its open work passes on once the operation's units have all ended (_hand_over).
    unit.closed_on = day
    unit.is_active = False
    unit.save(update_fields=["closed_on", "is_active"])
    counts["units_closed"] += 1
    Lineage.objects.create(
        operation=operation, predecessor=unit, successor=successor, takes_over_work=takes_over_work
    )


def _hand_over(
    operation: Reorganisation,
    actor: User | None,
    predecessors: Sequence[Unit],
    successor: Unit,
    day: datetime.date,
    counts: Counter,
) -> None:
    """Run the hand-over hooks once for the units that ended into `successor`."""
    handover = Handover(
        operation=operation,
        predecessors=list(predecessors),
        successor=successor,
        day=day,
        actor=actor,
        counts=counts,
    )
    for hook in _handover_hooks:
        hook(handover)


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
    locked = _locked([*ending, *([into] if into is not None else [])])
    ending, into = locked[: len(ending)], locked[-1] if into is not None else None
    for unit in locked:
        _require(actor, Capability.MANAGE, unit)
    parent = None
    if new is not None:
        parent = new.parent or _parent(ending[0])
        if parent is None:
            raise ValidationError("Hãy chọn đơn vị cấp trên của đơn vị mới.", code="no_parent")
        _require(actor, Capability.MANAGE, parent)
    home = into or parent  # the successor, or where the new one goes
    for unit in ending:
        if home is not None and home.path.startswith(unit.path):
            raise ValidationError(
                "Không thể hợp nhất %(unit)s vào đơn vị trực thuộc của nó.",
                code="merge_into_own_subtree",
                params={"unit": unit.name},
            )
    _refuse_nested(ending)  # a cell merged into its own committee (`into`) is fine
    _check_day(day, [*ending, *([into] if into else [])], [parent] if parent else [])
    counts: Counter = Counter()
    operation = _operation(Reorganisation.Kind.MERGE, actor, day, decision, batch)
    if into is not None:
        successor = into
        total = successor.member_count + sum(u.member_count for u in ending)
    else:
        assert new is not None  # noqa: S101 (checked above; for the type checker)
        assert parent is not None  # noqa: S101 (set above with `new`)
        successor = _create(new, parent, day)
        counts["units_opened"] += 1
        total = sum(u.member_count for u in ending)
    created = {id(new): successor} if new is not None else {}
    for unit in ending:
        _end_unit(
            operation=operation,
            actor=actor,
            unit=unit,
            successor=successor,
            takes_over_work=True,
            day=day,
            carry_over=carry_over,
            counts=counts,
            created=created,
        )
    _hand_over(operation, actor, ending, successor, day, counts)
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
        created={id(given_spec): part for given_spec, part in zip(parts, created, strict=True)},
    )
    _hand_over(operation, actor, [unit], taker, day, counts)
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
    """Dissolve a unit; `takes_over` (default its parent) receives its children and open work.

    Nobody is carried over unless `carry_over` says so: a dissolved cell's secretary does not
    become a secretary of the committee above it.
    """
    decision = _check_decision(decision)
    carry_over = [] if carry_over is None else carry_over
    # The parent as the tree stands now (an earlier operation may have moved the unit),
    # checked again once both rows are locked.
    successor = takes_over or _parent(Unit.objects.only("path", "depth").get(pk=unit.pk))
    if successor is None:
        raise ValidationError(
            "Hãy chọn đơn vị tiếp nhận công việc của đơn vị giải thể.", code="no_successor"
        )
    unit, successor = _locked([unit, successor])
    if takes_over is None and unit.path[: -Unit.steplen] != successor.path:
        raise ValidationError(
            "%(unit)s vừa được chuyển sang đơn vị khác: hãy thử lại.",
            code="moved_meanwhile",
            params={"unit": unit.name},
        )
    _require(actor, Capability.MANAGE, unit)
    if successor.path.startswith(unit.path):
        raise ValidationError(
            "Đơn vị tiếp nhận không thể là đơn vị giải thể hay đơn vị trực thuộc của nó.",
            code="close_into_self",
        )
    _require(actor, Capability.MANAGE, successor)
    _require_open(successor)
    _check_day(day, [unit], [successor])
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
    _hand_over(operation, actor, [unit], successor, day, counts)
    return _finish(operation, actor, [successor], counts)


@transaction.atomic
def record_simple_operation(
    *,
    kind: str,
    actor: User | None,
    unit: Unit,
    day: datetime.date,
    decision: Decision,
    batch: ReorganisationBatch | None = None,
) -> Reorganisation:
    """A rename or move done under a decision: the operation and its one-unit lineage.

    Called after the rename or move itself (unit_rename, unit_move), which checked the day.
    """
    _require(actor, Capability.MANAGE, unit)
    _refuse_closed(unit)
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
