"""Importing a received directive in chromium: upload the reference .docx, correct a field on
the review page, confirm, and start the implementing plan from it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from campaigns.kinds import ensure_directive_kinds
from campaigns.models import Directive, DirectiveImport, DirectiveKind
from tests.browser.test_directive_journey import sign_in
from tests.campaigns.reference_document import reference_docx
from units.demo import seed_demo_world

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

# Broken where the copy breaks it; stored with the line break, printed on those two lines.
CORRECTED_SUPERIOR = "Đảng ủy Khối cơ quan\nDân Chính Đảng TP Cần Thơ"


@pytest.fixture
def demo_units(transactional_db, settings, tmp_path):
    """The demo tree and logins without the demo campaign: 32-HD arrives here as a file.

    The document kinds come from a data migration, which an earlier transactional test's
    flush may have emptied."""
    settings.MEDIA_ROOT = tmp_path / "media"
    ensure_directive_kinds(DirectiveKind)
    seed_demo_world()


def test_secretary_imports_the_reference_docx_and_implements_it(
    demo_units, live_server, browser, tmp_path
):
    upload = tmp_path / "huong-dan-32-HD-BTGDUK.docx"
    upload.write_bytes(reference_docx())
    context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    page = context.new_page()
    sign_in(page, live_server.url, "bithu")

    page.get_by_role("link", name="Văn bản đến").click()
    page.get_by_role("link", name="Nhập văn bản từ tệp").click()
    page.get_by_label("Tệp văn bản").set_input_files(upload)
    page.get_by_role("button", name="Đọc văn bản").click()

    # The review page: what was read, beside the text it was read from.
    expect(page.get_by_text("Đã đọc văn bản.")).to_be_visible()
    expect(page.get_by_label("Số, ký hiệu")).to_have_value("32-HD/BTGĐUK")
    expect(page.get_by_label("Ngày ban hành")).to_have_value("2024-03-29")
    expect(page.get_by_label("Họ tên người ký")).to_have_value("Nguyễn Văn Sẵn")
    expect(page.get_by_label("Cơ quan ban hành trên Cổng")).to_contain_text(
        "Ban Tuyên giáo Đảng ủy Khối"
    )
    expect(page.locator("[name=m-0-due_date]")).to_have_value("2024-10-10")
    expect(page.locator("[name=m-0-kind]")).to_have_value("report_due")
    matched = page.get_by_role("row").filter(has_text="Cấp ủy các TCCSĐ trực thuộc")
    expect(matched).to_contain_text("cả cấp: 34 đơn vị")
    expect(page.get_by_label("Đảng bộ Sở Tài chính")).to_be_checked()

    # Focusing a field lights up where it was read.
    page.get_by_label("Số, ký hiệu").focus()
    mark = page.locator("#import-source mark.active")
    expect(mark).to_have_text("32-HD/BTGĐUK")

    # The header line arrived in capitals: it is the bloc's name as the tree proposes it, so
    # it is written as that name; the secretary breaks it where the copy does.
    superior = page.get_by_label("Tên cơ quan cấp trên")
    expect(superior).to_have_value("Đảng ủy Khối cơ quan Dân Chính Đảng TP Cần Thơ")
    superior.fill(CORRECTED_SUPERIOR)
    page.get_by_role("button", name="Xác nhận và lưu văn bản").click()

    expect(page.get_by_text(re.compile(r"Đã lưu Hướng dẫn 32-HD/BTGĐUK"))).to_be_visible()
    expect(page.get_by_role("heading", name="Hướng dẫn 32-HD/BTGĐUK")).to_be_visible()
    expect(page.get_by_role("link", name="Tải tệp gốc")).to_be_visible()
    expect(page.locator(".doc-frame")).to_contain_text("III- TỔ CHỨC THỰC HIỆN")
    directive = Directive.objects.get(symbol="32-HD/BTGĐUK")
    assert directive.origin == Directive.Origin.IMPORTED
    assert directive.superior_body == CORRECTED_SUPERIOR
    assert not DirectiveImport.objects.exists()

    with page.expect_download() as download:
        page.get_by_role("link", name="Tải tệp gốc").click()
    assert download.value.suggested_filename == upload.name
    assert download.value.path().read_bytes() == upload.read_bytes()

    # One click to the implementing plan, pre-filled from the imported guidance.
    card = page.locator(".card").filter(has_text="Đảng bộ Sở Tài chính phải thực hiện")
    expect(card).to_contain_text("10/10/2024")
    card.get_by_role("button", name="Tạo văn bản thực hiện").click()
    expect(page.get_by_text(re.compile("Đã tạo dự thảo thực hiện"))).to_be_visible()
    expect(page.get_by_label("Căn cứ")).to_have_value(
        re.compile(
            r"^Thực hiện Hướng dẫn số 32-HD/BTGĐUK ngày 29/3/2024 của Ban Tuyên giáo Đảng ủy Khối"
        )
    )

    # The received list shows the guidance with its plan started.
    page.get_by_role("link", name="Văn bản đến").click()
    row = page.get_by_role("row").filter(has_text="32-HD/BTGĐUK")
    expect(row).to_contain_text("Dự thảo thực hiện")
    context.close()
