"""The directive journey in chromium: write the reference guidance, issue it to every grassroots
organisation, print it; a recipient's secretary implements it; the parent page shows them done."""

from __future__ import annotations

import re
import subprocess
import unicodedata

import pytest
from playwright.sync_api import Page, expect

from campaigns.demo import REFERENCE, reference_parts
from campaigns.kinds import ensure_directive_kinds
from campaigns.models import DirectiveKind
from units.demo import DEMO_PASSWORD, seed_demo_world

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_units(transactional_db):
    """The demo tree and logins without the demo campaign: this journey writes its own. The
    directive kinds a migration installs are put back: an earlier transactional test flushed
    them."""
    seed_demo_world()
    ensure_directive_kinds(DirectiveKind)


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("button", name=re.compile(".+"), exact=False).first).to_be_visible()


def pdf_text(path) -> str:
    result = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"],  # noqa: S607 - poppler-utils on PATH
        capture_output=True,
        check=True,
        text=True,
    )
    return unicodedata.normalize("NFC", result.stdout)


def test_staff_issues_the_reference_directive_and_a_secretary_implements_it(
    demo_units, live_server, browser, tmp_path
):
    parts = reference_parts(REFERENCE.read_text(encoding="utf-8"))
    base = live_server.url

    # Propaganda staff of the bloc: a campaign, then the guidance pasted from Word.
    staff = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    page = staff.new_page()
    sign_in(page, base, "tuyengiao")
    page.get_by_role("link", name="Đợt sinh hoạt").click()
    page.get_by_role("link", name="Tạo đợt sinh hoạt").click()
    page.get_by_label("Đơn vị chủ trì").select_option(label="Ban Tuyên giáo Đảng ủy Khối")
    page.get_by_label("Tên đợt sinh hoạt").fill("Tác phẩm “Cây tre Việt Nam”")
    page.get_by_label("Nội dung sinh hoạt").fill(parts["subject"])
    page.get_by_label("Từ ngày").fill("2024-03-14")
    page.get_by_label("Đến ngày").fill("2024-12-31")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_text("Đã tạo đợt sinh hoạt.")).to_be_visible()

    page.get_by_role("link", name="Soạn văn bản").click()
    page.get_by_label("Cơ quan ban hành").select_option(label="Ban Tuyên giáo Đảng ủy Khối")
    page.get_by_role("button", name="Tạo dự thảo").click()
    expect(page.get_by_text("Đã tạo dự thảo.")).to_be_visible()

    page.get_by_label("Tên cơ quan cấp trên").fill("Đảng ủy Khối cơ quan Dân Chính Đảng TP Cần Thơ")
    page.get_by_label("Ngày ban hành (dự kiến)").fill("2024-03-29")
    page.get_by_label("Trích yếu").fill(parts["subject"])
    page.get_by_label("Căn cứ").fill(parts["basis"])
    page.get_by_label("Nội dung", exact=True).fill(parts["body"])
    page.get_by_label("Nơi nhận (in trên văn bản)").fill("\n".join(parts["recipient_lines"]))
    page.get_by_label("Chức vụ người ký").fill("Trưởng ban")
    page.get_by_label("Họ tên người ký").fill("Nguyễn Văn Sẵn")
    preview = page.locator("#preview")
    expect(preview).to_contain_text("III- TỔ CHỨC THỰC HIỆN")  # the live preview followed
    expect(preview).to_contain_text("DỰ THẢO")
    page.get_by_role("button", name="Lưu dự thảo").click()
    expect(page.get_by_text("Đã lưu dự thảo.")).to_be_visible()

    # Every grassroots organisation in one action, and the report deadline.
    page.get_by_role("link", name=re.compile(r"^Đơn vị nhận")).click()
    page.get_by_label("Gửi cả cấp").select_option(label="Cấp ủy các tổ chức cơ sở đảng trực thuộc")
    page.get_by_role("button", name="Thêm").click()
    expect(page.get_by_text("Đã thêm 34 đơn vị nhận.")).to_be_visible()
    page.get_by_role("link", name="Quay lại soạn thảo").click()
    page.get_by_role("link", name=re.compile(r"^Mốc thời gian")).click()
    page.locator("[name=m-0-kind]").select_option("report_due")
    page.locator("[name=m-0-title]").fill("Báo cáo kết quả về Ban Tuyên giáo Đảng ủy Khối")
    page.locator("[name=m-0-due_date]").fill("2024-10-10")
    page.get_by_role("button", name="Lưu mốc thời gian").click()
    expect(page.get_by_text("Đã lưu các mốc thời gian.")).to_be_visible()

    page.get_by_role("button", name="Lưu và ban hành…").click()
    expect(page.get_by_text("34 đơn vị")).to_be_visible()
    page.get_by_label(re.compile("Tôi đã kiểm tra văn bản")).check()
    page.get_by_role("button", name="Cấp số và ban hành").click()
    expect(page.get_by_text("Đã ban hành văn bản số 01-HD/BTGĐUK.")).to_be_visible()
    directive_url = page.url

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tải PDF").click()
    pdf = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(pdf)
    text = pdf_text(pdf)
    assert "Số 01-HD/BTGĐUK" in text
    assert "Cần Thơ, ngày 29 tháng 3 năm 2024" in text
    assert "DỰ THẢO" not in text

    # The secretary of Sở Tài chính's committee: received on the home page; its page says what
    # the committee owes and by when, and one click starts the plan. (The campaign of 2024 is
    # history by now, so the home page's to-do list leaves it out.)
    secretary = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    desk = secretary.new_page()
    sign_in(desk, base, "bithu")
    row = desk.get_by_role("row").filter(has_text="Hướng dẫn 01-HD/BTGĐUK")
    expect(row.get_by_role("button", name="Tạo văn bản thực hiện")).to_be_visible()
    row.get_by_role("link", name="Hướng dẫn 01-HD/BTGĐUK").click()
    owed = desk.locator(".card").filter(has_text="Đảng bộ Sở Tài chính phải thực hiện")
    expect(owed).to_contain_text("Báo cáo kết quả")
    expect(owed).to_contain_text("10/10/2024")
    owed.get_by_role("button", name="Tạo văn bản thực hiện").click()
    expect(desk.get_by_text(re.compile("Đã tạo dự thảo thực hiện"))).to_be_visible()
    expect(desk.get_by_label("Căn cứ")).to_have_value(
        re.compile(r"^Thực hiện Hướng dẫn số 01-HD/BTGĐUK ngày 29/3/2024 của Ban Tuyên giáo")
    )
    desk.get_by_label("Nội dung", exact=True).fill(
        "I- MỤC ĐÍCH, YÊU CẦU\n1. Mỗi chi bộ sinh hoạt chuyên đề về tác phẩm.\n"
        "II- TỔ CHỨC THỰC HIỆN\n1. Các chi bộ báo cáo về Đảng ủy trước ngày 30/9/2024."
    )
    expect(desk.locator("#preview")).to_contain_text("Mỗi chi bộ sinh hoạt chuyên đề")
    desk.get_by_role("button", name="Lưu và ban hành…").click()
    desk.get_by_label(re.compile("Tôi đã kiểm tra văn bản")).check()
    desk.get_by_role("button", name="Cấp số và ban hành").click()
    expect(desk.get_by_text("Đã ban hành văn bản số 01-KH/ĐU.")).to_be_visible()
    expect(desk.locator(".doc-frame")).to_contain_text("Số 01-KH/ĐU")

    # Back on the guidance's page: Sở Tài chính is done, the others are not.
    page.goto(directive_url)
    done = page.get_by_role("row").filter(has_text="Đảng bộ Sở Tài chính")
    expect(done).to_contain_text("Đã ban hành")
    expect(done.get_by_role("link", name="01-KH/ĐU")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="Đảng bộ Sở Tư pháp")).to_contain_text(
        "Chưa ban hành"
    )
    expect(page.get_by_text("1/34 đã ban hành văn bản thực hiện")).to_be_visible()
