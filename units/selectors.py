"""Reads of the unit tree for pages and exports, already scoped, in a fixed number of queries."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce, Substr

from .access import Capability, grants_for, units_visible_to
from .models import (
    Lineage,
    Membership,
    Reorganisation,
    Role,
    Unit,
    UnitPathRecord,
    User,
    fold_for_search,
)
from .positions import Rank, Title, membership_title


@dataclass(frozen=True)
class ChildRollup:
    """One child unit with figures summed over its whole subtree (itself included)."""

    unit: Unit
    units: int
    grassroots: int
    members: int


def children_rollup(unit: Unit) -> list[ChildRollup]:
    """Per open child of `unit`: unit and member totals of its subtree, in two queries.

    One GROUP BY on the child's path prefix does the whole subtree, whatever its size. Units
    closed by a merger, split or closure are history (their successors count their members
    now): they are left out of the rows and the figures, and listed as predecessors instead.
    """
    return children_and_totals(unit)[0]


def children_and_totals(unit: Unit) -> tuple[list[ChildRollup], dict[str, int]]:
    """children_rollup, and the subtree's totals (the unit itself, as it was if closed, and its
    open children's subtrees) added up from the same two queries, for the unit's page."""
    own = {
        "units": 1,
        "grassroots": int(unit.kind.is_grassroots),
        "members": unit.member_count if unit.kind.counts_members else 0,
    }
    children = list(
        Unit.objects.filter(
            path__startswith=unit.path, depth=unit.depth + 1, closed_on__isnull=True
        ).select_related("kind")
    )
    if not children:
        return [], own
    prefix_len = len(unit.path) + Unit.steplen
    totals = {
        row["prefix"]: row
        for row in Unit.objects.filter(
            path__startswith=unit.path, depth__gt=unit.depth, closed_on__isnull=True
        )
        .annotate(prefix=Substr("path", 1, prefix_len))
        .values("prefix")
        .annotate(
            units=Count("pk"),
            grassroots=Count("pk", filter=Q(kind__is_grassroots=True)),
            members=Coalesce(Sum("member_count", filter=Q(kind__counts_members=True)), 0),
        )
        .order_by()
    }
    empty = {"units": 0, "grassroots": 0, "members": 0}
    rows = [
        ChildRollup(
            unit=child,
            units=totals.get(child.path, empty)["units"],
            grassroots=totals.get(child.path, empty)["grassroots"],
            members=totals.get(child.path, empty)["members"],
        )
        for child in children
    ]
    open_paths = {child.path for child in children}
    subtree = {
        key: value + sum(row[key] for prefix, row in totals.items() if prefix in open_paths)
        for key, value in own.items()
    }
    return rows, subtree


def subtree_totals(unit: Unit) -> dict[str, int]:
    """Units and members of the subtree as it is now (closed units left out)."""
    return Unit.objects.filter(path__startswith=unit.path, closed_on__isnull=True).aggregate(
        units=Count("pk"),
        grassroots=Count("pk", filter=Q(kind__is_grassroots=True)),
        members=Coalesce(Sum("member_count", filter=Q(kind__counts_members=True)), 0),
    )


def breadcrumbs(user: User, unit: Unit) -> list[Unit]:
    """The unit's ancestors that the user may see, top first, in one query."""
    paths = [unit.path[:end] for end in range(Unit.steplen, len(unit.path), Unit.steplen)]
    if not paths:
        return []
    return list(units_visible_to(user).filter(path__in=paths).order_by("depth"))


def scope_roots(user: User) -> list[Unit]:
    """The top units the user can see, for the tree's starting page."""
    grants = grants_for(user)
    if grants.everything:
        return list(Unit.objects.filter(depth=1).select_related("kind"))
    paths = grants.paths_for(Capability.VIEW)
    return list(Unit.objects.filter(path__in=paths).select_related("kind"))


# The unit list's filter: units still in existence, or those closed by a reorganisation.
OPEN, CLOSED = "open", "closed"


def unit_search(user: User, query: str, status: str = "") -> QuerySet[Unit]:
    """Every word must appear in the name, short name or code, ignoring case and tone marks;
    `status` OPEN or CLOSED keeps only units that still exist, or only those that ended."""
    units = units_visible_to(user)
    for word in fold_for_search(query).split():
        units = units.filter(search_name__contains=word)
    if status == OPEN:
        units = units.filter(closed_on__isnull=True)
    elif status == CLOSED:
        units = units.filter(closed_on__isnull=False)
    return units.order_by("path")


def open_units_managed(user: User) -> QuerySet[Unit]:
    """Units the user may give new work to: managed by them and not closed (pickers)."""
    return units_visible_to(user, Capability.MANAGE).filter(closed_on__isnull=True)


def merge_candidates(user: User, unit: Unit) -> QuerySet[Unit]:
    """The unit's open siblings that the user manages: the usual partners of a merger."""
    if unit.depth <= 1:
        return Unit.objects.none()
    return (
        open_units_managed(user)
        .filter(path__startswith=unit.path[: -Unit.steplen], depth=unit.depth)
        .exclude(pk=unit.pk)
        .order_by("path")
    )


def parent_of(unit: Unit) -> Unit | None:
    """The unit's parent (None for a root), for the defaults of a closure."""
    if unit.depth <= 1:
        return None
    return Unit.objects.filter(path=unit.path[: -Unit.steplen]).select_related("kind").first()


def open_children(units: list[Unit]) -> list[Unit]:
    """The open child units of these units, in tree order, in one query."""
    if not units:
        return []
    query = Q()
    for unit in units:
        query |= Q(path__startswith=unit.path, depth=unit.depth + 1)
    return list(Unit.objects.filter(query, closed_on__isnull=True).order_by("path"))


# ---------------------------------------------------------------------------- reorganisations


@dataclass(frozen=True)
class UnitLineage:
    """A unit's place in the reorganisations: what ended it, what it came from, its history."""

    closed_by: Reorganisation | None  # the merger, split or closure that ended the unit
    successors: list[Lineage]  # the unit → units carrying on its work (the one taking over first)
    predecessors: list[Lineage]  # units that ended → this unit
    operations: list[Reorganisation]  # every operation that touched the unit, newest first
    visible: frozenset[int]  # pks of the related units the user may open


def unit_lineage(user: User, unit: Unit) -> UnitLineage:
    """The unit's lineage for its page, in one query; linked units outside the user's scope
    are named without a link."""
    links = list(
        Lineage.objects.filter(Q(predecessor=unit) | Q(successor=unit))
        .select_related(
            "operation", "operation__recorded_by", "predecessor__kind", "successor__kind"
        )
        .order_by("-operation__effective_date", "-operation_id", "-takes_over_work", "pk")
    )
    successors = [
        link
        for link in links
        if link.predecessor_id == unit.pk
        and link.successor_id is not None
        and link.successor_id != unit.pk
    ]
    closing = [
        link.operation
        for link in links
        if link.predecessor_id == unit.pk and link.successor_id != unit.pk
    ]
    operations: dict[int, Reorganisation] = {}
    for link in links:
        operations.setdefault(link.operation_id, link.operation)
    grants = grants_for(user)
    related = [u for link in links for u in (link.predecessor, link.successor) if u is not None]
    return UnitLineage(
        closed_by=closing[0] if unit.is_closed and closing else None,
        successors=[
            link for link in successors if not closing or link.operation_id == closing[0].pk
        ],
        predecessors=[
            link
            for link in links
            if link.successor_id == unit.pk and link.predecessor_id != unit.pk
        ],
        operations=list(operations.values()),
        visible=frozenset(u.pk for u in related if grants.allows(Capability.VIEW, u)),
    )


def reorganisations_in(unit: Unit) -> QuerySet[Reorganisation]:
    """Operations that touched a unit of `unit`'s subtree, newest first, each with its links
    (one more query per page)."""
    touched = Lineage.objects.filter(operation=OuterRef("pk")).filter(
        Q(predecessor__path__startswith=unit.path) | Q(successor__path__startswith=unit.path)
    )
    return (
        Reorganisation.objects.filter(Exists(touched))
        .select_related("recorded_by")
        .prefetch_related(
            Prefetch(
                "links",
                queryset=Lineage.objects.select_related("predecessor", "successor").order_by(
                    "-takes_over_work", "pk"
                ),
            )
        )
        .order_by("-effective_date", "-pk")
    )


def visible_among(user: User, units: list[Unit]) -> frozenset[int]:
    """The pks of these units that the user may open (no query: the grants are cached)."""
    grants = grants_for(user)
    return frozenset(u.pk for u in units if grants.allows(Capability.VIEW, u))


def unit_memberships(unit: Unit, *, include_past: bool) -> QuerySet[Membership]:
    memberships = Membership.objects.filter(unit=unit).select_related("user")
    if not include_past:
        memberships = memberships.active()
    return memberships.order_by("role", "-start_date")


@dataclass(frozen=True)
class Leader:
    """A person holding a head or deputy position in a unit on a day, for signing its documents."""

    name: str
    position: str  # as the membership states it
    title: Title  # as a signature prints it

    @property
    def rank(self) -> Rank:
        return self.title.rank


def unit_leadership(unit: Unit, day: datetime.date) -> list[Leader]:
    """The unit's head(s) first, then its deputies (the standing one first), from the positions
    of its memberships active on `day` (units.positions); staff and ordinary members are left
    out. One query."""
    leaders: dict[int, Leader] = {}
    memberships = (
        Membership.objects.active_on(day)
        .filter(unit=unit)
        .exclude(Q(position="") & ~Q(role=Role.SECRETARY))
        .select_related("user")
        .order_by(F("start_date").desc(nulls_last=True), "-pk")  # the newest holder first
    )
    for membership in memberships:
        title = membership_title(membership.position, membership.role)
        held = leaders.get(membership.user_id)
        if title is None or (held is not None and held.rank <= title.rank):
            continue
        leaders[membership.user_id] = Leader(
            name=membership.user.get_full_name(), position=membership.position, title=title
        )
    # A position written out wins over one read from the role alone (a secretary left blank).
    return sorted(
        leaders.values(),
        key=lambda leader: (leader.rank, not leader.title.standing, not leader.position),
    )


def export_rows(root: Unit) -> Iterator[dict[str, object]]:
    """Rows of `root`'s subtree for the spreadsheet, parents before children.

    Callers gate `root` through units.access; a subtree is always wholly inside a scope.
    """
    units = Unit.objects.filter(path__startswith=root.path).select_related("kind").order_by("path")
    parent_path = root.path[: -Unit.steplen]
    parent = (
        Unit.objects.filter(path=parent_path).values_list("code", flat=True).first()
        if parent_path
        else ""
    )
    code_by_path = {parent_path: parent or ""}
    for unit in units.iterator(chunk_size=2000):
        code_by_path[unit.path] = unit.code
        yield {
            "code": unit.code,
            "parent_code": code_by_path.get(unit.path[: -Unit.steplen], ""),
            "name": unit.name,
            "short_name": unit.short_name,
            "kind": unit.kind.code,
            "symbol_code": unit.symbol_code,
            "place_name": unit.place_name,
            "member_count": unit.member_count,
            "official_count": unit.official_count,
            "youth_count": unit.youth_count,
            "other_count": unit.other_count,
            "is_active": "có" if unit.is_active else "không",
        }


# ---------------------------------------------------------------------------- the tree on a day


def unit_path_on(day: datetime.date, field: str = "") -> Coalesce:
    """SQL for the path a unit had on `day`: that of its first UnitPathRecord ending on or after
    the day (ties: the lowest pk), else its current path. `field` names the unit from the
    queryset's model ("unit", "recipient__unit"); empty for a Unit queryset itself."""
    ref = f"{field}_id" if field else "pk"
    current = f"{field}__path" if field else "path"
    record = (
        UnitPathRecord.objects.filter(unit_id=OuterRef(ref), valid_until__gte=day)
        .order_by("valid_until", "pk")
        .values("path")[:1]
    )
    return Coalesce(Subquery(record), F(current), output_field=CharField())


def unit_path_then(unit: Unit, day: datetime.date) -> str:
    """The path `unit` had on `day` (one query)."""
    recorded = (
        UnitPathRecord.objects.filter(unit=unit, valid_until__gte=day)
        .order_by("valid_until", "pk")
        .values_list("path", flat=True)
        .first()
    )
    return recorded or unit.path


def units_on(day: datetime.date, paths: Iterable[str]) -> QuerySet[Unit]:
    """The units that stood at these paths on `day` and existed then (for a past day's
    breadcrumbs), annotated with `path_then`."""
    paths = list(paths)
    recorded = UnitPathRecord.objects.filter(path__in=paths, valid_until__gte=day).values("unit_id")
    return (
        Unit.objects.filter(Q(path__in=paths) | Q(pk__in=recorded))
        .filter(Q(opened_on__isnull=True) | Q(opened_on__lte=day))
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=day))
        .annotate(path_then=unit_path_on(day))
        .filter(path_then__in=paths)
    )
