"""Reads of the unit tree for pages and exports, already scoped, in a fixed number of queries."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, Substr

from .access import Capability, grants_for, units_visible_to
from .models import Membership, Role, Unit, User, fold_for_search
from .positions import Rank, Title, membership_title


@dataclass(frozen=True)
class ChildRollup:
    """One child unit with figures summed over its whole subtree (itself included)."""

    unit: Unit
    units: int
    grassroots: int
    members: int


def children_rollup(unit: Unit) -> list[ChildRollup]:
    """Per child of `unit`: unit and member totals of its subtree, in two queries.

    One GROUP BY on the child's path prefix does the whole subtree, whatever its size.
    """
    children = list(
        Unit.objects.filter(path__startswith=unit.path, depth=unit.depth + 1).select_related("kind")
    )
    if not children:
        return []
    prefix_len = len(unit.path) + Unit.steplen
    totals = {
        row["prefix"]: row
        for row in Unit.objects.filter(path__startswith=unit.path, depth__gt=unit.depth)
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
    return [
        ChildRollup(
            unit=child,
            units=totals.get(child.path, empty)["units"],
            grassroots=totals.get(child.path, empty)["grassroots"],
            members=totals.get(child.path, empty)["members"],
        )
        for child in children
    ]


def subtree_totals(unit: Unit) -> dict[str, int]:
    return Unit.objects.filter(path__startswith=unit.path).aggregate(
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


def unit_search(user: User, query: str) -> QuerySet[Unit]:
    """Every word must appear in the name, short name or code, ignoring case and tone marks."""
    units = units_visible_to(user)
    for word in fold_for_search(query).split():
        units = units.filter(search_name__contains=word)
    return units.order_by("path")


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
