"""The shared named tree, one named user per role, one user outside the tree, and client_for."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.test import Client

from tests.factories import MembershipFactory, UnitFactory, UserFactory, kind
from units.models import Role

PASSWORD = "Mat-khau-2024"


@pytest.fixture
def tree(db) -> SimpleNamespace:
    """city ─┬ city_btg
    ├ bloc ─┬ bloc_btg
    │       ├ grassroots_a ─┬ cell_a1 (20 members)
    │       │               └ cell_a2 (15 members)
    │       └ grassroots_b (12 members, a grassroots cell)
    └ other_bloc ── other_grassroots ── other_cell (30 members)
    """
    city = UnitFactory(
        code="TU", name="Thành ủy Cần Thơ", kind=kind("tinh-uy"), member_count=0, symbol_code="TU"
    )
    city_btg = UnitFactory(
        parent=city,
        code="TU-BTG",
        name="Ban Tuyên giáo Thành ủy",
        kind=kind("ban-dang"),
        member_count=0,
    )
    bloc = UnitFactory(
        parent=city,
        code="DUK",
        name="Đảng ủy Khối cơ quan Dân Chính Đảng",
        kind=kind("dang-uy-cap-tren-co-so"),
        member_count=0,
        symbol_code="ĐUK",
    )
    bloc_btg = UnitFactory(
        parent=bloc,
        code="DUK-BTG",
        name="Ban Tuyên giáo Đảng ủy Khối",
        kind=kind("ban-dang"),
        member_count=0,
    )
    grassroots_a = UnitFactory(
        parent=bloc,
        code="DUK-A",
        name="Đảng bộ Sở Tài chính",
        kind=kind("dang-bo-co-so"),
        member_count=0,
    )
    cell_a1 = UnitFactory(
        parent=grassroots_a, code="DUK-A-1", name="Chi bộ Văn phòng", member_count=20
    )
    cell_a2 = UnitFactory(
        parent=grassroots_a, code="DUK-A-2", name="Chi bộ Thanh tra", member_count=15
    )
    grassroots_b = UnitFactory(
        parent=bloc,
        code="DUK-B",
        name="Chi bộ Sở Ngoại vụ",
        kind=kind("chi-bo-co-so"),
        member_count=12,
    )
    other_bloc = UnitFactory(
        parent=city,
        code="DUK2",
        name="Đảng ủy Khối Doanh nghiệp",
        kind=kind("dang-uy-cap-tren-co-so"),
        member_count=0,
    )
    other_grassroots = UnitFactory(
        parent=other_bloc,
        code="DUK2-A",
        name="Đảng bộ Công ty Cấp nước",
        kind=kind("dang-bo-co-so"),
        member_count=0,
    )
    other_cell = UnitFactory(
        parent=other_grassroots, code="DUK2-A-1", name="Chi bộ Nhà máy nước", member_count=30
    )
    return SimpleNamespace(
        city=city,
        city_btg=city_btg,
        bloc=bloc,
        bloc_btg=bloc_btg,
        grassroots_a=grassroots_a,
        cell_a1=cell_a1,
        cell_a2=cell_a2,
        grassroots_b=grassroots_b,
        other_bloc=other_bloc,
        other_grassroots=other_grassroots,
        other_cell=other_cell,
    )


@pytest.fixture
def users(tree) -> SimpleNamespace:
    """One user per role in the bloc's subtree, one outside it, and a superuser."""

    def member(username: str, role: str, unit) -> object:
        user = UserFactory(username=username, full_name=username.replace("_", " ").title())
        MembershipFactory(user=user, unit=unit, role=role)
        return user

    return SimpleNamespace(
        admin=member("admin", Role.ADMIN, tree.bloc),
        staff=member("staff", Role.STAFF, tree.bloc),
        leader=member("leader", Role.LEADER, tree.bloc),
        secretary=member("secretary", Role.SECRETARY, tree.grassroots_a),
        cell_secretary=member("cell_secretary", Role.SECRETARY, tree.cell_a1),
        outsider=member("outsider", Role.SECRETARY, tree.other_grassroots),
        outside_admin=member("outside_admin", Role.ADMIN, tree.other_bloc),
        nobody=UserFactory(username="nobody"),
        superuser=UserFactory(username="root", is_superuser=True, is_staff=True),
    )


@pytest.fixture
def client_for(db):
    """`client_for(user)`: a test client logged in as that user."""

    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make
