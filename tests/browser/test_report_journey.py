"""The reporting journey in chromium: a cell secretary logs a session and reports, the committee
returns the report once, the corrected report goes back up, and the leader's dashboard follows
down to that cell."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from campaigns import services as campaign_services
from campaigns.demo import seed_demo_campaign
from campaigns.models import Directive
from units.demo import DEMO_PASSWORD, seed_demo_world
from units.models import Unit, User

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]
# A report sent up takes its number ("01-BC/CB"), kept when it is sent again.
SENT = re.compile(r"Đã gửi báo cáo số \d+-BC\S+ lên cấp trên\.")


@pytest.fixture
def demo_with_plan(transactional_db):
    """The demo campaign, and the Sở Tài chính committee's plan issued to its cells."""
    seed_demo_world()
    seed_demo_campaign()
    secretary = User.objects.get(username="bithu")
    guidance = Directive.objects.get(symbol="32-HD/BTGĐUK")
    recipient = guidance.recipients.get(unit__code="DUK-01")
    plan = campaign_services.directive_implement(actor=secretary, recipient=recipient)
    campaign_services.directive_update(
        actor=secretary, directive=plan, body="I- MỤC ĐÍCH\n1. Các chi bộ sinh hoạt chuyên đề."
    )
    campaign_services.directive_issue(actor=secretary, directive=plan)
    return Unit.objects.get(code="DUK-01-01")


def sign_in(browser, base: str, username: str) -> Page:
    page = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh").new_page()
    page.goto(f"{base}/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.locator("h1")).to_be_visible()
    return page


def headline(page: Page, figure: str) -> tuple[int, int]:
    done, whole = page.locator(f"[data-figure={figure}]").inner_text().split("/")
    return int(done), int(whole)


def test_a_cell_reports_is_returned_once_and_the_dashboard_follows(
    demo_with_plan, live_server, browser
):
    cell = demo_with_plan
    base = live_server.url

    leader = sign_in(browser, base, "lanhdao")  # lands on the dashboard of the campaign
    expect(leader.locator("h1")).to_contain_text("Tổng hợp:")
    participants_before, members = headline(leader, "participants")

    # The cell's secretary logs a session and reports.
    cell_desk = sign_in(browser, base, "bithu.chibo")
    row = cell_desk.get_by_role("row").filter(has_text="Kế hoạch 01-KH/ĐU")
    row.get_by_role("link", name="Sinh hoạt, báo cáo").click()
    cell_desk.get_by_role("link", name="Ghi buổi sinh hoạt").click()
    cell_desk.get_by_label("Ngày sinh hoạt").fill("2024-05-15")
    cell_desk.get_by_label("Hình thức").select_option(label="Sinh hoạt chuyên đề")
    cell_desk.get_by_label("Số đảng viên tham dự").fill(str(cell.member_count - 1))
    cell_desk.get_by_label("Số bài thu hoạch").fill("4")
    cell_desk.get_by_role("button", name="Lưu").click()
    expect(cell_desk.get_by_text("Đã ghi buổi sinh hoạt.")).to_be_visible()
    cell_desk.get_by_role("button", name="Soạn báo cáo").click()
    cell_desk.get_by_label("Công tác lãnh đạo, chỉ đạo, tổ chức thực hiện").fill(
        "Chi bộ đã tổ chức sinh hoạt chuyên đề về tác phẩm."
    )
    cell_desk.once("dialog", lambda dialog: dialog.accept())
    cell_desk.get_by_role("button", name="Gửi báo cáo").click()
    expect(cell_desk.get_by_text(SENT)).to_be_visible()
    report_url = cell_desk.url

    # The committee returns it once, saying why.
    committee = sign_in(browser, base, "bithu")
    committee.get_by_role("link", name="Xem xét").first.click()
    expect(committee.get_by_role("heading", name=re.compile(cell.name))).to_be_visible()
    committee.get_by_label("Trả lại để sửa").check()
    committee.get_by_label("Lý do trả lại").fill("Bổ sung số bài thu hoạch đã chấm.")
    committee.get_by_role("button", name="Ghi ý kiến").click()
    expect(committee.get_by_text("Đã trả lại báo cáo kèm ý kiến.")).to_be_visible()

    # The secretary reads the comment, corrects and sends again.
    cell_desk.goto(report_url)
    expect(cell_desk.get_by_text("Bổ sung số bài thu hoạch đã chấm.")).to_be_visible()
    cell_desk.get_by_role("link", name="Sửa báo cáo").click()
    cell_desk.get_by_label("Ưu điểm").fill("Thu được 4 bài thu hoạch, đã chấm đủ.")
    cell_desk.once("dialog", lambda dialog: dialog.accept())
    cell_desk.get_by_role("button", name="Gửi báo cáo").click()
    expect(cell_desk.get_by_text(SENT)).to_be_visible()
    committee.goto(report_url)
    committee.get_by_label("Tiếp nhận").check()
    committee.get_by_role("button", name="Ghi ý kiến").click()
    expect(committee.get_by_text("Đã tiếp nhận báo cáo.")).to_be_visible()

    # The leader's figures moved, and the drill-down reaches the cell.
    leader.reload()
    participants_after, members_after = headline(leader, "participants")
    assert members_after == members  # the units expected were fixed when the plan was issued
    assert participants_after == participants_before + cell.member_count - 1
    leader.locator("tr[data-unit=DUK-01]").get_by_role("link").click()
    leader.locator(f"tr[data-unit={cell.code}]").get_by_role("link").click()
    expect(leader.locator("h1")).to_contain_text(cell.name)
    expect(leader.locator("[data-figure=participants]")).to_have_text(
        f"{cell.member_count - 1}/{cell.member_count}"
    )
    expect(leader.locator("[data-figure=reports]")).to_contain_text("0 / 1 / 0")  # late: 2024
