"""The notification journey in chromium: the committee returns a cell's report with a comment;
the cell's secretary sees the bell's count and the item, opens it, corrects and resubmits; the
committee's bell says it came back; once accepted, the secretary's bell says so. Events are
processed in-process after each commit (no broker), as in a single-server install."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from campaigns import services as campaign_services
from campaigns.demo import seed_demo_campaign
from campaigns.models import Directive, Obligation
from reports import services as report_services
from reports.models import ProgressReport, StudySession
from units.demo import DEMO_PASSWORD, seed_demo_world
from units.models import User

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]
# A report sent up takes its number ("01-BC/CB"), kept when it is sent again.
SENT = re.compile(r"Đã gửi báo cáo số \d+-BC\S+ lên cấp trên\.")

COMMENT = "Bổ sung số bài thu hoạch đã chấm."


@pytest.fixture
def submitted(transactional_db) -> ProgressReport:
    """The demo campaign; the Sở Tài chính committee's plan issued to its cells; Chi bộ Văn
    phòng's secretary has logged a session and submitted the report the plan asks for."""
    seed_demo_world()
    seed_demo_campaign()
    committee = User.objects.get(username="bithu")
    cell_secretary = User.objects.get(username="bithu.chibo")
    guidance = Directive.objects.get(symbol="32-HD/BTGĐUK")
    recipient = guidance.recipients.get(unit__code="DUK-01")
    plan = campaign_services.directive_implement(actor=committee, recipient=recipient)
    campaign_services.directive_update(
        actor=committee, directive=plan, body="I- MỤC ĐÍCH\n1. Các chi bộ sinh hoạt chuyên đề."
    )
    plan = campaign_services.directive_issue(actor=committee, directive=plan)
    obligation = Obligation.objects.get(
        directive=plan, recipient__unit__code="DUK-01-01", kind=Obligation.Kind.REPORT
    )
    cell = obligation.recipient.unit
    report_services.session_create(
        actor=cell_secretary,
        campaign=plan.campaign,
        unit=cell,
        held_on=plan.issue_date,
        form=StudySession.Form.THEMATIC,
        members_present=cell.member_count,
    )
    report = report_services.report_start(actor=cell_secretary, obligation=obligation)
    report = report_services.report_update(
        actor=cell_secretary, report=report, assessment="Chi bộ đã sinh hoạt chuyên đề."
    )
    return report_services.report_submit(actor=cell_secretary, report=report)


def sign_in(browser, base: str, username: str, **context) -> Page:
    page = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", **context).new_page()
    page.goto(f"{base}/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.locator("h1")).to_be_visible()
    return page


def bell_count(page: Page) -> int:
    badge = page.locator("a.bell [data-unread]")
    return int(badge.inner_text()) if badge.count() else 0


def open_bell(page: Page) -> None:
    page.locator("a.bell").click()
    expect(page.get_by_role("heading", name="Thông báo")).to_be_visible()


def open_item(page: Page, text: str) -> None:
    item = page.locator("[data-notification]").filter(has_text=text).first
    expect(item).to_be_visible()
    item.get_by_role("button", name="Xem").click()


def test_a_returned_report_reaches_the_cell_secretary_and_its_acceptance_too(
    submitted, live_server, browser, tmp_path
):
    base = live_server.url
    cell = submitted.unit
    plan_symbol = submitted.obligation.directive.symbol

    # The committee is told of the report and returns it with a comment.
    committee = sign_in(browser, base, "bithu")
    assert bell_count(committee) >= 1
    open_bell(committee)
    open_item(committee, f"{cell.name} đã gửi báo cáo kết quả theo Kế hoạch số {plan_symbol}")
    expect(committee.get_by_role("heading", name=re.compile(cell.name))).to_be_visible()
    committee.get_by_label("Trả lại để sửa").check()
    committee.get_by_label("Lý do trả lại").fill(COMMENT)
    committee.get_by_role("button", name="Ghi ý kiến").click()
    expect(committee.get_by_text("Đã trả lại báo cáo kèm ý kiến.")).to_be_visible()
    committee_count = bell_count(committee)

    # The cell's secretary sees the count and the item, opens it and corrects the report.
    desk = sign_in(browser, base, "bithu.chibo")
    unread = bell_count(desk)
    assert unread >= 1
    expect(desk.locator("a.bell")).to_have_attribute("aria-label", f"Thông báo: {unread} chưa đọc")
    open_bell(desk)
    returned = f"Báo cáo của {cell.name} bị trả lại: {COMMENT}"
    expect(desk.get_by_text(returned)).to_be_visible()
    desk.screenshot(path=tmp_path / "bell-returned.png", full_page=True)
    open_item(desk, returned)
    assert desk.url.endswith(submitted.get_absolute_url())
    expect(desk.get_by_text(COMMENT)).to_be_visible()
    expect(desk.get_by_text("Bị trả lại", exact=True)).to_be_visible()
    assert bell_count(desk) == unread - 1  # the one opened is read
    desk.get_by_role("link", name="Sửa báo cáo").click()
    desk.get_by_label("Ưu điểm").fill("Thu được 4 bài thu hoạch, đã chấm đủ.")
    desk.once("dialog", lambda dialog: dialog.accept())
    desk.get_by_role("button", name="Gửi báo cáo").click()
    expect(desk.get_by_text(SENT)).to_be_visible()

    # The committee's bell says it came back; it accepts.
    committee.goto(f"{base}/")
    assert bell_count(committee) == committee_count + 1
    open_bell(committee)
    open_item(committee, f"{cell.name} đã gửi lại báo cáo kết quả")
    committee.get_by_label("Tiếp nhận").check()
    committee.get_by_role("button", name="Ghi ý kiến").click()
    expect(committee.get_by_text("Đã tiếp nhận báo cáo.")).to_be_visible()

    # The secretary's bell says it was accepted; the returned item says it was dealt with.
    desk.goto(f"{base}/")
    assert bell_count(desk) >= 1
    open_bell(desk)
    expect(desk.get_by_text(f"{returned} (đã sửa và gửi lại)")).to_be_visible()
    accepted = f"Báo cáo của {cell.name} theo Kế hoạch số {plan_symbol} đã được tiếp nhận"
    desk.screenshot(path=tmp_path / "bell-accepted.png", full_page=True)
    open_item(desk, accepted)
    expect(desk.get_by_text("Đã tiếp nhận", exact=True)).to_be_visible()

    open_bell(desk)
    desk.get_by_role("button", name="Đánh dấu đã đọc tất cả").click()
    expect(desk.get_by_text(re.compile(r"Đã đánh dấu \d+ thông báo là đã đọc\."))).to_be_visible()
    expect(desk.locator("a.bell [data-unread]")).to_have_count(0)


def test_on_a_phone_the_bell_is_labelled_and_the_settings_save(
    submitted, live_server, browser, tmp_path
):
    """Screenshots for a person to look at stay in the test's tmp_path."""
    phone = sign_in(
        browser,
        live_server.url,
        "bithu",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    phone.get_by_role("button", name="Mở menu").click()
    expect(phone.locator("#mainnav.show")).to_be_visible()  # opened, not still sliding
    label = phone.locator("a.bell").get_by_text("Thông báo", exact=True)
    expect(label).to_be_visible()
    phone.screenshot(path=tmp_path / "bell-phone.png", full_page=False)
    phone.locator("a.bell").click()
    phone.get_by_role("link", name="Cài đặt nhận thư").click()
    expect(phone.get_by_role("heading", name="Thông báo")).to_be_visible()
    row = phone.locator('[data-kind="report_submitted"]')
    expect(row.get_by_label("Gộp vào thư nhắc việc hằng ngày")).to_be_checked()
    row.get_by_label("Gửi thư ngay").check()
    phone.get_by_role("button", name="Lưu").click()
    expect(phone.get_by_text("Đã lưu cách nhận thông báo qua thư điện tử.")).to_be_visible()
    expect(
        phone.locator('[data-kind="report_submitted"]').get_by_label("Gửi thư ngay")
    ).to_be_checked()
    phone.screenshot(path=tmp_path / "notification-settings-phone.png", full_page=True)
