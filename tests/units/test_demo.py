"""seed_demo builds the Cần Thơ world of the reference directive, once."""

import io

import pytest
from django.core.management import call_command

from units.demo import DEMO_LOGINS, DEMO_PASSWORD, seed_demo_world
from units.models import Membership, Role, Unit, UnitNameRecord, User

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_seed_builds_a_realistic_tree_around_the_reference_directive():
    seed_demo_world()  # the tree of 2024; seed_demo reorganises it on 1 July 2025
    bloc = Unit.objects.get(name="Đảng ủy Khối cơ quan Dân Chính Đảng thành phố Cần Thơ")
    subtree = Unit.objects.filter(path__startswith=bloc.path)
    assert Unit.objects.count() >= 150
    assert subtree.filter(kind__is_grassroots=True).count() >= 30
    assert subtree.filter(kind__code="chi-bo").count() >= 60
    names = set(subtree.values_list("name", flat=True))
    assert {"Ban Tuyên giáo Đảng ủy Khối", "Đoàn Khối", "Hội Cựu chiến binh Khối"} <= names
    assert Unit.objects.get(symbol_code="BTGĐUK").place_name == "Cần Thơ"
    assert Unit.objects.get(symbol_code="BTGTU").name == "Ban Tuyên giáo Thành ủy Cần Thơ"
    cells = subtree.filter(kind__counts_members=True)
    assert all(5 <= c.member_count <= 40 for c in cells)
    assert Unit.objects.find_problems() == ([], [], [], [], [])


def test_seed_gives_one_demo_user_per_role_who_can_log_in():
    seed()
    assert {login.role for login in DEMO_LOGINS} == set(Role.values)
    for login in DEMO_LOGINS:
        user = User.objects.get(username=login.username)
        assert user.check_password(DEMO_PASSWORD)
        assert Membership.objects.active().filter(user=user, role=login.role).exists()


def test_running_the_seed_twice_changes_nothing():
    first = seed()
    snapshot = list(
        Unit.objects.order_by("path").values_list("code", "path", "name", "member_count")
    )
    users = list(User.objects.order_by("username").values_list("username", "password"))
    memberships = Membership.objects.count()

    second = seed()

    assert (
        list(Unit.objects.order_by("path").values_list("code", "path", "name", "member_count"))
        == snapshot
    )
    assert list(User.objects.order_by("username").values_list("username", "password")) == users
    assert Membership.objects.count() == memberships
    assert UnitNameRecord.objects.count() == 0
    assert "thêm 0 đơn vị, 0 người dùng" in second
    assert "thêm 0 đơn vị" not in first


def test_seed_prints_every_login_and_the_password():
    output = seed()
    assert DEMO_PASSWORD in output
    for login in DEMO_LOGINS:
        assert login.username in output
