"""The unit pages as a person uses them: forms, messages, access after changes, query counts."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import kind
from units.models import Membership, Role, Unit, UnitNameRecord, User
from units.services import unit_rename, unit_tree_import

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Truong-son-2025!"


def _day(offset: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=offset)


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _url(name: str, obj) -> str:
    return reverse(f"units:{name}", args=[obj.pk])


# ---------------------------------------------------------------------------- edit and add


def test_edit_saves_the_new_headcounts(tree, users, client_for):
    response = client_for(users.admin).post(
        _url("unit_edit", tree.cell_a1),
        {
            "kind": kind("chi-bo").pk,
            "place_name": "Ninh Kiều",
            "member_count": "23",
            "official_count": "5",
            "youth_count": "7",
            "other_count": "0",
            "is_active": "on",
        },
        follow=True,
    )

    assert response.redirect_chain[-1][0] == tree.cell_a1.get_absolute_url()
    assert "Đã lưu thông tin đơn vị." in response.text
    cell = Unit.objects.get(pk=tree.cell_a1.pk)
    assert (cell.place_name, cell.member_count, cell.official_count, cell.youth_count) == (
        "Ninh Kiều",
        23,
        5,
        7,
    )


def test_edit_with_a_negative_count_shows_the_form_again(tree, users, client_for):
    response = client_for(users.admin).post(
        _url("unit_edit", tree.cell_a1),
        {"kind": kind("chi-bo").pk, "place_name": "Bình Thủy", "member_count": "-1"},
    )

    assert response.status_code == 200
    assert 'value="Bình Thủy"' in response.text
    assert "Đảm bảo giá trị này lớn hơn hoặc bằng với 0" in response.text
    assert Unit.objects.get(pk=tree.cell_a1.pk).member_count == 20


def test_add_child_puts_the_new_unit_under_the_parent(tree, users, client_for):
    response = client_for(users.admin).post(
        _url("unit_add_child", tree.grassroots_b),
        {
            "code": "DUK-B-1",
            "name": "Chi bộ Phòng Lãnh sự",
            "kind": kind("chi-bo").pk,
            "member_count": "9",
            "official_count": "0",
            "youth_count": "0",
            "other_count": "0",
        },
        follow=True,
    )

    child = Unit.objects.get(code="DUK-B-1")
    assert "Đã thêm đơn vị “Chi bộ Phòng Lãnh sự”." in response.text
    assert child.path.startswith(tree.grassroots_b.path)
    assert Unit.objects.get(pk=tree.grassroots_b.pk).numchild == 1
    assert Unit.objects.find_problems() == ([], [], [], [], [])


def test_add_child_with_a_code_in_use_says_so(tree, users, client_for):
    response = client_for(users.admin).post(
        _url("unit_add_child", tree.grassroots_b),
        {"code": "DUK-A", "name": "Chi bộ trùng mã", "kind": kind("chi-bo").pk},
    )

    assert response.status_code == 200
    assert "đã tồn tại" in response.text
    assert 'value="Chi bộ trùng mã"' in response.text
    assert Unit.objects.filter(code="DUK-A").count() == 1


# ---------------------------------------------------------------------------- rename


def test_rename_form_keeps_the_old_name_under_ten_cu(tree, users, client_for):
    client = client_for(users.admin)
    response = client.post(
        _url("unit_rename", tree.bloc),
        {
            "name": "Đảng ủy các cơ quan Đảng thành phố",
            "short_name": "ĐUCQĐ",
            "symbol_code": "ĐUCQĐ",
            "effective_date": "2025-07-01",
        },
        follow=True,
    )

    assert "Đã đổi tên đơn vị; tên cũ được lưu trong lịch sử." in response.text
    page = response.text
    heading = page[page.index("<h1") : page.index("</h1>")]
    assert "Đảng ủy các cơ quan Đảng thành phố" in heading
    history = page[page.index("Tên cũ</h2>") :]
    assert "Đảng ủy Khối cơ quan Dân Chính Đảng" in history
    assert "(ĐUK)" in history
    assert "30/06/2025" in history


def test_rename_with_a_date_before_the_current_name_shows_the_entered_data(tree, users, client_for):
    Unit.objects.filter(pk=tree.bloc.pk).update(name_since=datetime.date(2024, 5, 1))

    response = client_for(users.admin).post(
        _url("unit_rename", tree.bloc),
        {
            "name": "Tên mới đề xuất",
            "short_name": "",
            "symbol_code": "",
            "effective_date": "2024-04-30",
        },
    )

    assert response.status_code == 200
    assert 'value="Tên mới đề xuất"' in response.text
    assert 'value="2024-04-30"' in response.text
    assert "Ngày đổi tên phải sau ngày 01/05/2024" in response.text
    assert Unit.objects.get(pk=tree.bloc.pk).name == "Đảng ủy Khối cơ quan Dân Chính Đảng"
    assert not UnitNameRecord.objects.exists()


def test_rename_to_the_same_name_is_refused_with_a_message(tree, users, client_for):
    response = client_for(users.admin).post(
        _url("unit_rename", tree.cell_a1),
        {"name": "Chi bộ Văn phòng", "effective_date": _day(0).isoformat()},
    )

    assert response.status_code == 200
    assert "Tên và ký hiệu mới giống tên hiện tại." in response.text


# ---------------------------------------------------------------------------- move


def test_move_to_an_unknown_code_names_the_code(tree, users, client_for):
    response = client_for(users.admin).post(
        _url("unit_move", tree.grassroots_a), {"target_code": "KHONG-CO"}
    )

    assert response.status_code == 200
    assert "Không có đơn vị mã “KHONG-CO” trong phạm vi bạn quản lý." in response.text
    assert 'value="KHONG-CO"' in response.text


def test_move_to_a_unit_outside_the_scope_reads_as_unknown(tree, users, client_for):
    response = client_for(users.admin).post(
        _url("unit_move", tree.grassroots_a), {"target_code": tree.other_bloc.code}
    )

    assert f"Không có đơn vị mã “{tree.other_bloc.code}”" in response.text
    assert Unit.objects.get(pk=tree.grassroots_a.pk).path == tree.grassroots_a.path


def test_move_into_its_own_cell_is_refused_with_a_message(tree, users, client_for):
    response = client_for(users.admin).post(
        _url("unit_move", tree.grassroots_a), {"target_code": tree.cell_a1.code}
    )

    assert response.status_code == 200
    assert "Không thể chuyển đơn vị vào chính nó hoặc đơn vị cấp dưới của nó." in response.text


def test_move_shows_the_unit_under_its_new_parent(tree, users, client_for):
    client = client_for(users.admin)
    response = client.post(
        _url("unit_move", tree.grassroots_a), {"target_code": tree.grassroots_b.code}, follow=True
    )

    assert "Đã chuyển “Đảng bộ Sở Tài chính” sang trực thuộc “Chi bộ Sở Ngoại vụ”." in response.text
    page = client.get(tree.grassroots_b.get_absolute_url()).text
    assert tree.grassroots_a.name in page[page.index("Đơn vị trực thuộc") :]
    assert Unit.objects.find_problems() == ([], [], [], [], [])


# ---------------------------------------------------------------------------- memberships


def _membership_post(**overrides) -> dict[str, str]:
    data = {
        "username": "tran_thi_b",
        "full_name": "Trần Thị B",
        "email": "b@example.vn",
        "password": NEW_PASSWORD,
        "role": Role.SECRETARY,
        "position": "Bí thư Chi bộ",
        "start_date": _day(0).isoformat(),
        "end_date": "",
    }
    return data | overrides


def test_membership_for_a_new_user_without_password_asks_for_one(tree, users, client_for):
    response = client_for(users.admin).post(
        _url("membership_add", tree.cell_a2), _membership_post(password="")
    )

    assert response.status_code == 200
    assert "Người dùng mới cần có mật khẩu ban đầu." in response.text
    assert 'value="tran_thi_b"' in response.text
    assert 'value="Trần Thị B"' in response.text
    assert not User.objects.filter(username="tran_thi_b").exists()


def test_membership_for_a_new_user_with_a_weak_password_is_refused(tree, users, client_for):
    response = client_for(users.admin).post(
        _url("membership_add", tree.cell_a2), _membership_post(password="12345678")
    )

    assert response.status_code == 200
    assert "Mật khẩu này quá phổ biến." in response.text
    assert not User.objects.filter(username="tran_thi_b").exists()


def test_membership_ending_before_it_starts_is_refused(tree, users, client_for):
    response = client_for(users.admin).post(
        _url("membership_add", tree.cell_a2),
        _membership_post(username="staff", start_date="2025-05-10", end_date="2025-05-01"),
    )

    assert "Ngày kết thúc không được trước ngày bắt đầu." in response.text
    assert not Membership.objects.filter(unit=tree.cell_a2).exists()


def test_new_user_created_with_a_membership_can_log_in_and_see_the_unit(tree, users, client_for):
    response = client_for(users.admin).post(
        _url("membership_add", tree.cell_a2), _membership_post(), follow=True
    )

    assert "Đã phân công Trần Thị B tại Chi bộ Thanh tra." in response.text
    newcomer = Client()
    assert newcomer.login(username="tran_thi_b", password=NEW_PASSWORD)
    home = newcomer.get(reverse("home"))
    assert "Việc của đơn vị" in home.text
    assert tree.cell_a2.name in home.text
    assert newcomer.get(tree.cell_a2.get_absolute_url()).status_code == 200
    assert newcomer.get(tree.cell_a1.get_absolute_url()).status_code == 404


def test_membership_for_an_existing_user_adds_a_role(tree, users, client_for):
    response = client_for(users.admin).post(
        _url("membership_add", tree.grassroots_b),
        _membership_post(username="staff", full_name="", password="", role=Role.SECRETARY),
        follow=True,
    )

    assert "Đã phân công Staff tại Chi bộ Sở Ngoại vụ." in response.text
    assert Membership.objects.filter(user=users.staff, unit=tree.grassroots_b).exists()


def test_duplicate_membership_shows_a_message(tree, users, client_for):
    response = client_for(users.admin).post(
        _url("membership_add", tree.grassroots_a),
        _membership_post(username="secretary", full_name="", password=""),
    )

    assert response.status_code == 200
    assert "Người dùng đã có vai trò này ở đơn vị này trong khoảng thời gian đó." in response.text


def test_ending_a_membership_removes_access_on_the_next_request(tree, users, client_for):
    secretary = client_for(users.secretary)
    assert secretary.get(tree.grassroots_a.get_absolute_url()).status_code == 200
    membership = Membership.objects.get(user=users.secretary)

    response = client_for(users.admin).post(
        _url("membership_end", membership), {"end_date": _day(-1).isoformat()}, follow=True
    )

    assert "Đã kết thúc phân công của Secretary." in response.text
    assert secretary.get(tree.grassroots_a.get_absolute_url()).status_code == 404
    assert "chưa được phân công" in secretary.get(reverse("home")).text
    # The row stays, shown among past memberships.
    past = client_for(users.admin).get(tree.grassroots_a.get_absolute_url(), {"past": "1"})
    assert "Secretary" in past.text


def test_a_membership_ended_today_holds_until_the_day_is_over(tree, users, client_for, monkeypatch):
    membership = Membership.objects.get(user=users.secretary)
    client_for(users.admin).post(
        _url("membership_end", membership), {"end_date": _day(0).isoformat()}
    )
    secretary = client_for(users.secretary)
    assert secretary.get(tree.grassroots_a.get_absolute_url()).status_code == 200

    tomorrow = _day(1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)

    assert secretary.get(tree.grassroots_a.get_absolute_url()).status_code == 404


def test_ending_a_membership_before_it_started_is_refused(tree, users, client_for):
    membership = Membership.objects.get(user=users.secretary)

    response = client_for(users.admin).post(
        _url("membership_end", membership), {"end_date": "2000-01-01"}
    )

    assert response.status_code == 200
    assert "Ngày kết thúc không được trước ngày bắt đầu." in response.text
    membership.refresh_from_db()
    assert membership.end_date is None


# ---------------------------------------------------------------------------- query counts


def _add_children(parent: Unit, count: int) -> None:
    """`count` more cells under `parent`, with paths computed here: one INSERT, not `count`."""
    parent = Unit.objects.get(pk=parent.pk)
    first = parent.numchild + 1
    children = [
        Unit(
            code=f"{parent.code}-N{step}",
            name=f"Chi bộ số {step}",
            kind=kind("chi-bo"),
            member_count=10,
            path=Unit._get_path(parent.path, parent.depth + 1, step),
            depth=parent.depth + 1,
        )
        for step in range(first, first + count)
    ]
    for child in children:
        child.refresh_search_name()  # bulk_create bypasses save(), as in the importer
    Unit.objects.bulk_create(children)
    Unit.objects.filter(pk=parent.pk).update(numchild=parent.numchild + count)


@pytest.fixture(params=[10, 300], ids=["10-children", "300-children"])
def big_bloc(request, tree, users):
    """The bloc with 10 or 300 children more: pages must not query once per child."""
    _add_children(tree.bloc, request.param)
    assert Unit.objects.find_problems(tree.bloc) == ([], [], [], [], [])
    return request.param


# One bound per page for both sizes; a query per child would exceed it at once. Each counts the
# session, the user and the user's grants, then: unit detail the unit, breadcrumbs, children,
# their rollup, the totals, memberships and old names; home the children, rollup and totals;
# search the scope roots, the count and the page of results.
# Every page counts the bell's unread notifications (one query); the home page also lists,
# per unit led, the campaigns whose dashboards it links (one query each).
MAX_QUERIES = {"unit_detail": 11, "home": 8, "unit_search": 7}


def test_unit_detail_queries_do_not_grow_with_the_children(
    big_bloc, tree, users, client_for, django_assert_max_num_queries
):
    client = client_for(users.admin)
    with django_assert_max_num_queries(MAX_QUERIES["unit_detail"]):
        response = client.get(tree.bloc.get_absolute_url())

    assert f"Chi bộ số {big_bloc + 3}" in response.text


@pytest.mark.parametrize("who", ["leader", "admin"])
def test_home_queries_do_not_grow_with_the_children(
    big_bloc, who, tree, users, client_for, django_assert_max_num_queries
):
    client = client_for(getattr(users, who))
    with django_assert_max_num_queries(MAX_QUERIES["home"]):
        response = client.get(reverse("home"))

    assert f"Chi bộ số {big_bloc + 3}" in response.text


def test_unit_search_queries_do_not_grow_with_the_matches(
    big_bloc, tree, users, client_for, django_assert_max_num_queries
):
    client = client_for(users.staff)
    with django_assert_max_num_queries(MAX_QUERIES["unit_search"]):
        response = client.get(reverse("units:unit_list"), {"q": "Chi bộ số"})

    assert response.text.count("Chi bộ số") >= min(big_bloc, 50)


def test_membership_with_a_password_for_an_existing_username_is_refused(tree, users, client_for):
    # A typo of a new user's name must not hand the role to someone else's account.
    response = client_for(users.admin).post(
        _url("membership_add", tree.cell_a2),
        _membership_post(username="outsider", password="Mat-khau-rat-dai-2024"),
    )

    assert response.status_code == 200
    assert "Tên đăng nhập này đã có người dùng." in response.text
    assert not Membership.objects.filter(user=users.outsider, unit=tree.cell_a2).exists()


def test_an_administrator_cannot_give_themselves_a_role(tree, users, client_for):
    response = client_for(users.admin).post(
        _url("membership_add", tree.cell_a2), _membership_post(username="admin", password="")
    )

    assert response.status_code == 200
    assert "Bạn không thể tự phân công vai trò cho chính mình." in response.text
    assert not Membership.objects.filter(user=users.admin, unit=tree.cell_a2).exists()


def test_the_django_admin_is_for_superusers_only(tree, users, client_for):
    staff_user = users.admin
    staff_user.is_staff = True
    staff_user.save(update_fields=["is_staff"])
    staff_user.user_permissions.set(
        Permission.objects.filter(codename__in=["change_unit", "add_membership"])
    )

    for url in ["/admin/", "/admin/units/unit/", "/admin/units/membership/add/"]:
        response = client_for(staff_user).get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/login/")
    assert client_for(users.superuser).get("/admin/units/unit/").status_code == 200


@pytest.mark.parametrize(
    "query", ["Sở Tài chính", "sở tài chính", "so tai chinh", "SO TAI", "duk-a"]
)
def test_search_ignores_case_and_tone_marks(tree, users, client_for, query):
    response = client_for(users.admin).get(reverse("units:unit_list"), {"q": query})

    assert "Đảng bộ Sở Tài chính" in response.text


def test_search_finds_imported_and_renamed_units_by_their_new_names(tree, users, client_for):
    unit_tree_import(
        actor=users.admin,
        rows=[
            (
                2,
                {
                    "code": "DUK-A-5",
                    "parent_code": "DUK-A",
                    "name": "Chi bộ Phòng Quản lý giá",
                    "kind": "chi-bo",
                },
            )
        ],
    )
    unit_rename(
        actor=users.admin,
        unit=tree.cell_a2,
        name="Chi bộ Thanh tra Sở",
        short_name="",
        symbol_code="",
        effective_date=timezone.localdate(),
    )
    client = client_for(users.admin)

    assert (
        "Chi bộ Phòng Quản lý giá"
        in client.get(reverse("units:unit_list"), {"q": "quan ly gia"}).text
    )
    assert (
        "Chi bộ Thanh tra Sở" in client.get(reverse("units:unit_list"), {"q": "thanh tra so"}).text
    )
