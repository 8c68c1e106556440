"""units.services.reorganise: mergers, splits and closures under a dated decision.

Lineage and closure are recorded, child units and people move, earlier paths are kept, member
counts are summed or entered, bad input is refused with a Vietnamese reason, and a closed
unit's people keep no access to it unless their role was carried over.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.factories import MembershipFactory, UserFactory, kind
from units import services
from units.access import Capability, can, grants_for
from units.models import (
    Lineage,
    Membership,
    Reorganisation,
    Role,
    Unit,
    UnitPathRecord,
    User,
)
from units.services import CarryOver, Decision, NewUnit
from units.services.units import _refuse_out_of_order

pytestmark = pytest.mark.django_db

DECISION = Decision(
    number="125-QĐ/ĐUK", date=datetime.date(2025, 6, 20), body="Ban Thường vụ Đảng ủy Khối"
)


def _day(offset: int = 0) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=offset)


def _reload(unit: Unit) -> Unit:
    return Unit.objects.get(pk=unit.pk)


def _fresh(user: User) -> User:
    """The user as a new request sees them (grants are cached on the object)."""
    return User.objects.get(pk=user.pk)


def _parent(unit: Unit) -> Unit:
    return Unit.objects.get(path=_reload(unit).path[: -Unit.steplen])


@pytest.fixture
def secretary_b(tree) -> User:
    """The secretary of grassroots_b (the secretary of grassroots_a is users.secretary)."""
    user = UserFactory(username="secretary_b", full_name="Lê Thị Ngoại Vụ")
    MembershipFactory(user=user, unit=tree.grassroots_b, role=Role.SECRETARY, position="Bí thư")
    return user


def _merge_new(tree, users, **kwargs) -> Reorganisation:
    return services.unit_merge(
        actor=users.admin,
        predecessors=[tree.grassroots_a, tree.grassroots_b],
        day=kwargs.pop("day", _day(-10)),
        decision=DECISION,
        new=NewUnit(
            code="DUK-AB",
            name="Đảng bộ Sở Tài chính – Ngoại vụ",
            kind=kind("dang-bo-co-so"),
            **kwargs.pop("new", {}),
        ),
        **kwargs,
    )


# ---------------------------------------------------------------------------- merge


def test_merge_into_a_new_unit_closes_both_and_records_the_lineage(tree, users):
    day = _day(-10)

    operation = _merge_new(tree, users, day=day)

    new = Unit.objects.get(code="DUK-AB")
    assert (new.opened_on, new.closed_on, new.is_active) == (day, None, True)
    assert _parent(new) == tree.bloc
    for old in (tree.grassroots_a, tree.grassroots_b):
        old = _reload(old)
        assert (old.closed_on, old.is_active) == (day, False)
        assert not old.existed_on(day)
        assert old.existed_on(day - datetime.timedelta(days=1))
        # The ended units stay in the tree, under the unit that took over their work.
        assert _parent(old) == new
    links = Lineage.objects.filter(operation=operation)
    assert {(link.predecessor_id, link.successor_id, link.takes_over_work) for link in links} == {
        (tree.grassroots_a.pk, new.pk, True),
        (tree.grassroots_b.pk, new.pk, True),
    }
    operation.refresh_from_db()
    assert (operation.kind, operation.effective_date, operation.recorded_by) == (
        Reorganisation.Kind.MERGE,
        day,
        users.admin,
    )
    assert operation.decision_text == (
        "Quyết định số 125-QĐ/ĐUK ngày 20/6/2025 của Ban Thường vụ Đảng ủy Khối"
    )
    assert operation.summary["units_closed"] == 2
    assert operation.summary["units_opened"] == 1


def test_merge_moves_open_children_to_the_new_unit_and_keeps_their_earlier_paths(tree, users):
    day = _day(-10)
    old_path_a1 = tree.cell_a1.path

    operation = _merge_new(tree, users, day=day)

    new = Unit.objects.get(code="DUK-AB")
    assert {_parent(tree.cell_a1), _parent(tree.cell_a2)} == {new}
    record = UnitPathRecord.objects.filter(unit=tree.cell_a1).order_by("valid_until").first()
    assert record is not None
    assert (record.path, record.valid_until) == (old_path_a1, day - datetime.timedelta(days=1))
    assert UnitPathRecord.objects.filter(unit=tree.grassroots_b).exists()
    assert operation.summary["children_moved"] == 2


def test_merge_sums_the_member_counts_unless_one_is_entered(tree, users):
    Unit.objects.filter(pk=tree.grassroots_a.pk).update(member_count=35)

    _merge_new(tree, users)

    assert Unit.objects.get(code="DUK-AB").member_count == 35 + 12


def test_merge_takes_the_member_count_entered(tree, users):
    _merge_new(tree, users, new={"member_count": 40})

    assert Unit.objects.get(code="DUK-AB").member_count == 40


def test_merge_into_one_of_them_keeps_it_open_and_adds_the_others(tree, users):
    day = _day(-3)
    Unit.objects.filter(pk=tree.grassroots_a.pk).update(member_count=35)

    operation = services.unit_merge(
        actor=users.admin,
        predecessors=[tree.grassroots_a, tree.grassroots_b],
        day=day,
        decision=DECISION,
        into=tree.grassroots_a,
    )

    a, b = _reload(tree.grassroots_a), _reload(tree.grassroots_b)
    assert (a.closed_on, a.is_active, a.member_count) == (None, True, 35 + 12)
    assert (b.closed_on, b.is_active) == (day, False)
    assert _parent(b) == a
    assert list(operation.links.values_list("predecessor_id", "successor_id")) == [(b.pk, a.pk)]


def test_merge_carries_everyone_over_by_default_and_ends_their_old_roles(tree, users, secretary_b):
    day = _day(-10)

    _merge_new(tree, users, day=day)

    new = Unit.objects.get(code="DUK-AB")
    for user, old in ((users.secretary, tree.grassroots_a), (secretary_b, tree.grassroots_b)):
        ended = Membership.objects.get(user=user, unit=old)
        assert ended.end_date == day - datetime.timedelta(days=1)
        carried = Membership.objects.get(user=user, unit=new)
        assert (carried.role, carried.start_date, carried.end_date) == (Role.SECRETARY, day, None)
    assert Membership.objects.get(user=secretary_b, unit=new).position == "Bí thư"
    # Roles in the moved cells are untouched: the cells carry on.
    assert Membership.objects.get(user=users.cell_secretary).end_date is None


def test_merge_with_an_empty_carry_over_carries_nobody(tree, users, secretary_b):
    operation = _merge_new(tree, users, carry_over=[])

    new = Unit.objects.get(code="DUK-AB")
    assert not Membership.objects.filter(unit=new).exists()
    assert (
        Membership.objects.filter(
            user__in=[users.secretary, secretary_b], end_date__isnull=True
        ).count()
        == 0
    )
    assert operation.summary["memberships_ended"] == 2
    assert "memberships_carried" not in operation.summary


def test_merge_carries_the_chosen_people_into_the_new_unit_with_the_role_chosen(
    tree, users, secretary_b
):
    new = NewUnit(code="DUK-AB", name="Đảng bộ Sở Tài chính – Ngoại vụ", kind=kind("dang-bo-co-so"))
    proposals = services.proposed_carry_over(tree.grassroots_b, None, _day(-10))
    assert [(p.membership.user, p.role) for p in proposals] == [(secretary_b, Role.SECRETARY)]

    services.unit_merge(
        actor=users.admin,
        predecessors=[tree.grassroots_a, tree.grassroots_b],
        day=_day(-10),
        decision=DECISION,
        new=new,
        carry_over=[
            CarryOver(
                membership=proposals[0].membership,
                successor=new,  # the unit the merger creates
                role=Role.STAFF,
                position="Phó Bí thư",
            )
        ],
    )

    created = Unit.objects.get(code="DUK-AB")
    assert list(
        Membership.objects.filter(unit=created).values_list("user", "role", "position")
    ) == [(secretary_b.pk, Role.STAFF, "Phó Bí thư")]
    assert Membership.objects.get(user=users.secretary, unit=tree.grassroots_a).end_date is not None


# ---------------------------------------------------------------------------- access after


def test_a_closed_units_former_secretary_has_no_access_after_the_date(tree, users):
    assert can(users.secretary, Capability.VIEW, tree.grassroots_a)

    _merge_new(tree, users, day=_day(0), carry_over=[])

    secretary = _fresh(users.secretary)
    assert grants_for(secretary).paths_for(Capability.VIEW) == ()
    assert not can(secretary, Capability.VIEW, _reload(tree.grassroots_a))
    assert not can(secretary, Capability.CAPTURE, _reload(tree.cell_a1))


def test_a_carried_over_secretary_acts_for_the_successor_and_reads_the_old_units_history(
    tree, users
):
    _merge_new(tree, users, day=_day(0))

    secretary = _fresh(users.secretary)
    new = Unit.objects.get(code="DUK-AB")
    assert can(secretary, Capability.CAPTURE, new)
    # The ended unit now sits under its successor: its history stays readable to its people.
    assert can(secretary, Capability.VIEW, _reload(tree.grassroots_a))
    assert not can(secretary, Capability.VIEW, tree.bloc)


def test_another_role_keeps_access_to_a_closed_unit(tree, users):
    _merge_new(tree, users, day=_day(0), carry_over=[])

    leader = _fresh(users.leader)  # leads the bloc above: the closed unit is still in scope
    assert can(leader, Capability.VIEW, _reload(tree.grassroots_a))


# ---------------------------------------------------------------------------- split


def _split(tree, users, **kwargs) -> Reorganisation:
    parts = kwargs.pop(
        "parts",
        [
            NewUnit(code="DUK-A-X", name="Đảng bộ Sở Tài chính", kind=kind("dang-bo-co-so")),
            NewUnit(
                code="DUK-A-Y",
                name="Đảng bộ Kho bạc",
                kind=kind("dang-bo-co-so"),
                member_count=10,
            ),
        ],
    )
    return services.unit_split(
        actor=users.admin,
        unit=tree.grassroots_a,
        parts=parts,
        day=kwargs.pop("day", _day(-5)),
        decision=DECISION,
        **kwargs,
    )


def test_split_opens_the_parts_and_sends_each_child_where_chosen(tree, users):
    day = _day(-5)
    Unit.objects.filter(pk=tree.grassroots_a.pk).update(member_count=35)

    operation = _split(tree, users, day=day, takes_over=1, children={tree.cell_a1.pk: 0})

    x, y = Unit.objects.get(code="DUK-A-X"), Unit.objects.get(code="DUK-A-Y")
    assert (x.opened_on, y.opened_on) == (day, day)
    assert _parent(x) == _parent(y) == tree.bloc
    # A child named in the map goes to its part; the others to the part taking over.
    assert (_parent(tree.cell_a1), _parent(tree.cell_a2)) == (x, y)
    old = _reload(tree.grassroots_a)
    assert (old.closed_on, old.is_active) == (day, False)
    assert _parent(old) == y  # under the part that took over the work
    assert set(
        Lineage.objects.filter(operation=operation).values_list(
            "predecessor_id", "successor_id", "takes_over_work"
        )
    ) == {(old.pk, x.pk, False), (old.pk, y.pk, True)}
    # The part without a count gets what the others leave.
    assert (x.member_count, y.member_count) == (35 - 10, 10)


def test_split_carries_people_to_the_part_chosen(tree, users):
    parts = [
        NewUnit(code="DUK-A-X", name="Đảng bộ Sở Tài chính", kind=kind("dang-bo-co-so")),
        NewUnit(code="DUK-A-Y", name="Đảng bộ Kho bạc", kind=kind("dang-bo-co-so")),
    ]
    membership = Membership.objects.get(user=users.secretary)

    _split(
        tree,
        users,
        parts=parts,
        carry_over=[CarryOver(membership=membership, successor=parts[1], role=Role.SECRETARY)],
    )

    carried = Membership.objects.get(user=users.secretary, end_date__isnull=True)
    assert carried.unit.code == "DUK-A-Y"


def test_split_needs_two_parts(tree, users):
    with pytest.raises(ValidationError, match="Chia tách cần ít nhất hai đơn vị mới"):
        _split(
            tree,
            users,
            parts=[NewUnit(code="DUK-A-X", name="Một phần", kind=kind("dang-bo-co-so"))],
        )


# ---------------------------------------------------------------------------- close


def test_close_hands_children_and_work_to_the_parent_by_default(tree, users):
    day = _day(-1)
    place = _reload(tree.grassroots_a).path

    operation = services.unit_close(
        actor=users.admin, unit=tree.grassroots_a, day=day, decision=DECISION
    )

    old = _reload(tree.grassroots_a)
    assert (old.closed_on, old.is_active, old.path) == (day, False, place)  # stays where it was
    assert {_parent(tree.cell_a1), _parent(tree.cell_a2)} == {tree.bloc}
    assert list(operation.links.values_list("predecessor_id", "successor_id")) == [
        (old.pk, tree.bloc.pk)
    ]
    assert operation.kind == Reorganisation.Kind.CLOSE
    ended = Membership.objects.get(user=users.secretary, unit=old)
    assert ended.end_date == day - datetime.timedelta(days=1)


def test_close_into_another_unit_with_nobody_carried(tree, users):
    services.unit_close(
        actor=users.admin,
        unit=tree.cell_a2,
        day=_day(0),
        decision=DECISION,
        takes_over=tree.cell_a1,
        carry_over=[],
    )

    assert _reload(tree.cell_a2).closed_on == _day(0)
    assert _parent(tree.cell_a2) == tree.cell_a1


# ---------------------------------------------------------------------------- refusals


def test_a_date_in_the_future_is_refused(tree, users):
    with pytest.raises(ValidationError, match="không được sau hôm nay"):
        _merge_new(tree, users, day=_day(1))
    assert not Unit.objects.filter(code="DUK-AB").exists()
    assert _reload(tree.grassroots_a).closed_on is None


def test_a_unit_already_closed_is_refused(tree, users):
    services.unit_close(actor=users.admin, unit=tree.grassroots_b, day=_day(-5), decision=DECISION)

    with pytest.raises(ValidationError, match="đã không còn từ ngày"):
        _merge_new(tree, users)


def test_merging_into_a_unit_of_its_own_subtree_is_refused(tree, users):
    with pytest.raises(ValidationError, match="vào đơn vị trực thuộc của nó"):
        services.unit_merge(
            actor=users.admin,
            predecessors=[tree.grassroots_a, tree.grassroots_b],
            day=_day(0),
            decision=DECISION,
            new=NewUnit(code="DUK-AB", name="Đơn vị mới", kind=kind("chi-bo"), parent=tree.cell_a1),
        )
    assert Unit.objects.filter(code="DUK-AB").count() == 0  # nothing half-done


def test_a_missing_decision_number_is_refused(tree, users):
    with pytest.raises(ValidationError, match="Hãy ghi số quyết định"):
        services.unit_close(
            actor=users.admin, unit=tree.cell_a2, day=_day(0), decision=Decision(number="  ")
        )


def test_an_administrator_of_another_subtree_is_refused(tree, users):
    with pytest.raises(ValidationError, match="Bạn không có quyền với đơn vị này"):
        services.unit_merge(
            actor=users.outside_admin,
            predecessors=[tree.grassroots_a, tree.grassroots_b],
            day=_day(0),
            decision=DECISION,
            into=tree.grassroots_a,
        )
    assert _reload(tree.grassroots_b).closed_on is None


def test_merging_a_unit_with_itself_alone_is_refused(tree, users):
    with pytest.raises(ValidationError, match="Hợp nhất cần ít nhất hai đơn vị"):
        services.unit_merge(
            actor=users.admin,
            predecessors=[tree.grassroots_a],
            day=_day(0),
            decision=DECISION,
            into=tree.grassroots_a,
        )


# ---------------------------------------------------------------------------- no new work


def test_a_closed_unit_takes_no_child_no_membership_and_does_not_move(tree, users):
    services.unit_close(actor=users.admin, unit=tree.cell_a2, day=_day(0), decision=DECISION)
    closed = _reload(tree.cell_a2)

    with pytest.raises(ValidationError, match="đã không còn hoạt động"):
        services.unit_create(
            actor=users.admin, parent=closed, kind=kind("chi-bo"), code="X1", name="Tổ mới"
        )
    with pytest.raises(ValidationError, match="đã không còn hoạt động"):
        services.membership_create(
            actor=users.admin, unit=closed, user=users.nobody, role=Role.SECRETARY
        )
    with pytest.raises(ValidationError, match="đã không còn hoạt động"):
        services.unit_move(actor=users.admin, unit=closed, new_parent=tree.grassroots_b)
    with pytest.raises(ValidationError, match="không thể nhận đơn vị trực thuộc mới"):
        services.unit_move(actor=users.admin, unit=tree.cell_a1, new_parent=closed)


def test_a_move_dated_in_the_future_is_refused(tree, users):
    with pytest.raises(ValidationError, match="Ngày chuyển không được sau hôm nay"):
        services.unit_move(
            actor=users.admin,
            unit=tree.cell_a1,
            new_parent=tree.grassroots_b,
            effective_date=_day(3),
        )


def test_a_rename_under_a_decision_enters_the_units_history(tree, users):
    operation = services.record_simple_operation(
        kind=Reorganisation.Kind.RENAME,
        actor=users.admin,
        unit=tree.bloc_btg,
        day=_day(0),
        decision=Decision(number="03-QĐ/ĐUK"),
    )

    lineage = services.lineage_of(tree.bloc_btg)
    assert [link.operation for link in lineage["changes"]] == [operation]
    assert lineage["predecessors"] == lineage["successors"] == []


# ---------------------------------------------------------------------------- date order


@pytest.fixture
def a2_merged_into_a1(tree, users) -> datetime.date:
    """cell_a2 merged into cell_a1 five days ago: a later change of cell_a1."""
    day = _day(-5)
    services.unit_merge(
        actor=users.admin,
        predecessors=[tree.cell_a1, tree.cell_a2],
        day=day,
        decision=DECISION,
        into=tree.cell_a1,
    )
    return day


OUT_OF_ORDER = (
    "Đã có thay đổi sau ngày này ở %s (ngày %s): hãy nhập các việc sắp xếp theo thứ tự ngày."
)


@pytest.mark.parametrize(
    "operation",
    [
        pytest.param(
            lambda tree, users, day: services.unit_close(
                actor=users.admin, unit=_reload(tree.cell_a1), day=day, decision=DECISION
            ),
            id="close-the-successor",
        ),
        pytest.param(
            lambda tree, users, day: services.unit_close(
                actor=users.admin,
                unit=tree.grassroots_b,
                day=day,
                decision=DECISION,
                takes_over=_reload(tree.cell_a1),
            ),
            id="close-into-it",
        ),
        pytest.param(
            lambda tree, users, day: services.unit_merge(
                actor=users.admin,
                predecessors=[_reload(tree.cell_a1), tree.grassroots_b],
                day=day,
                decision=DECISION,
                into=tree.grassroots_b,
            ),
            id="merge-it-away",
        ),
        pytest.param(
            lambda tree, users, day: services.unit_move(
                actor=users.admin,
                unit=_reload(tree.cell_a1),
                new_parent=tree.grassroots_b,
                effective_date=day,
            ),
            id="move-it",
        ),
        pytest.param(
            lambda tree, users, day: services.unit_rename(
                actor=users.admin,
                unit=_reload(tree.cell_a1),
                name="Chi bộ Văn phòng – Thanh tra",
                short_name="",
                symbol_code="",
                effective_date=day,
            ),
            id="rename-it",
        ),
    ],
)
def test_a_change_dated_before_a_later_operation_of_its_unit_is_refused(
    tree, users, a2_merged_into_a1, operation
):
    before = (UnitPathRecord.objects.count(), Reorganisation.objects.count())

    with pytest.raises(ValidationError) as refused:
        operation(tree, users, a2_merged_into_a1 - datetime.timedelta(days=1))

    assert refused.value.messages == [
        OUT_OF_ORDER % ("Chi bộ Văn phòng", a2_merged_into_a1.strftime("%d/%m/%Y"))
    ]
    assert (UnitPathRecord.objects.count(), Reorganisation.objects.count()) == before
    # The same change on the day of the later one, or after it, is in order.
    operation(tree, users, a2_merged_into_a1)


def test_an_operation_dated_before_a_later_move_of_its_unit_is_refused(tree, users):
    services.unit_move(
        actor=users.admin, unit=tree.cell_a1, new_parent=tree.grassroots_b, effective_date=_day(-3)
    )

    with pytest.raises(ValidationError) as refused:
        services.unit_close(
            actor=users.admin, unit=_reload(tree.cell_a1), day=_day(-4), decision=DECISION
        )

    assert refused.value.messages == [
        OUT_OF_ORDER % ("Chi bộ Văn phòng", _day(-3).strftime("%d/%m/%Y"))
    ]
    assert _reload(tree.cell_a1).closed_on is None


def test_the_date_order_is_checked_in_one_query_however_many_units(
    tree, a2_merged_into_a1, django_assert_num_queries
):
    units = list(Unit.objects.all())

    with django_assert_num_queries(1), pytest.raises(ValidationError, match="Chi bộ Văn phòng"):
        _refuse_out_of_order(units, a2_merged_into_a1 - datetime.timedelta(days=1))
    with django_assert_num_queries(1):
        _refuse_out_of_order(units, a2_merged_into_a1)


# ---------------------------------------------------------------------------- units added later


def test_a_unit_added_by_hand_exists_from_today_or_from_the_day_given(tree, users):
    today = services.unit_create(
        actor=users.admin, parent=tree.grassroots_b, kind=kind("chi-bo"), code="B1", name="Tổ 1"
    )
    earlier = services.unit_create(
        actor=users.admin,
        parent=tree.grassroots_b,
        kind=kind("chi-bo"),
        code="B2",
        name="Tổ 2",
        opened_on=_day(-30),
    )

    assert (today.opened_on, earlier.opened_on) == (_day(0), _day(-30))
    assert not today.existed_on(_day(-1))
    with pytest.raises(ValidationError, match="Ngày thành lập không được sau hôm nay"):
        services.unit_create(
            actor=users.admin,
            parent=tree.grassroots_b,
            kind=kind("chi-bo"),
            code="B3",
            name="Tổ 3",
            opened_on=_day(1),
        )


def _add_child(client, parent: Unit, **data):
    return client.post(
        reverse("units:unit_add_child", args=[parent.pk]),
        {
            "code": "DUK-B-1",
            "name": "Chi bộ Phòng Lãnh sự",
            "kind": kind("chi-bo").pk,
            "member_count": "9",
            "official_count": "0",
            "youth_count": "0",
            "other_count": "0",
            **data,
        },
    )


@pytest.mark.parametrize(
    ("entered", "expected"), [("", 0), (_day(-20).isoformat(), -20)], ids=["blank", "a-date"]
)
def test_the_add_child_form_records_the_founding_day(tree, users, client_for, entered, expected):
    page = client_for(users.admin).get(reverse("units:unit_add_child", args=[tree.grassroots_b.pk]))
    assert "Thành lập từ ngày" in page.text
    assert f'value="{_day(0).isoformat()}"' in page.text

    response = _add_child(client_for(users.admin), tree.grassroots_b, opened_on=entered)

    assert response.status_code == 302
    assert Unit.objects.get(code="DUK-B-1").opened_on == _day(expected)


def test_the_add_child_form_refuses_a_founding_day_in_the_future(tree, users, client_for):
    response = _add_child(client_for(users.admin), tree.grassroots_b, opened_on=_day(1).isoformat())

    assert response.status_code == 200
    assert "Ngày thành lập không được sau hôm nay" in response.text
    assert not Unit.objects.filter(code="DUK-B-1").exists()


# ---------------------------------------------------------------------------- closed stays closed


def test_a_closed_unit_cannot_be_edited_nor_made_active_again(tree, users):
    services.unit_close(actor=users.admin, unit=tree.cell_a2, day=_day(0), decision=DECISION)
    closed = _reload(tree.cell_a2)

    for change in ({"is_active": True}, {"member_count": 99}):
        with pytest.raises(ValidationError, match="đã không còn hoạt động từ ngày"):
            services.unit_update(actor=users.admin, unit=closed, **change)

    closed = _reload(tree.cell_a2)
    assert (closed.is_active, closed.member_count) == (False, 15)


def test_the_tree_import_neither_reopens_a_closed_unit_nor_adds_under_it(tree, users):
    from tests.units.test_import import errors_of, import_rows
    from tests.units.test_tabular import unit_row

    services.unit_close(actor=users.admin, unit=tree.cell_a2, day=_day(-1), decision=DECISION)
    closed_on = _day(-1).strftime("%d/%m/%Y")

    result = import_rows(
        users.admin,
        [
            unit_row("DUK-A-2", "DUK-A", "Chi bộ Thanh tra", member_count=15, is_active="có"),
            unit_row("DUK-A-2-1", "DUK-A-2", "Tổ Thanh tra 1"),
            unit_row("DUK-A-1", "DUK-A", "Chi bộ Văn phòng", member_count=20),
        ],
    )

    assert errors_of(result) == [
        (
            2,
            f"đơn vị đã không còn hoạt động từ ngày {closed_on}: không thể đặt lại là đang "
            "hoạt động (hãy ghi “không” ở cột “Đang hoạt động”)",
        ),
        (3, f"đơn vị cấp trên “DUK-A-2” đã không còn hoạt động từ ngày {closed_on}"),
    ]
    closed = _reload(tree.cell_a2)
    assert (closed.is_active, closed.closed_on) == (False, _day(-1))
    assert not Unit.objects.filter(code="DUK-A-2-1").exists()


def test_the_tree_import_takes_back_its_own_export_after_a_closure(tree, users):
    from tests.units.test_import import import_rows
    from units.selectors import export_rows

    services.unit_close(actor=users.admin, unit=tree.cell_a2, day=_day(-1), decision=DECISION)

    result = import_rows(users.admin, list(export_rows(tree.bloc)))

    assert (result.errors, result.updated) == ([], 0)
    # A file saying something else about the closed unit is refused.
    rows = list(export_rows(tree.bloc))
    for row in rows:
        if row["code"] == "DUK-A-2":
            row["member_count"] = 16
    assert (
        import_rows(users.admin, rows)
        .errors[0]
        .message.endswith("không thay đổi được thông tin của đơn vị này")
    )


# ---------------------------------------------------------------------------- nested merge


@pytest.mark.parametrize("into", [False, True], ids=["into-new", "into-a-third"])
def test_merging_a_unit_with_its_own_child_is_refused(tree, users, into):
    kwargs = (
        {"into": tree.grassroots_b}
        if into
        else {"new": NewUnit(code="DUK-AB", name="Đơn vị mới", kind=kind("dang-bo-co-so"))}
    )

    with pytest.raises(ValidationError) as refused:
        services.unit_merge(
            actor=users.admin,
            predecessors=[tree.grassroots_a, tree.cell_a1, tree.grassroots_b],
            day=_day(0),
            decision=DECISION,
            **kwargs,
        )

    assert refused.value.code == "merge_nested"
    assert refused.value.messages == [
        "Không thể hợp nhất một đơn vị với đơn vị trực thuộc của nó: "
        "Chi bộ Văn phòng thuộc Đảng bộ Sở Tài chính."
    ]
    assert not Reorganisation.objects.exists()
    assert _reload(tree.cell_a1).closed_on is None


def test_a_cell_merged_into_its_own_committee_adds_its_members(tree, users):
    services.unit_merge(
        actor=users.admin,
        predecessors=[tree.cell_a1, tree.grassroots_a],
        day=_day(0),
        decision=DECISION,
        into=tree.grassroots_a,
    )

    assert _reload(tree.cell_a1).closed_on == _day(0)
    assert _reload(tree.grassroots_a).member_count == tree.grassroots_a.member_count + 20


# ---------------------------------------------------------------------------- carry-over rules


def test_the_operator_does_not_carry_their_own_role_over(tree, users):
    own = MembershipFactory(user=users.admin, unit=tree.grassroots_a, role=Role.STAFF)

    with pytest.raises(ValidationError, match="Bạn không thể tự phân công vai trò cho chính mình"):
        _merge_new(tree, users, carry_over=[CarryOver(membership=own, successor=tree.bloc)])
    assert not Reorganisation.objects.exists()

    _merge_new(tree, users)  # everyone by default: the operator's own role just ends

    new = Unit.objects.get(code="DUK-AB")
    assert not Membership.objects.filter(user=users.admin, unit=new).exists()
    assert Membership.objects.get(pk=own.pk).end_date == _day(-11)
    assert Membership.objects.filter(user=users.secretary, unit=new).exists()


def test_a_carry_over_does_not_overlap_a_later_appointment_in_the_successor(tree, users):
    # The secretary of grassroots_a is to become secretary of grassroots_b from 5 days ago;
    # grassroots_a is merged into grassroots_b ten days ago.
    later = MembershipFactory(
        user=users.secretary, unit=tree.grassroots_b, role=Role.SECRETARY, start_date=_day(-5)
    )
    old = Membership.objects.get(user=users.secretary, unit=tree.grassroots_a)

    def merge(carry_over):
        return services.unit_merge(
            actor=users.admin,
            predecessors=[tree.grassroots_a, tree.grassroots_b],
            day=_day(-10),
            decision=DECISION,
            into=tree.grassroots_b,
            carry_over=carry_over,
        )

    with pytest.raises(ValidationError, match="đã được phân công vai trò này ở Chi bộ Sở Ngoại vụ"):
        merge([CarryOver(membership=old, successor=tree.grassroots_b)])

    merge(None)  # by default the appointment there stands

    assert list(
        Membership.objects.filter(user=users.secretary, unit=tree.grassroots_b).values_list(
            "pk", "start_date"
        )
    ) == [(later.pk, _day(-5))]


def test_a_carried_over_role_is_validated_like_any_other(tree, users):
    old = Membership.objects.get(user=users.secretary, unit=tree.grassroots_a)

    with pytest.raises(ValidationError, match="120"):
        _merge_new(
            tree,
            users,
            carry_over=[CarryOver(membership=old, successor=tree.bloc, position="Bí thư " * 30)],
        )
    assert not Membership.objects.filter(unit=tree.bloc, user=users.secretary).exists()


@pytest.mark.parametrize("carried", [False, True], ids=["ended", "carried-over"])
def test_an_appointment_after_the_day_never_opens_the_closed_unit(tree, users, carried):
    appointed = UserFactory(username="appointed")
    MembershipFactory(user=appointed, unit=tree.grassroots_a, role=Role.STAFF, start_date=_day(-8))

    operation = _merge_new(tree, users, day=_day(-10), **({} if carried else {"carry_over": []}))

    assert not Membership.objects.filter(user=appointed, unit=tree.grassroots_a).exists()
    if not carried:
        assert not can(_fresh(appointed), Capability.VIEW, _reload(tree.grassroots_a))
    now = Membership.objects.filter(user=appointed).values_list("unit__code", "start_date")
    assert list(now) == ([("DUK-AB", _day(-8))] if carried else [])
    assert operation.summary["memberships_ended"] == 2  # the secretary and the appointment


# ---------------------------------------------------------------------------- locked rows


def test_a_merge_checks_the_successor_as_it_is_in_the_database(tree, users):
    stale = _reload(tree.grassroots_b)  # read before another operation closed it
    services.unit_close(actor=users.admin, unit=tree.grassroots_b, day=_day(-5), decision=DECISION)

    with pytest.raises(ValidationError, match="đã không còn từ ngày"):
        services.unit_merge(
            actor=users.admin,
            predecessors=[tree.cell_a2, stale],
            day=_day(0),
            decision=DECISION,
            into=stale,
        )
    assert _reload(tree.cell_a2).closed_on is None


@pytest.mark.postgres
def test_a_merge_locks_all_its_units_in_one_statement(tree, users):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        services.unit_merge(
            actor=users.admin,
            predecessors=[tree.cell_a2, tree.grassroots_b],
            day=_day(0),
            decision=DECISION,
            into=tree.grassroots_b,
        )

    locks = [q["sql"] for q in queries.captured_queries if "FOR UPDATE" in q["sql"]]
    assert len(locks) == 1
    assert "ORDER BY" in locks[0]


# ---------------------------------------------------------------------------- simple operations


def test_a_rename_or_move_is_recorded_only_by_a_manager_of_an_open_unit(tree, users):
    def record(actor, unit):
        return services.record_simple_operation(
            kind=Reorganisation.Kind.RENAME,
            actor=actor,
            unit=unit,
            day=_day(0),
            decision=Decision(number="03-QĐ/ĐUK"),
        )

    with pytest.raises(ValidationError, match="Bạn không có quyền với đơn vị này"):
        record(users.outside_admin, tree.bloc_btg)
    services.unit_close(actor=users.admin, unit=tree.cell_a2, day=_day(0), decision=DECISION)
    with pytest.raises(ValidationError, match="đã không còn hoạt động"):
        record(users.admin, _reload(tree.cell_a2))
    with pytest.raises(ValidationError, match="Hãy ghi số quyết định"):
        services.record_simple_operation(
            kind=Reorganisation.Kind.MOVE,
            actor=users.admin,
            unit=tree.bloc_btg,
            day=_day(0),
            decision=Decision(number=""),
        )
    assert Reorganisation.objects.count() == 1  # the closure only
