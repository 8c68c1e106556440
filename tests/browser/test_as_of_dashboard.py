"""The dashboard as of a past day in chromium: a leader picks a day before a merger and sees the
tree and names of that day, and the drill-down stays on that day."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from campaigns import services as campaign_services
from tests.browser.test_accessibility import serious_violations
from tests.factories import UnitFactory, kind
from tests.plugins.tree import PASSWORD
from tests.reports.test_figures_reorganisation import day, fresh, issue, log, merge_into_new
from units import services as unit_services

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def merged(tree, users):
    """x1 and x2 (one held a session) merged 10 days ago; x3 renamed 5 days ago."""
    cell = kind("chi-bo-co-so")
    x1 = UnitFactory(
        parent=tree.bloc, code="X1", name="Chi bộ Sở Xây dựng", kind=cell, member_count=10
    )
    x2 = UnitFactory(
        parent=tree.bloc, code="X2", name="Chi bộ Sở Giao thông", kind=cell, member_count=8
    )
    x3 = UnitFactory(
        parent=tree.bloc, code="X3", name="Chi bộ Sở Công thương", kind=cell, member_count=6
    )
    campaign = campaign_services.campaign_create(
        actor=users.staff,
        owner=tree.bloc,
        title="Học tập Nghị quyết Đại hội",
        subject="Đợt học tập, quán triệt Nghị quyết Đại hội.",
        start_date=day(-120),
        end_date=day(120),
    )
    issue(campaign, tree, users, [x1, x2, x3], due=day(30), issued=day(-100))
    log(SimpleNamespace(campaign=campaign), x1, day(-50), 9)
    successor = merge_into_new(tree, [x1, x2], day(-10))
    unit_services.unit_rename(
        actor=None,
        unit=fresh(x3),
        name="Chi bộ Sở Công Thương và Khoa học",
        short_name="",
        symbol_code="",
        effective_date=day(-5),
    )
    return campaign, successor


def test_a_leader_sees_the_tree_and_names_of_a_day_before_the_merger(
    merged, tree, live_server, page, login, tmp_path
):
    campaign, successor = merged
    login("leader", PASSWORD)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(
        f"{live_server.url}{reverse('reports:dashboard', args=[tree.bloc.pk])}"
        f"?campaign={campaign.pk}"
    )
    rows = page.locator("table.dashboard-rows tbody tr td:first-child a")
    expect(rows).to_contain_text(["Chi bộ Sở Công Thương và Khoa học", successor.name])

    then = day(-20)
    page.get_by_label("Xem số liệu tại ngày").fill(then.isoformat())
    page.get_by_role("button", name="Xem", exact=True).click()

    banner = page.locator(".as-of-banner")
    expect(banner).to_contain_text(
        f"Số liệu và cây đơn vị tại ngày {then.day}/{then.month}/{then.year}"
    )
    names = [name.strip() for name in rows.all_inner_texts()]
    assert "Chi bộ Sở Xây dựng" in names
    assert "Chi bộ Sở Giao thông" in names
    assert "Chi bộ Sở Công thương" in names  # its name then
    assert successor.name not in names  # not formed yet
    expect(page.locator("[data-figure=organised]")).to_have_text("1/3")
    page.screenshot(path=tmp_path / "as-of-dashboard.png", full_page=True)
    assert serious_violations(page) == []

    # The drill-down into a predecessor stays on that day, where it stood under the bloc.
    rows.filter(has_text="Chi bộ Sở Xây dựng").click()
    expect(page.locator("h1")).to_contain_text("Tổng hợp: Chi bộ Sở Xây dựng")
    expect(banner).to_contain_text("Số liệu và cây đơn vị tại ngày")
    # Under the bloc, where it stood then: not under the successor, formed later.
    crumbs = page.locator("nav.tree-path .breadcrumb-item")
    expect(crumbs).to_have_text([tree.bloc.name, "Chi bộ Sở Xây dựng"])
    expect(page.locator("h1")).not_to_contain_text("Không còn")

    # Back to today: the successor, with both predecessors in its drill-down.
    page.get_by_role("link", name="Về số liệu hiện tại").click()
    expect(banner).to_have_count(0)
    expect(page.locator("h1")).to_contain_text("Không còn từ")
    expect(crumbs).to_have_text([tree.bloc.name, successor.name, "Chi bộ Sở Xây dựng"])
    crumbs.get_by_role("link", name=successor.name).click()
    merged_into = f"Đã hợp nhất vào {successor.name}, từ {day(-10):%d/%m/%Y}"
    expect(page.locator("table.dashboard-rows .unit-ended")).to_have_text([merged_into] * 2)
    page.screenshot(path=tmp_path / "successor-today.png", full_page=True)
