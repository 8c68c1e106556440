"""units.services: renames keep history, moves carry subtrees, memberships do not overlap."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.factories import MembershipFactory, UserFactory, kind
from units import services
from units.models import Membership, Role, Unit, UnitNameRecord, User

pytestmark = pytest.mark.django_db


def _day(offset: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=offset)


def _reload(unit: Unit) -> Unit:
    return Unit.objects.get(pk=unit.pk)


# ---------------------------------------------------------------------------- rename


def test_rename_keeps_the_old_name_and_code_with_their_dates(tree, users):
    Unit.objects.filter(pk=tree.bloc.pk).update(name_since=datetime.date(2020, 1, 1))
    bloc = _reload(tree.bloc)

    services.unit_rename(
        actor=users.admin,
        unit=bloc,
        name="  Đảng ủy Khối các cơ quan  thành phố ",
        short_name="ĐUK CQ",
        symbol_code="ĐUKCQ",
        effective_date=datetime.date(2025, 7, 1),
    )

    bloc = _reload(tree.bloc)
    assert (bloc.name, bloc.short_name, bloc.symbol_code) == (
        "Đảng ủy Khối các cơ quan thành phố",
        "ĐUK CQ",
        "ĐUKCQ",
    )
    assert bloc.name_since == datetime.date(2025, 7, 1)
    record = UnitNameRecord.objects.get(unit=bloc)
    assert (record.name, record.symbol_code) == ("Đảng ủy Khối cơ quan Dân Chính Đảng", "ĐUK")
    assert (record.valid_from, record.valid_until) == (
        datetime.date(2020, 1, 1),
        datetime.date(2025, 6, 30),
    )
    assert record.recorded_by == users.admin


def test_second_rename_adds_a_second_record(tree, users):
    unit = tree.grassroots_b
    services.unit_rename(
        actor=users.admin,
        unit=unit,
        name="Chi bộ Sở Ngoại vụ (mới)",
        short_name="",
        symbol_code="",
        effective_date=datetime.date(2025, 3, 1),
    )
    services.unit_rename(
        actor=users.admin,
        unit=unit,
        name="Chi bộ Sở Ngoại vụ và Du lịch",
        short_name="",
        symbol_code="",
        effective_date=datetime.date(2025, 9, 1),
    )

    history = list(unit.name_history.values_list("name", "valid_from", "valid_until"))
    assert history == [
        ("Chi bộ Sở Ngoại vụ (mới)", datetime.date(2025, 3, 1), datetime.date(2025, 8, 31)),
        ("Chi bộ Sở Ngoại vụ", None, datetime.date(2025, 2, 28)),
    ]


@pytest.mark.parametrize("effective", [datetime.date(2024, 5, 1), datetime.date(2023, 1, 1)])
def test_rename_refuses_a_date_not_after_the_current_name_started(tree, users, effective):
    Unit.objects.filter(pk=tree.bloc.pk).update(name_since=datetime.date(2024, 5, 1))
    bloc = _reload(tree.bloc)

    with pytest.raises(ValidationError) as error:
        services.unit_rename(
            actor=users.admin,
            unit=bloc,
            name="Tên khác",
            short_name="",
            symbol_code="",
            effective_date=effective,
        )

    assert error.value.code == "rename_before_current"
    assert "01/05/2024" in error.value.messages[0]
    assert _reload(tree.bloc).name == "Đảng ủy Khối cơ quan Dân Chính Đảng"
    assert not UnitNameRecord.objects.exists()


def test_rename_refuses_an_unchanged_name(tree, users):
    with pytest.raises(ValidationError) as error:
        services.unit_rename(
            actor=users.admin,
            unit=tree.bloc,
            name=" Đảng ủy Khối cơ quan Dân Chính Đảng ",
            short_name="",
            symbol_code="ĐUK",
            effective_date=_day(0),
        )

    assert error.value.code == "unchanged"
    assert not UnitNameRecord.objects.exists()


# ---------------------------------------------------------------------------- move


def test_move_carries_the_whole_subtree(tree, users):
    services.unit_move(actor=users.admin, unit=tree.grassroots_a, new_parent=tree.grassroots_b)

    moved = _reload(tree.grassroots_a)
    target = _reload(tree.grassroots_b)
    assert moved.path[: -Unit.steplen] == target.path
    assert moved.depth == target.depth + 1
    for cell in (tree.cell_a1, tree.cell_a2):
        cell = _reload(cell)
        assert cell.path.startswith(moved.path)
        assert cell.depth == moved.depth + 1
    assert Unit.objects.find_problems() == ([], [], [], [], [])
    assert _reload(tree.bloc).numchild == 2
    assert target.numchild == 1
    assert moved.numchild == 2
    assert [u.code for u in Unit.objects.get_children(target)] == ["DUK-A"]


def test_move_keeps_figures_of_the_subtree(tree, users):
    services.unit_move(actor=users.admin, unit=tree.grassroots_a, new_parent=tree.bloc_btg)

    members = sum(
        Unit.objects.filter(path__startswith=_reload(tree.bloc_btg).path).values_list(
            "member_count", flat=True
        )
    )
    assert members == 35


def test_move_refuses_moving_into_its_own_descendant(tree, users):
    with pytest.raises(ValidationError) as error:
        services.unit_move(actor=users.admin, unit=tree.grassroots_a, new_parent=tree.cell_a1)

    assert error.value.code == "move_into_self"
    assert _reload(tree.cell_a1).path.startswith(_reload(tree.grassroots_a).path)
    assert Unit.objects.find_problems() == ([], [], [], [], [])


def test_move_refuses_moving_into_itself(tree, users):
    with pytest.raises(ValidationError) as error:
        services.unit_move(actor=users.admin, unit=tree.grassroots_a, new_parent=tree.grassroots_a)

    assert error.value.code == "move_into_self"


def test_move_refuses_a_target_the_actor_does_not_manage(tree, users):
    before = _reload(tree.grassroots_a).path

    with pytest.raises(ValidationError) as error:
        services.unit_move(actor=users.admin, unit=tree.grassroots_a, new_parent=tree.other_bloc)

    assert error.value.code == "forbidden"
    assert _reload(tree.grassroots_a).path == before


def test_move_refuses_a_unit_the_actor_does_not_manage(tree, users):
    with pytest.raises(ValidationError) as error:
        services.unit_move(
            actor=users.outside_admin, unit=tree.grassroots_a, new_parent=tree.other_bloc
        )

    assert error.value.code == "forbidden"


# ---------------------------------------------------------------------------- memberships


@pytest.mark.parametrize(
    ("existing", "new"),
    [
        ((None, None), (None, None)),
        ((None, None), (_day(10), None)),
        # A row without a start date has held the role since always.
        ((None, None), (None, _day(10))),
        ((None, None), (_day(-100), _day(-50))),
        ((_day(-30), None), (_day(0), None)),
        ((_day(-30), _day(10)), (_day(10), None)),  # the same day counts twice
        ((_day(-30), _day(10)), (None, _day(-30))),
        ((_day(5), _day(10)), (_day(0), _day(5))),
        ((None, _day(10)), (_day(0), _day(20))),
    ],
)
def test_membership_create_refuses_an_overlapping_duplicate(tree, users, existing, new):
    user = UserFactory()
    MembershipFactory(
        user=user,
        unit=tree.grassroots_b,
        role=Role.SECRETARY,
        start_date=existing[0],
        end_date=existing[1],
    )

    with pytest.raises(ValidationError) as error:
        services.membership_create(
            actor=users.admin,
            unit=tree.grassroots_b,
            user=user,
            role=Role.SECRETARY,
            start_date=new[0],
            end_date=new[1],
        )

    assert error.value.code == "duplicate"
    assert Membership.objects.filter(user=user).count() == 1


@pytest.mark.parametrize(
    ("existing", "new"),
    [
        ((_day(-30), _day(-1)), (_day(0), None)),
        ((_day(5), None), (None, _day(4))),
        ((_day(5), None), (_day(0), _day(4))),
    ],
)
def test_membership_create_allows_a_later_term_after_an_earlier_one(tree, users, existing, new):
    user = UserFactory()
    MembershipFactory(
        user=user,
        unit=tree.grassroots_b,
        role=Role.SECRETARY,
        start_date=existing[0],
        end_date=existing[1],
    )

    services.membership_create(
        actor=users.admin,
        unit=tree.grassroots_b,
        user=user,
        role=Role.SECRETARY,
        start_date=new[0],
        end_date=new[1],
    )

    assert Membership.objects.filter(user=user).count() == 2


def test_membership_create_allows_another_role_at_the_same_time(tree, users):
    services.membership_create(
        actor=users.admin, unit=tree.bloc, user=users.staff, role=Role.LEADER, position="Phó Ban"
    )

    assert set(Membership.objects.filter(user=users.staff).values_list("role", flat=True)) == {
        Role.STAFF,
        Role.LEADER,
    }


def test_membership_create_refuses_an_unknown_role(tree, users):
    with pytest.raises(ValidationError) as error:
        services.membership_create(
            actor=users.admin, unit=tree.bloc, user=users.nobody, role="chairman"
        )

    assert error.value.code == "bad_role"


def test_membership_end_records_the_end_date_and_keeps_the_row(tree, users):
    membership = Membership.objects.get(user=users.secretary)

    services.membership_end(actor=users.admin, membership=membership, end_date=_day(-1))

    membership.refresh_from_db()
    assert membership.end_date == _day(-1)
    assert not Membership.objects.filter(user=users.secretary).active().exists()


def test_membership_end_refuses_a_date_before_the_start(tree, users):
    membership = Membership.objects.get(user=users.secretary)

    with pytest.raises(ValidationError) as error:
        services.membership_end(actor=users.admin, membership=membership, end_date=_day(-31))

    assert error.value.code == "end_before_start"
    membership.refresh_from_db()
    assert membership.end_date is None


def test_user_create_stores_a_usable_password(tree, users):
    user = services.user_create(
        actor=users.admin,
        username=" nguyen_van_a ",
        full_name="Nguyễn  Văn A",
        email="a@example.vn",
        password="Mat-khau-rat-dai-2024",
    )

    user = User.objects.get(pk=user.pk)
    assert user.username == "nguyen_van_a"
    assert user.full_name == "Nguyễn Văn A"
    assert user.check_password("Mat-khau-rat-dai-2024")


# ---------------------------------------------------------------------------- scope


def _calls(tree, users):
    """Each service, called by the other bloc's administrator on something of our bloc."""
    secretary_membership = Membership.objects.get(user=users.secretary)
    return {
        "unit_create": lambda actor: services.unit_create(
            actor=actor, parent=tree.bloc, kind=kind("chi-bo"), code="X-1", name="Chi bộ X"
        ),
        "unit_create_root": lambda actor: services.unit_create(
            actor=actor, parent=None, kind=kind("tinh-uy"), code="X-ROOT", name="Tỉnh ủy X"
        ),
        "unit_update": lambda actor: services.unit_update(
            actor=actor, unit=tree.cell_a1, member_count=1
        ),
        "unit_rename": lambda actor: services.unit_rename(
            actor=actor,
            unit=tree.cell_a1,
            name="Tên lạ",
            short_name="",
            symbol_code="",
            effective_date=_day(0),
        ),
        "unit_move": lambda actor: services.unit_move(
            actor=actor, unit=tree.cell_a1, new_parent=tree.grassroots_b
        ),
        "membership_create": lambda actor: services.membership_create(
            actor=actor, unit=tree.cell_a1, user=users.nobody, role=Role.ADMIN
        ),
        "membership_end": lambda actor: services.membership_end(
            actor=actor, membership=secretary_membership, end_date=_day(0)
        ),
    }


def _state() -> tuple[list, list]:
    return (
        list(Unit.objects.order_by("pk").values_list("path", "name", "member_count")),
        list(Membership.objects.order_by("pk").values_list("pk", "end_date")),
    )


SERVICES = [
    "unit_create",
    "unit_create_root",
    "unit_update",
    "unit_rename",
    "unit_move",
    "membership_create",
    "membership_end",
]


@pytest.mark.parametrize("who", ["outside_admin", "staff", "leader", "secretary", "nobody"])
@pytest.mark.parametrize("service", SERVICES)
def test_services_refuse_an_actor_without_manage_on_the_unit(tree, users, service, who):
    before = _state()

    with pytest.raises(ValidationError) as error:
        _calls(tree, users)[service](getattr(users, who))

    assert error.value.code == "forbidden"
    assert error.value.messages[0] in {
        "Bạn không có quyền với đơn vị này.",
        "Chỉ quản trị hệ thống được tạo đơn vị gốc.",
    }
    assert _state() == before


@pytest.mark.parametrize("service", [s for s in SERVICES if s != "unit_create_root"])
def test_the_same_services_work_for_the_blocs_administrator(tree, users, service):
    _calls(tree, users)[service](users.admin)

    assert Unit.objects.find_problems() == ([], [], [], [], [])


@pytest.mark.parametrize("who", ["staff", "leader", "secretary", "nobody"])
def test_user_create_refuses_an_actor_who_manages_nothing(users, who):
    with pytest.raises(ValidationError) as error:
        services.user_create(
            actor=getattr(users, who),
            username="moi",
            full_name="Người Mới",
            email="",
            password="Mat-khau-rat-dai-2024",
        )

    assert error.value.code == "forbidden"
    assert not User.objects.filter(username="moi").exists()


def test_membership_end_refuses_a_membership_that_has_already_ended(tree, users):
    membership = MembershipFactory(unit=tree.cell_a2, role=Role.SECRETARY, end_date=_day(-3))

    with pytest.raises(ValidationError) as caught:
        services.membership_end(actor=users.admin, membership=membership, end_date=_day(5))

    assert caught.value.code == "already_ended"
    membership.refresh_from_db()
    assert membership.end_date == _day(-3)


def test_membership_grant_creates_a_new_user_with_the_role(tree, users):
    membership = services.membership_grant(
        actor=users.admin,
        unit=tree.cell_a2,
        username="bithu.thanhtra",
        role=Role.SECRETARY,
        full_name="Ngô Thị Lan",
        password="Chi-bo-Thanh-tra-2024",
    )

    assert membership.user.full_name == "Ngô Thị Lan"
    assert membership.user.check_password("Chi-bo-Thanh-tra-2024")
    assert membership.unit == tree.cell_a2


def test_membership_grant_leaves_no_new_user_behind_when_the_role_is_refused(tree, users):
    with pytest.raises(ValidationError):
        services.membership_grant(
            actor=users.admin,
            unit=tree.other_cell,  # outside the admin's subtree
            username="nguoi.moi",
            role=Role.SECRETARY,
            full_name="Người Mới",
            password="Mat-khau-rat-dai-2024",
        )

    assert not User.objects.filter(username="nguoi.moi").exists()


def test_an_administrator_cannot_grant_a_role_to_themselves(tree, users):
    with pytest.raises(ValidationError) as caught:
        services.membership_create(
            actor=users.admin, unit=tree.cell_a1, user=users.admin, role=Role.STAFF
        )

    assert caught.value.code == "self_grant"
    assert not Membership.objects.filter(user=users.admin, role=Role.STAFF).exists()


def test_a_rename_cannot_take_effect_in_the_future(tree, users):
    with pytest.raises(ValidationError) as caught:
        services.unit_rename(
            actor=users.admin,
            unit=tree.cell_a1,
            name="Chi bộ Văn phòng Sở",
            short_name="",
            symbol_code="",
            effective_date=_day(30),
        )

    assert caught.value.code == "rename_in_future"
    assert _reload(tree.cell_a1).name == "Chi bộ Văn phòng"
