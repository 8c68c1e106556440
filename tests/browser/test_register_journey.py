"""The office register journey in chromium: a guidance arrives at Sở Tài chính; its secretary
finds it in the incoming register with its số đến, gives it to the office's clerk with a
deadline and exports the register as .xlsx; the clerk finds it on her home page; the report the
guidance asks for is submitted and takes its number; the search box finds it typed without tone
marks. Events are processed in-process after each commit (no broker)."""

from __future__ import annotations

import datetime
import io
import re

import openpyxl
import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from campaigns import services as campaign_services
from campaigns.demo import seed_demo_campaign
from campaigns.models import DirectiveKind, DirectiveRecipient, Milestone
from reports import services as report_services
from tests.factories import MembershipFactory, UserFactory
from tests.plugins.directives import BODY
from units.demo import DEMO_PASSWORD, seed_demo_world
from units.models import Role, Unit, User

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

SUBJECT = "Hướng dẫn báo cáo sơ kết công tác tuyên truyền biển, đảo năm 2026"


@pytest.fixture
def arrived(transactional_db) -> DirectiveRecipient:
    """The demo; the bloc's Propaganda Department issues a new guidance to Sở Tài chính."""
    seed_demo_world()
    seed_demo_campaign()
    staff = User.objects.get(username="tuyengiao")
    department = Unit.objects.get(code="DUK-BTG")
    finance = Unit.objects.get(code="DUK-01")
    clerk = UserFactory(username="vanthu", full_name="Trần Thị Văn Thư", password=DEMO_PASSWORD)
    MembershipFactory(user=clerk, unit=finance, role=Role.STAFF)
    today = timezone.localdate()
    campaign = campaign_services.campaign_create(
        actor=staff,
        owner=Unit.objects.get(code="DUK-DCD"),
        title="Tuyên truyền biển, đảo năm 2026",
        subject="Tuyên truyền biển, đảo.",
        start_date=today - datetime.timedelta(days=5),
        end_date=today + datetime.timedelta(days=90),
    )
    draft = campaign_services.directive_create(
        actor=staff,
        campaign=campaign,
        kind=DirectiveKind.objects.get(code="HD"),
        issuer=department,
        subject=SUBJECT,
        body=BODY,
        signer_position="Trưởng ban",
        signer_name="Nguyễn Văn Sẵn",
    )
    campaign_services.milestones_replace(
        actor=staff,
        directive=draft,
        milestones=[
            campaign_services.MilestoneData(
                kind=Milestone.Kind.REPORT_DUE, due_date=today + datetime.timedelta(days=30)
            )
        ],
    )
    campaign_services.recipients_add(actor=staff, directive=draft, units=[finance])
    issued = campaign_services.directive_issue(actor=staff, directive=draft)
    return issued.recipients.get(unit=finance)


def sign_in(browser, base: str, username: str) -> Page:
    page = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh").new_page()
    page.goto(f"{base}/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.locator("h1")).to_be_visible()
    return page


def test_a_received_guidance_is_registered_assigned_exported_reported_and_found(
    arrived, live_server, browser, tmp_path
):
    base = live_server.url
    directive = arrived.directive
    number = arrived.incoming_number
    due = timezone.localdate() + datetime.timedelta(days=10)

    # The secretary opens the incoming register from the menu: the guidance with its số đến.
    desk = sign_in(browser, base, "bithu")
    desk.get_by_role("button", name="Sổ văn bản", exact=True).click()
    desk.get_by_role("link", name="Sổ văn bản đến").click()
    expect(desk.get_by_role("heading", name=re.compile("Sổ văn bản đến năm"))).to_be_visible()
    line = desk.locator(f"tr[data-number='{number}']")
    expect(line).to_contain_text(directive.symbol)
    expect(line).to_contain_text("Chưa giao")
    desk.screenshot(path=tmp_path / "incoming-register.png", full_page=True)

    # She gives it to the clerk with a deadline.
    line.get_by_role("link", name=re.compile("Giao xử lý")).click()
    desk.get_by_label("Người xử lý").select_option(label="Trần Thị Văn Thư")
    desk.get_by_label("Hạn xử lý").fill(due.isoformat())
    desk.get_by_label("Ghi chú").fill("Tham mưu báo cáo")
    desk.get_by_role("button", name="Lưu").click()
    line = desk.locator(f"tr[data-number='{number}']")
    expect(line).to_contain_text("Trần Thị Văn Thư")
    expect(line).to_contain_text(f"{due:%d/%m/%Y}")

    # The register as .xlsx holds the same line.
    with desk.expect_download() as download:
        desk.get_by_role("link", name="Tải Excel").click()
    sheet = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes())).active
    rows = [
        [str(c) if c is not None else "" for c in row] for row in sheet.iter_rows(values_only=True)
    ]
    ours = [row for row in rows if directive.symbol in row]
    assert len(ours) == 1
    assert str(number) in ours[0]
    assert "Trần Thị Văn Thư" in ours[0]

    # The clerk finds it on her home page.
    clerk = sign_in(browser, base, "vanthu")
    assigned = clerk.locator("#assigned-heading + ul")
    expect(assigned).to_contain_text(directive.display_title)
    expect(assigned).to_contain_text(f"Hạn xử lý {due:%d/%m/%Y}")

    # The report it asks for: written, then submitted in the browser; it takes its number.
    obligation = directive.obligations.get(recipient=arrived, kind="report")
    report = report_services.report_start(actor=None, obligation=obligation)
    report_services.report_update(
        actor=None, report=report, assessment="Đảng ủy đã quán triệt đến các chi bộ."
    )
    desk.goto(f"{base}{report.get_absolute_url()}edit/")
    desk.once("dialog", lambda dialog: dialog.accept())
    desk.get_by_role("button", name="Gửi báo cáo").click()
    report.refresh_from_db()
    assert report.symbol
    expect(desk.get_by_text(f"Đã gửi báo cáo số {report.symbol} lên cấp trên.")).to_be_visible()
    expect(desk.locator("h1")).to_contain_text(f"Báo cáo số {report.symbol}")

    # The search box in the menu finds it, typed without tone marks.
    desk.get_by_role("searchbox", name="Tìm văn bản, báo cáo, tài liệu").fill(
        "ket qua thuc hien so cong tac bien dao"
    )
    desk.get_by_role("searchbox", name="Tìm văn bản, báo cáo, tài liệu").press("Enter")
    hit = desk.locator(".search-results li").filter(has_text=report.symbol).first
    expect(hit).to_be_visible()
    expect(hit.locator("mark").first).to_be_visible()
    desk.screenshot(path=tmp_path / "search.png", full_page=True)
    hit.get_by_role("link").first.click()
    expect(desk.locator("h1")).to_contain_text(f"Báo cáo số {report.symbol}")
