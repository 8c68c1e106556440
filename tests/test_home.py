"""The home page each role lands on, switching roles, and the health check."""

from __future__ import annotations

import datetime
import time

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from campaign_portal.celery import app as celery_app
from tests.factories import MembershipFactory, UserFactory
from tests.plugins.environment import redis_test_url
from units.models import Role

pytestmark = pytest.mark.django_db

HEADINGS = {
    "leader": "Bảng tổng hợp",
    "staff": "Văn bản chỉ đạo",
    "secretary": "Việc của đơn vị",
    "admin": "Quản trị đơn vị và người dùng",
}


def _heading(html: str) -> str:
    start = html.index(">", html.index("<h1")) + 1
    return html[start : html.index("</h1>", start)].strip()


@pytest.mark.parametrize("role", list(HEADINGS))
def test_each_role_lands_on_its_own_home_page(role, users, client_for):
    response = client_for(getattr(users, role)).get(reverse("home"))

    assert response.status_code == 200
    assert _heading(response.text) == HEADINGS[role]


def test_leader_home_sums_the_subtree(tree, users, client_for):
    response = client_for(users.leader).get(reverse("home"))

    # Grassroots A (20 + 15 members in its cells) and grassroots B (12 members).
    rollup = response.text[response.text.index("Các đơn vị trực thuộc") :]
    assert tree.grassroots_a.name in rollup
    assert tree.grassroots_b.name in rollup
    assert ">47<" in response.text.replace("\n", "").replace(" ", "")


def test_a_leader_of_one_unit_lands_on_its_dashboard_for_the_newest_campaign(
    tree, users, client_for
):
    from campaigns.services import campaign_create

    def campaign(title: str, start: datetime.date):
        return campaign_create(
            actor=None,
            owner=tree.bloc,
            title=title,
            subject=f"Đợt sinh hoạt {title}.",
            start_date=start,
            end_date=start + datetime.timedelta(days=180),
        )

    campaign("Đợt 2023", datetime.date(2023, 3, 1))
    newest = campaign("Đợt 2024", datetime.date(2024, 3, 1))
    client = client_for(users.leader)

    response = client.get(reverse("home"))

    dashboard = reverse("reports:dashboard", args=[tree.bloc.pk])
    assert response.status_code == 302
    assert response.url == f"{dashboard}?campaign={newest.pk}"
    assert client.get(response.url).status_code == 200
    # Chosen in the role menu, the leader's page lists the campaigns and the tree.
    listing = client.get(reverse("home"), {"role": "leader"})
    assert _heading(listing.text) == HEADINGS["leader"]
    assert "Tổng hợp đợt sinh hoạt: Đợt 2023" in listing.text


def test_login_lands_on_the_home_page_of_the_role(users):
    client = Client()
    response = client.post(
        reverse("login"), {"username": "staff", "password": "Mat-khau-2024"}, follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("home")
    assert _heading(response.text) == HEADINGS["staff"]


@pytest.fixture
def two_roles(tree, users):
    """The staff member also sits on the bloc's leadership."""
    MembershipFactory(user=users.staff, unit=tree.bloc, role=Role.LEADER)
    return users.staff


def test_user_with_two_roles_lands_on_the_first_by_priority(two_roles, client_for):
    response = client_for(two_roles).get(reverse("home"))

    assert _heading(response.text) == HEADINGS["leader"]
    assert f'href="{reverse("home")}?role=staff"' in response.text
    assert f'href="{reverse("home")}?role=leader"' in response.text


def test_user_with_two_roles_switches_with_the_role_parameter(two_roles, client_for):
    client = client_for(two_roles)

    assert _heading(client.get(reverse("home"), {"role": "staff"}).text) == HEADINGS["staff"]
    assert _heading(client.get(reverse("home"), {"role": "leader"}).text) == HEADINGS["leader"]


def test_a_role_the_user_does_not_hold_cannot_be_switched_to(two_roles, client_for):
    response = client_for(two_roles).get(reverse("home"), {"role": "admin"})

    assert _heading(response.text) == HEADINGS["leader"]
    assert "Quản trị đơn vị" not in response.text


def test_user_without_membership_sees_the_not_assigned_page(users, client_for):
    response = client_for(users.nobody).get(reverse("home"))

    assert response.status_code == 200
    assert "chưa được phân công" in response.text
    assert "Bảng tổng hợp" not in response.text


def test_user_whose_only_membership_ended_sees_the_not_assigned_page(tree, client_for):
    user = UserFactory(username="nghi_huu")
    MembershipFactory(
        user=user,
        unit=tree.bloc,
        role=Role.LEADER,
        end_date=timezone.localdate() - datetime.timedelta(days=1),
    )

    response = client_for(user).get(reverse("home"))

    assert "chưa được phân công" in response.text
    assert tree.bloc.name not in response.text


# ---------------------------------------------------------------------------- health check


def test_healthz_answers_without_login_and_shows_no_unit_data(tree, users):
    response = Client().get(reverse("healthz"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": "ok", "broker": "eager"}
    for unit in (tree.city, tree.bloc, tree.other_cell):
        assert unit.name not in response.text
        assert unit.code not in response.text
    assert "no-cache" in response["Cache-Control"]


def test_healthz_reports_an_unreachable_broker_quickly(settings, monkeypatch):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")

    started = time.monotonic()
    response = Client().get(reverse("healthz"))
    elapsed = time.monotonic() - started

    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "broker": "error"}
    assert elapsed < 1.5


@pytest.mark.redis
def test_healthz_reports_a_reachable_broker(settings, monkeypatch):
    broker = redis_test_url()
    settings.CELERY_TASK_ALWAYS_EAGER = False
    monkeypatch.setattr(celery_app.conf, "broker_url", broker)

    response = Client().get(reverse("healthz"))

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


def test_healthz_accepts_only_get(users):
    assert Client().post(reverse("healthz")).status_code == 405


def test_a_leader_of_two_units_sees_both_on_the_home_page(tree, users, client_for):
    MembershipFactory(user=users.leader, unit=tree.other_bloc, role=Role.LEADER)

    response = client_for(users.leader).get(reverse("home"))

    assert "Các đơn vị trực thuộc Đảng ủy Khối cơ quan Dân Chính Đảng" in response.text
    assert "Các đơn vị trực thuộc Đảng ủy Khối Doanh nghiệp" in response.text
    assert "Đảng bộ Công ty Cấp nước" in response.text


def test_a_superuser_without_assignment_administers_the_whole_tree(tree, users, client_for):
    response = client_for(users.superuser).get(reverse("home"))

    assert _heading(response.text) == "Quản trị đơn vị và người dùng"
    assert "toàn hệ thống" in response.text
    assert "Thành ủy Cần Thơ" in response.text
    assert reverse("units:unit_list") in response.text
