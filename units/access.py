"""The only place that decides what a user may see or do: scoped querysets and gatekeepers.

A user's scope is the subtrees of the units where they hold an active membership; a
capability (view, capture, issue, approve, manage) comes with the membership's role. Scope is
one `path__startswith` test per granted unit, ORed, computed once per request. Gatekeepers
answer a missing object and an object outside the user's scope alike, with 404, so that
nobody can probe for another unit's data.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from .models import Membership, ReorganisationBatch, Role, Unit, UnitImport, User


class Capability(enum.StrEnum):
    VIEW = "view"
    CAPTURE = "capture"  # log sessions, draft reports
    ISSUE = "issue"  # write and issue directives
    APPROVE = "approve"  # accept or return subordinates' reports
    MANAGE = "manage"  # maintain the unit tree and memberships


ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.STAFF: frozenset(
        {Capability.VIEW, Capability.CAPTURE, Capability.ISSUE, Capability.APPROVE}
    ),
    Role.SECRETARY: frozenset(
        {Capability.VIEW, Capability.CAPTURE, Capability.ISSUE, Capability.APPROVE}
    ),
    Role.LEADER: frozenset({Capability.VIEW, Capability.APPROVE}),
    Role.ADMIN: frozenset({Capability.VIEW, Capability.MANAGE}),
}

# Which home page a user with several roles lands on first.
ROLE_PRIORITY = [Role.LEADER, Role.STAFF, Role.SECRETARY, Role.ADMIN]


def _minimal(paths: set[str]) -> tuple[str, ...]:
    """Drop paths that lie inside another granted path: the OR stays as short as possible."""
    kept: list[str] = []
    for path in sorted(paths):
        if not kept or not path.startswith(kept[-1]):
            kept.append(path)
    return tuple(kept)


@dataclass(frozen=True)
class Grants:
    """What one user may do today, per capability, as the minimal list of subtree paths."""

    memberships: tuple[Membership, ...] = ()
    paths: dict[Capability, tuple[str, ...]] = field(default_factory=dict)
    everything: bool = False

    def paths_for(self, capability: Capability) -> tuple[str, ...]:
        return ("",) if self.everything else self.paths.get(capability, ())

    def allows(self, capability: Capability, unit: Unit) -> bool:
        return any(unit.path.startswith(p) for p in self.paths_for(capability))

    @property
    def roles(self) -> list[str]:
        held = {m.role for m in self.memberships}
        if self.everything:
            held.add(Role.ADMIN)  # a superuser administers the whole tree, assigned or not
        return [role for role in ROLE_PRIORITY if role in held]


def grants_for(user: User) -> Grants:
    """The user's grants, cached on the user object (one query per request)."""
    if not user.is_authenticated or not user.is_active:
        return Grants()
    cached = getattr(user, "_unit_grants", None)
    if cached is not None:
        return cached
    memberships = tuple(
        Membership.objects.active_on(timezone.localdate())
        .filter(user=user)
        .select_related("unit", "unit__kind")
        .order_by("unit__path")
    )
    by_capability: dict[Capability, set[str]] = {}
    for membership in memberships:
        for capability in ROLE_CAPABILITIES.get(membership.role, ()):
            by_capability.setdefault(capability, set()).add(membership.unit.path)
    grants = Grants(
        memberships=memberships,
        paths={cap: _minimal(paths) for cap, paths in by_capability.items()},
        everything=user.is_superuser,
    )
    user._unit_grants = grants
    return grants


def scope_q(user: User, capability: Capability = Capability.VIEW, prefix: str = "") -> Q:
    """A filter on `{prefix}path` that keeps rows of units in the user's scope (none if no grant)."""
    paths = grants_for(user).paths_for(capability)
    if not paths:
        return Q(pk__in=[])
    query = Q()
    for path in paths:
        query |= Q(**{f"{prefix}path__startswith": path})
    return query


def units_visible_to(user: User, capability: Capability = Capability.VIEW) -> QuerySet[Unit]:
    return Unit.objects.filter(scope_q(user, capability)).select_related("kind")


def can(user: User, capability: Capability, unit: Unit) -> bool:
    return grants_for(user).allows(capability, unit)


def can_anywhere(user: User, capability: Capability) -> bool:
    """Whether the user holds the capability on some unit: for navigation, not for access."""
    return bool(grants_for(user).paths_for(capability))


def access_unit(user: User, pk: int, capability: Capability = Capability.VIEW) -> Unit:
    """The unit, if the user may act on it with this capability; 404 otherwise (also if missing)."""
    unit = units_visible_to(user, capability).filter(pk=pk).first()
    if unit is None:
        raise Http404("Không tìm thấy đơn vị.")
    return unit


def access_membership(user: User, pk: int) -> Membership:
    """A membership the user may change: one in a unit they manage."""
    membership = (
        Membership.objects.filter(scope_q(user, Capability.MANAGE, "unit__"), pk=pk)
        .select_related("unit", "user")
        .first()
    )
    if membership is None:
        raise Http404("Không tìm thấy phân công.")
    return membership


def access_unit_import(user: User, pk: int) -> UnitImport:
    """An import is seen by the administrator who uploaded it (and superusers)."""
    if not can_anywhere(user, Capability.MANAGE):
        raise Http404("Không tìm thấy lần nhập.")
    imports = UnitImport.objects.defer("content")
    if not user.is_superuser:
        imports = imports.filter(created_by=user)
    found = imports.filter(pk=pk).first()
    if found is None:
        raise Http404("Không tìm thấy lần nhập.")
    return found


def access_reorganisation_batch(user: User, pk: int) -> ReorganisationBatch:
    """A reorganisation file is seen and applied by whoever manages its scope unit."""
    batch = (
        ReorganisationBatch.objects.defer("content")
        .select_related("scope", "created_by", "applied_by")
        .filter(pk=pk)
        .first()
    )
    if batch is None or not can(user, Capability.MANAGE, batch.scope):
        raise Http404("Không tìm thấy tệp sắp xếp đơn vị.")
    return batch


def issuer_units_for(user: User, capability: Capability = Capability.ISSUE) -> QuerySet[Unit]:
    """Units the user acts for with this capability (issuing by default): their own units and
    those units' organs, never the units below them."""
    grants = grants_for(user)
    own = own_units_for(user, capability)
    if grants.everything:
        own = list(Unit.objects.filter(depth=1))
    if not own:
        return Unit.objects.none()
    query = Q(pk__in=[u.pk for u in own])
    for unit in own:
        query |= Q(path__startswith=unit.path, depth=unit.depth + 1, kind__is_organ=True)
    return (
        Unit.objects.filter(query, kind__issues_documents=True, is_active=True)
        .select_related("kind")
        .order_by("path")
    )


def own_units_for(user: User, capability: Capability) -> list[Unit]:
    """The units where the user holds a role with this capability (not their subtrees)."""
    return [
        m.unit
        for m in grants_for(user).memberships
        if capability in ROLE_CAPABILITIES.get(m.role, ())
    ]


# ---------------------------------------------------------------------------- who acts for a unit
# The gates above read "what may this user do"; these read it backwards, "who may do this here",
# for telling the people who must act on something (reports.notifications).


def _roles_with(capability: Capability, roles: Iterable[str] | None) -> list[str]:
    wanted = set(roles) if roles is not None else set(Role.values)
    return [r for r, caps in ROLE_CAPABILITIES.items() if capability in caps and r in wanted]


def users_of(
    units: QuerySet[Unit] | Iterable[Unit],
    capability: Capability,
    *,
    roles: Iterable[str] | None = None,
) -> QuerySet[User]:
    """Active users who hold, today, a role carrying `capability` in one of these units itself
    (not above it): `own_units_for` read backwards, so the people who write a unit's report.
    `units` may be a queryset (thousands of recipients: one subquery)."""
    chosen = units if isinstance(units, QuerySet) else [u.pk for u in units]
    return User.objects.filter(
        pk__in=Membership.objects.active()
        .filter(unit__in=chosen, role__in=_roles_with(capability, roles))
        .values("user_id")
    )


def users_acting_for(
    unit: Unit, capability: Capability, *, roles: Iterable[str] | None = None
) -> QuerySet[User]:
    """Active users who act for `unit` with `capability` today: `issuer_units_for` read
    backwards, so a role in the unit itself or, for an organ (a department issuing on behalf of
    its committee), in the committee above it. Who reviews the reports a unit asked for."""
    held_in = Q(unit=unit)
    if unit.kind.is_organ and unit.depth > 1:
        held_in |= Q(unit__path=unit.path[: -Unit.steplen])
    return User.objects.filter(
        pk__in=Membership.objects.active()
        .filter(held_in, role__in=_roles_with(capability, roles))
        .values("user_id")
    )
