"""units.access: which memberships grant what, for how long, and at what cost in queries."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import MembershipFactory, UserFactory
from units.access import (
    Capability,
    _minimal,
    access_membership,
    access_unit,
    can,
    grants_for,
    scope_q,
    units_visible_to,
)
from units.models import Membership, Role, Unit, User
from units.services import membership_create, membership_end

pytestmark = pytest.mark.django_db


def _today() -> datetime.date:
    return timezone.localdate()


def _fresh(user: User) -> User:
    """The user as the next request loads it: no grants cached from earlier in the test."""
    return User.objects.get(pk=user.pk)


def _visible_codes(user: User) -> set[str]:
    return set(units_visible_to(_fresh(user)).values_list("code", flat=True))


# ---------------------------------------------------------------------------- dates


def test_expired_membership_grants_nothing(tree):
    user = UserFactory()
    MembershipFactory(
        user=user,
        unit=tree.bloc,
        role=Role.ADMIN,
        start_date=_today() - datetime.timedelta(days=60),
        end_date=_today() - datetime.timedelta(days=1),
    )

    assert _visible_codes(user) == set()
    assert not can(_fresh(user), Capability.MANAGE, tree.bloc)
    assert grants_for(_fresh(user)).roles == []


def test_membership_starting_tomorrow_grants_nothing_yet(tree):
    user = UserFactory()
    MembershipFactory(
        user=user,
        unit=tree.grassroots_a,
        role=Role.SECRETARY,
        start_date=_today() + datetime.timedelta(days=1),
    )

    assert _visible_codes(user) == set()
    with pytest.raises(Http404):
        access_unit(_fresh(user), tree.grassroots_a.pk)


def test_membership_ending_today_still_grants_today(tree):
    user = UserFactory()
    MembershipFactory(user=user, unit=tree.grassroots_b, end_date=_today())

    assert _visible_codes(user) == {"DUK-B"}


def test_membership_without_dates_grants_from_always_to_always(tree):
    user = UserFactory()
    MembershipFactory(user=user, unit=tree.grassroots_b, start_date=None, end_date=None)

    assert _visible_codes(user) == {"DUK-B"}


def test_rotation_hands_the_unit_over_to_the_successor(tree, users):
    """The secretary's term ends yesterday; the successor's starts today."""
    successor = UserFactory(username="bi_thu_moi")
    old = Membership.objects.get(user=users.secretary)
    membership_end(
        actor=users.admin, membership=old, end_date=_today() - datetime.timedelta(days=1)
    )
    membership_create(
        actor=users.admin,
        unit=tree.grassroots_a,
        user=successor,
        role=Role.SECRETARY,
        start_date=_today(),
    )

    assert _visible_codes(users.secretary) == set()
    assert _visible_codes(successor) == {"DUK-A", "DUK-A-1", "DUK-A-2"}
    assert grants_for(_fresh(successor)).roles == [Role.SECRETARY]


def test_inactive_user_has_no_grants_despite_a_current_membership(tree, users):
    User.objects.filter(pk=users.admin.pk).update(is_active=False)
    user = _fresh(users.admin)

    assert grants_for(user).paths == {}
    assert not can(user, Capability.VIEW, tree.bloc)
    assert list(units_visible_to(user)) == []


def test_anonymous_user_has_no_grants(tree):
    from django.contrib.auth.models import AnonymousUser

    assert list(units_visible_to(AnonymousUser())) == []


# ---------------------------------------------------------------------------- scope


def test_superuser_sees_and_manages_every_unit(tree, users):
    root = users.superuser

    assert units_visible_to(root).count() == Unit.objects.count() == 11
    assert can(root, Capability.MANAGE, tree.other_cell)
    assert access_unit(root, tree.city.pk, Capability.MANAGE) == tree.city


def test_scope_is_the_subtree_of_the_membership_unit(tree, users):
    assert _visible_codes(users.secretary) == {"DUK-A", "DUK-A-1", "DUK-A-2"}
    assert _visible_codes(users.cell_secretary) == {"DUK-A-1"}
    assert _visible_codes(users.leader) == {
        "DUK", "DUK-BTG", "DUK-A", "DUK-A-1", "DUK-A-2", "DUK-B",
    }  # fmt: skip


def test_capabilities_follow_the_role(tree, users):
    assert can(users.admin, Capability.MANAGE, tree.cell_a1)
    assert not can(users.admin, Capability.ISSUE, tree.cell_a1)
    assert can(users.staff, Capability.ISSUE, tree.cell_a1)
    assert not can(users.staff, Capability.MANAGE, tree.cell_a1)
    assert can(users.leader, Capability.APPROVE, tree.bloc)
    assert not can(users.leader, Capability.CAPTURE, tree.bloc)
    with pytest.raises(Http404):
        access_unit(users.leader, tree.grassroots_a.pk, Capability.MANAGE)


def test_missing_and_outside_units_are_refused_alike(tree, users):
    missing_pk = Unit.objects.order_by("-pk").values_list("pk", flat=True).first() + 1000
    with pytest.raises(Http404) as missing:
        access_unit(users.admin, missing_pk)
    with pytest.raises(Http404) as outside:
        access_unit(users.admin, tree.other_cell.pk)

    assert str(missing.value) == str(outside.value)


@pytest.mark.parametrize(
    ("paths", "expected"),
    [
        ({"0001"}, ("0001",)),
        ({"0001", "00010002", "000100020001"}, ("0001",)),
        ({"00010002", "0001"}, ("0001",)),
        ({"00010001", "00010002"}, ("00010001", "00010002")),
        ({"0001", "0002", "00020003"}, ("0001", "0002")),
        # A sibling whose path sorts right after a granted one is not inside it.
        ({"00010001", "000100010005", "00010002"}, ("00010001", "00010002")),
        (set(), ()),
    ],
)
def test_minimal_drops_paths_inside_another_granted_path(paths, expected):
    assert _minimal(paths) == expected


def test_grants_in_a_subtree_of_an_earlier_grant_are_merged(tree, users):
    MembershipFactory(user=users.leader, unit=tree.grassroots_a, role=Role.LEADER)
    MembershipFactory(user=users.leader, unit=tree.other_cell, role=Role.LEADER)
    grants = grants_for(_fresh(users.leader))

    assert grants.paths_for(Capability.VIEW) == (tree.bloc.path, tree.other_cell.path)
    assert len(grants.memberships) == 3


def test_scope_q_with_a_prefix_filters_related_rows(tree, users):
    by_prefix = Membership.objects.filter(scope_q(users.secretary, Capability.VIEW, "unit__"))

    assert set(by_prefix.values_list("user__username", flat=True)) == {
        "secretary",
        "cell_secretary",
    }


def test_scope_q_without_grant_matches_nothing(tree, users):
    assert Membership.objects.filter(scope_q(users.nobody, prefix="unit__")).count() == 0
    assert Unit.objects.filter(scope_q(users.leader, Capability.MANAGE)).count() == 0


def test_membership_gatekeeper_needs_manage_on_the_membership_unit(tree, users):
    secretary_membership = Membership.objects.get(user=users.secretary)

    assert access_membership(users.admin, secretary_membership.pk) == secretary_membership
    for who in (users.staff, users.leader, users.secretary, users.outside_admin):
        with pytest.raises(Http404):
            access_membership(who, secretary_membership.pk)


# ---------------------------------------------------------------------------- caching


def test_grants_are_computed_once_per_user_object(tree, users, django_assert_num_queries):
    user = _fresh(users.admin)
    with django_assert_num_queries(1):
        grants_for(user)
        grants_for(user)
        can(user, Capability.MANAGE, tree.cell_a1)
        scope_q(user, Capability.VIEW, "unit__")


def test_a_request_reads_the_users_memberships_once(tree, users, client_for):
    client = client_for(users.leader)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("units:unit_list"))

    assert response.status_code == 200
    membership_reads = [q["sql"] for q in queries if "units_membership" in q["sql"]]
    assert len(membership_reads) == 1, membership_reads
