"""Signing in chromium: a secretary issues a plan and signs it with the SoftHSM2 token; the PDF
downloaded verifies intact and trusted by the test root. A PDF changed after signing and one
signed by an unknown CA, brought back through the upload and the import pages, are shown as
such. The demo's signed directive passes poppler's pdfsig."""

from __future__ import annotations

import dataclasses
import re
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from campaigns.documents.render import render_pdf
from campaigns.models import Directive
from campaigns.signing import verify_pdf
from tests.campaigns.reference_document import reference_context
from tests.plugins.signing import SIGNER_NAME, changed_after_signing, signed_elsewhere
from units.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def sign_in(browser, base: str, username: str) -> Page:
    page = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh").new_page()
    page.goto(f"{base}/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(lambda url: "/login/" not in url)
    return page


def download(page: Page, link_name: str, tmp_path: Path) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name).click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    return path.read_bytes()


def panel(page: Page):
    return page.locator("section.signatures")


def screenshot(page: Page, path: Path) -> None:
    """The panel as the clerk sees it, kept with the test's files for a look after a run."""
    panel(page).screenshot(path=str(path))


def test_a_secretary_signs_a_plan_with_the_token_and_the_pdf_verifies(
    demo_world, signing_settings, live_server, browser, tmp_path
):
    page = sign_in(browser, live_server.url, "bithu")
    reference = Directive.objects.get(symbol="32-HD/BTGĐUK")
    page.goto(live_server.url + reference.get_absolute_url())
    owed = page.locator(".card").filter(has_text="Đảng bộ Sở Tài chính phải thực hiện")
    owed.get_by_role("button", name="Tạo văn bản thực hiện").click()
    expect(page.get_by_text(re.compile("Đã tạo dự thảo thực hiện"))).to_be_visible()
    page.get_by_label("Nội dung", exact=True).fill(
        "I- MỤC ĐÍCH, YÊU CẦU\n1. Mỗi chi bộ sinh hoạt chuyên đề về tác phẩm.\n"
        "II- TỔ CHỨC THỰC HIỆN\n1. Các chi bộ báo cáo về Đảng ủy trước ngày 30/9/2024."
    )
    page.get_by_role("button", name="Lưu và ban hành…").click()
    page.get_by_label(re.compile("Tôi đã kiểm tra văn bản")).check()
    page.get_by_role("button", name="Cấp số và ban hành").click()
    expect(page.get_by_text(re.compile(r"Đã ban hành văn bản số \d+-KH/ĐU\."))).to_be_visible()
    expect(panel(page)).to_contain_text("Văn bản chưa được ký số.")

    # The confirmation says whose key signs; signing waits for the box to be ticked.
    page.get_by_role("link", name="Ký số", exact=True).click()
    expect(page.get_by_text(f"Chứng thư số cấp cho {SIGNER_NAME}")).to_be_visible()
    expect(page.get_by_text("thiết bị ký số trên máy chủ")).to_be_visible()
    page.get_by_label(re.compile("Tôi đã kiểm tra văn bản và ký số")).check()
    page.get_by_role("button", name="Ký số văn bản").click()
    expect(page.get_by_text(re.compile(r"Đã ký số văn bản số \d+-KH/ĐU\."))).to_be_visible()
    expect(panel(page)).to_contain_text(SIGNER_NAME)
    expect(panel(page)).to_contain_text("✓ Không bị sửa sau khi ký")
    expect(panel(page)).to_contain_text("✓ Chứng thư được tin cậy")
    expect(panel(page)).to_contain_text("Cơ quan chứng thực TEST")
    screenshot(page, tmp_path / "panel-signed-with-token.png")

    signed = download(page, "Tải PDF (đã ký số)", tmp_path)
    unsigned = download(page, "Bản chưa ký", tmp_path)
    assert signed.startswith(unsigned)
    assert len(signed) > len(unsigned)
    [report] = verify_pdf(signed)  # pyHanko's validator, trusting only the test root
    assert (report.signer, report.intact, report.modified_after, report.trusted) == (
        SIGNER_NAME,
        True,
        False,
        True,
    )
    assert verify_pdf(unsigned) == []


def test_a_pdf_changed_after_signing_or_signed_by_an_unknown_ca_is_shown_as_such(
    demo_world, signing_settings, settings, other_ca, live_server, browser, tmp_path
):
    # The committee's current plan, as before the demo signed it: its staff sign it elsewhere.
    reference = Directive.objects.get(symbol="12-KH/ĐU")
    Directive.objects.filter(pk=reference.pk).update(signed_pdf="", signatures=[])
    page = sign_in(browser, live_server.url, "tuyengiao")
    page.goto(live_server.url + reference.get_absolute_url())
    issued = download(page, "Tải PDF", tmp_path)
    signed = signed_elsewhere(issued, settings, other_ca)
    (tmp_path / "changed.pdf").write_bytes(changed_after_signing(signed))
    (tmp_path / "signed.pdf").write_bytes(signed)

    # Changed after signing: refused, and the page says why.
    page.get_by_role("link", name="Tải lên bản đã ký").click()
    page.get_by_label("Tệp PDF đã ký số").set_input_files(tmp_path / "changed.pdf")
    page.get_by_role("button", name="Tải lên bản đã ký").click()
    expect(page.get_by_text(re.compile("Tệp đã bị sửa sau khi ký"))).to_be_visible()

    # As signed: kept, and shown intact but untrusted (its CA is not one the operator trusts).
    page.get_by_label("Tệp PDF đã ký số").set_input_files(tmp_path / "signed.pdf")
    page.get_by_role("button", name="Tải lên bản đã ký").click()
    expect(page.get_by_text("Đã lưu bản đã ký số của văn bản số 12-KH/ĐU.")).to_be_visible()
    expect(panel(page)).to_contain_text("Người ký lạ (TEST)")
    expect(panel(page)).to_contain_text("✓ Không bị sửa sau khi ký")
    expect(panel(page)).to_contain_text("! Chứng thư không được tin cậy")
    expect(panel(page)).to_contain_text("Ký ngoài Cổng, tải lên bản đã ký")
    screenshot(page, tmp_path / "panel-uploaded-untrusted.png")

    # Through the import page: a document from elsewhere, signed, then changed, is read and its
    # signature shown changed and untrusted on the review page.
    other = dataclasses.replace(reference_context(), number_line="Số 45-HD/BTGĐUK", title="45")
    (tmp_path / "45-HD.pdf").write_bytes(
        changed_after_signing(signed_elsewhere(render_pdf(other), settings, other_ca))
    )
    page.goto(live_server.url + "/campaigns/imports/new/")
    page.get_by_label("Tệp văn bản").set_input_files(tmp_path / "45-HD.pdf")
    page.get_by_role("button", name="Đọc văn bản").click()
    expect(panel(page)).to_contain_text("Chữ ký số trong tệp")
    expect(panel(page)).to_contain_text("✗ Văn bản đã bị sửa sau khi ký")
    expect(panel(page)).to_contain_text("! Chứng thư không được tin cậy")
    screenshot(page, tmp_path / "panel-imported-changed.png")


def test_pdfsig_finds_the_demo_directives_signature_valid(demo_world, tmp_path):
    directive = Directive.objects.get(symbol="32-HD/BTGĐUK")
    path = tmp_path / "32-HD.pdf"
    with directive.signed_pdf.open("rb") as pdf:
        path.write_bytes(pdf.read())

    result = subprocess.run(
        ["pdfsig", str(path)],  # noqa: S607 - poppler-utils on PATH
        capture_output=True,
        text=True,
        check=False,
    )

    assert "Signature #1" in result.stdout
    assert "Signer Certificate Common Name: Khóa ký số của Cổng điều hành (DEMO)" in result.stdout
    assert re.findall(r"Signature Validation: (.+)", result.stdout) == [
        "Signature is Valid.",
        "Signature is Valid.",  # the seal's
    ]
