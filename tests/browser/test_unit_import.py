"""End-to-end: an administrator imports a unit spreadsheet in the browser, all or nothing."""

import io

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from units.demo import DEMO_PASSWORD
from units.models import Unit
from units.tabular import COLUMNS

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def spreadsheet(path, rows: list[dict[str, object]]) -> str:
    workbook = Workbook()
    workbook.active.append([c.header for c in COLUMNS])
    for row in rows:
        workbook.active.append([row.get(c.key, "") for c in COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    path.write_bytes(buffer.getvalue())
    return str(path)


NEW_CELLS = [
    {
        "code": "DUK-01-90",
        "parent_code": "DUK-01",
        "name": "Chi bộ Phòng Quản lý giá",
        "kind": "chi-bo",
        "member_count": 14,
    },
    {
        "code": "DUK-01-91",
        "parent_code": "DUK-01",
        "name": "Chi bộ Phòng Tin học",
        "kind": "chi-bo",
        "member_count": 9,
    },
]


def test_admin_sees_every_bad_row_then_imports_the_corrected_file(
    demo_world, page, login, live_server, tmp_path
):
    login("quantri", DEMO_PASSWORD)
    page.get_by_role("navigation").get_by_role("link", name="Nhập danh sách đơn vị").click()

    bad = [
        *NEW_CELLS,
        {"code": "DUK-01-92", "parent_code": "KHONG-CO", "name": "Chi bộ lạc", "kind": "chi-bo"},
    ]
    page.get_by_label("Tệp danh sách đơn vị").set_input_files(
        spreadsheet(tmp_path / "loi.xlsx", bad)
    )
    page.get_by_role("button", name="Tải lên và nhập").click()
    expect(page.get_by_text("Không nhập dòng nào")).to_be_visible()
    errors = page.locator("#import-errors tbody tr")
    expect(errors).to_have_count(1)
    expect(errors.first).to_contain_text("4")  # the spreadsheet line of the bad row
    expect(errors.first).to_contain_text("không tìm thấy đơn vị cấp trên có mã “KHONG-CO”")
    assert not Unit.objects.filter(code__in=["DUK-01-90", "DUK-01-91"]).exists()

    page.get_by_role("link", name="Tải tệp khác").click()
    page.get_by_label("Tệp danh sách đơn vị").set_input_files(
        spreadsheet(tmp_path / "dung.xlsx", NEW_CELLS)
    )
    page.get_by_role("button", name="Tải lên và nhập").click()
    expect(page.get_by_text("thêm mới 2 đơn vị")).to_be_visible()

    page.goto(live_server.url + Unit.objects.get(code="DUK-01").get_absolute_url())
    expect(page.get_by_role("link", name="Chi bộ Phòng Quản lý giá")).to_be_visible()
    expect(page.get_by_role("link", name="Chi bộ Phòng Tin học")).to_be_visible()


def test_a_secretary_has_no_import_page(demo_world, page, login, live_server):
    login("bithu", DEMO_PASSWORD)
    expect(page.get_by_role("link", name="Nhập danh sách đơn vị")).to_have_count(0)
    response = page.goto(f"{live_server.url}/units/import/")
    assert response.status == 404
