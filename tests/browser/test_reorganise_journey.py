"""The reorganisation journey in chromium: an administrator merges two grassroots committees
under a decision, carrying their secretaries over; the leader's dashboard of a campaign issued
before the merger shows the successor, and its drill-down both predecessors, marked closed."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from campaigns.models import Obligation
from tests.browser.test_accessibility import serious_violations
from tests.factories import MembershipFactory, UserFactory
from tests.plugins.tree import PASSWORD
from tests.units.test_reorganise_views import issue_current
from units.models import Membership, Reorganisation, Role, Unit

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

NEW_NAME = "Đảng bộ Sở Tài chính – Ngoại vụ"


def sign_in(browser, base: str, username: str) -> Page:
    page = browser.new_context(
        locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", viewport={"width": 1366, "height": 900}
    ).new_page()
    page.goto(f"{base}/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.locator("h1")).to_be_visible()
    return page


@pytest.fixture
def secretary_b(tree):
    """The secretary of the second committee (grassroots_a's is users.secretary)."""
    user = UserFactory(username="secretary_b", full_name="Lê Thị Ngoại Vụ")
    MembershipFactory(
        user=user, unit=tree.grassroots_b, role=Role.SECRETARY, position="Bí thư Chi bộ"
    )
    return user


def test_an_administrator_merges_two_committees_and_the_leader_drills_down(
    tree, users, secretary_b, live_server, browser, tmp_path
):
    issued = issue_current(tree, users)  # ten days ago, a campaign running now
    base = live_server.url
    today = timezone.localdate()
    open_work = Obligation.objects.filter(
        unit__in=[tree.grassroots_a, tree.grassroots_b], handed_over_on__isnull=True
    ).count()

    # The administrator opens the first committee and starts a merger.
    admin = sign_in(browser, base, "admin")
    admin.goto(base + tree.grassroots_a.get_absolute_url())
    admin.get_by_role("link", name="Hợp nhất").click()
    expect(admin.locator("h1")).to_have_text(f"Hợp nhất đơn vị: {tree.grassroots_a.name}")
    admin.get_by_label(f"{tree.grassroots_b.name} ({tree.grassroots_b.code})").check()
    admin.get_by_label("Thành lập đơn vị mới").check()
    admin.get_by_label("Mã đơn vị mới").fill("DUK-AB")
    admin.get_by_label("Tên đơn vị mới").fill(NEW_NAME)
    admin.get_by_label("Loại đơn vị mới").select_option(label="Đảng bộ cơ sở")
    admin.get_by_label("Ngày có hiệu lực").fill(today.isoformat())
    admin.get_by_label("Số quyết định").fill("125-QĐ/ĐUK")
    admin.get_by_label("Cơ quan quyết định").fill("Ban Thường vụ Đảng ủy Khối")
    admin.screenshot(path=tmp_path / "1-merge-form.png", full_page=True)
    assert serious_violations(admin) == []
    admin.get_by_role("button", name="Xem trước").click()

    # The confirmation: what ends, what moves, who carries over, what work passes.
    expect(admin.locator("h1")).to_have_text("Xác nhận: hợp nhất đơn vị")
    expect(admin.locator(".ending-units li")).to_have_count(2)
    expect(admin.locator(".moving-children")).to_contain_text(tree.cell_a1.name)
    people = admin.locator("table.carry-over tbody tr")
    expect(people).to_have_count(2)
    for name in (users.secretary.full_name, secretary_b.full_name):
        row = people.filter(has_text=name)
        expect(row.get_by_label(f"{name} chuyển sang")).to_have_value("new")
        expect(row.get_by_label(f"Vai trò của {name}")).to_have_value(Role.SECRETARY)
    people.filter(has_text=secretary_b.full_name).get_by_label(
        f"Chức vụ của {secretary_b.full_name}"
    ).fill("Phó Bí thư Đảng ủy")
    people.filter(has_text=secretary_b.full_name).get_by_label(
        f"Vai trò của {secretary_b.full_name}"
    ).select_option(Role.STAFF)
    shown = int(admin.locator("[data-count=obligations]").inner_text())
    assert 0 < shown <= open_work
    expect(admin.get_by_label("Số đảng viên của đơn vị mới")).to_have_value("12")
    admin.screenshot(path=tmp_path / "2-merge-confirm.png", full_page=True)
    assert serious_violations(admin) == []
    admin.get_by_role("button", name="Xác nhận và thực hiện").click()

    # The successor's page: the message, its predecessors, its history.
    expect(admin.locator("h1")).to_contain_text(NEW_NAME)
    expect(admin.locator(".alert-success")).to_contain_text("theo Quyết định số 125-QĐ/ĐUK")
    predecessors = admin.locator(".predecessors")
    expect(predecessors.get_by_role("link", name=tree.grassroots_a.name)).to_be_visible()
    expect(predecessors.get_by_role("link", name=tree.grassroots_b.name)).to_be_visible()
    expect(admin.locator(".reorganisation-history")).to_contain_text("Hợp nhất, sáp nhập")
    admin.screenshot(path=tmp_path / "3-successor.png", full_page=True)
    assert serious_violations(admin) == []
    successor = Unit.objects.get(code="DUK-AB")
    carried = Membership.objects.filter(unit=successor).order_by("user__username")
    assert [(m.user.username, m.role, m.position) for m in carried] == [
        ("secretary", Role.SECRETARY, ""),
        ("secretary_b", Role.STAFF, "Phó Bí thư Đảng ủy"),
    ]
    assert Obligation.objects.filter(unit=successor, handed_over_on=today).count() == shown

    # A closed predecessor: the banner with the decision and a link to the successor.
    predecessors.get_by_role("link", name=tree.grassroots_b.name).click()
    banner = admin.locator(".closed-banner")
    expect(banner).to_contain_text(
        f"Đơn vị không còn hoạt động từ ngày {today:%d/%m/%Y} (Quyết định số 125-QĐ/ĐUK"
    )
    expect(admin.get_by_role("link", name="Hợp nhất")).to_have_count(0)
    admin.screenshot(path=tmp_path / "4-closed-unit.png", full_page=True)
    assert serious_violations(admin) == []
    banner.get_by_role("link", name=NEW_NAME).click()
    expect(admin.locator("h1")).to_contain_text(NEW_NAME)

    # The operations of the bloc's subtree.
    admin.goto(base + reverse("units:reorganisation_list", args=[tree.bloc.pk]))
    expect(admin.locator("table.reorganisations tbody tr")).to_have_count(1)
    expect(admin.locator("table.reorganisations")).to_contain_text("Quyết định số 125-QĐ/ĐUK")
    admin.screenshot(path=tmp_path / "5-operations.png", full_page=True)
    assert serious_violations(admin) == []
    admin.context.close()

    # The leader's dashboard of the bloc, for the campaign issued before the merger.
    leader = sign_in(browser, base, "leader")
    leader.goto(
        base + reverse("reports:dashboard", args=[tree.bloc.pk]) + f"?campaign={issued.campaign_id}"
    )
    rows = leader.locator("table.dashboard-rows tbody tr")
    names = [n.strip() for n in rows.locator("td:first-child a").all_inner_texts()]
    assert NEW_NAME in names
    assert tree.grassroots_a.name not in names
    assert tree.grassroots_b.name not in names
    leader.screenshot(path=tmp_path / "6-dashboard-bloc.png", full_page=True)

    rows.locator("td:first-child a", has_text=NEW_NAME).click()
    expect(leader.locator("h1")).to_contain_text(f"Tổng hợp: {NEW_NAME}")
    drill = leader.locator("table.dashboard-rows tbody tr")
    for old in (tree.grassroots_a, tree.grassroots_b):
        row = drill.filter(has=leader.get_by_role("link", name=old.name, exact=True))
        expect(row).to_have_count(1)
        # Marked as ended, with its successor and date (the dashboard's marking).
        expect(row.locator(".unit-ended")).to_contain_text(
            f"Đã hợp nhất vào {NEW_NAME}, từ {today:%d/%m/%Y}"
        )
    leader.screenshot(path=tmp_path / "7-dashboard-successor.png", full_page=True)
    assert Reorganisation.objects.get().recorded_by == users.admin
