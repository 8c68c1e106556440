"""Reading a membership's position: who heads a unit, who deputises, and who is neither."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tests.factories import MembershipFactory, UserFactory
from units.models import Role
from units.positions import Rank, membership_title, position_title
from units.selectors import unit_leadership

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("position", "rank", "title"),
    [
        ("Trưởng ban", Rank.HEAD, "Trưởng ban"),
        ("Trưởng Ban Tuyên giáo Đảng ủy Khối", Rank.HEAD, "Trưởng ban"),
        ("Bí thư Chi bộ Văn phòng Sở Tài chính", Rank.HEAD, "Bí thư"),
        ("Ủy viên Ban Thường vụ, Trưởng ban Tuyên giáo", Rank.HEAD, "Trưởng ban"),
        ("CHÁNH VĂN PHÒNG", Rank.HEAD, "Chánh Văn phòng"),
        ("Chủ nhiệm Ủy ban Kiểm tra", Rank.HEAD, "Chủ nhiệm"),
        ("Phó Trưởng ban Tuyên giáo", Rank.DEPUTY, "Phó Trưởng ban"),
        ("Phó Bí thư Thường trực Đảng ủy Khối", Rank.DEPUTY, "Phó Bí thư"),
        ("phó  bí thư", Rank.DEPUTY, "Phó Bí thư"),
    ],
)
def test_a_head_or_deputy_is_read_from_the_position(position, rank, title):
    found = position_title(position)

    assert found is not None
    assert (found.rank, found.title) == (rank, title)


@pytest.mark.parametrize(
    "position",
    [
        "Chuyên viên Ban Tuyên giáo Đảng ủy Khối",
        "Chuyên viên",
        "Ủy viên Ban Chấp hành",
        "Cán bộ Văn phòng",
        "Trưởngx",
        "",
    ],
)
def test_staff_and_members_are_neither_head_nor_deputy(position):
    assert position_title(position) is None


def test_a_secretary_without_a_position_is_the_units_secretary():
    title = membership_title("", Role.SECRETARY)

    assert title is not None
    assert (title.rank, title.title) == (Rank.HEAD, "Bí thư")
    assert membership_title("", Role.STAFF) is None
    assert membership_title("Chuyên viên", Role.SECRETARY) is None


def test_the_leadership_lists_the_head_first_then_the_standing_deputy_and_no_staff(
    tree, django_assert_num_queries
):
    def member(name: str, position: str, **dates) -> None:
        MembershipFactory(
            user=UserFactory(full_name=name),
            unit=tree.bloc,
            role=Role.LEADER,
            position=position,
            **dates,
        )

    today = timezone.localdate()
    member("Phó Một", "Phó Bí thư Đảng ủy Khối")
    member("Phó Thường Trực", "Phó Bí thư Thường trực Đảng ủy Khối")
    member("Bí Thư Mới", "Bí thư Đảng ủy Khối", start_date=today)
    member("Bí Thư Cũ", "Bí thư Đảng ủy Khối", end_date=today - datetime.timedelta(days=1))
    member("Chuyên Viên", "Chuyên viên Văn phòng Đảng ủy Khối")

    with django_assert_num_queries(1):
        leaders = unit_leadership(tree.bloc, today)

    assert [(leader.name, leader.title.title) for leader in leaders] == [
        ("Bí Thư Mới", "Bí thư"),
        ("Phó Thường Trực", "Phó Bí thư"),
        ("Phó Một", "Phó Bí thư"),
    ]
    # On a day before the rotation, the earlier secretary held the post.
    earlier = unit_leadership(tree.bloc, today - datetime.timedelta(days=2))
    assert earlier[0].name == "Bí Thư Cũ"
