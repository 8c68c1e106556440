"""End-to-end: the demo logins that `make run` prints work, and each role lands on its home."""

import re

import pytest
from playwright.sync_api import expect

from units.demo import DEMO_LOGINS, DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

HOME_HEADINGS = {
    "admin": "Quản trị đơn vị và người dùng",
    "staff": "Văn bản chỉ đạo",
    # The demo leader leads one unit with a campaign: they land on its dashboard.
    "leader": "Tổng hợp: Đảng ủy Ủy ban nhân dân thành phố Cần Thơ",
    "secretary": "Việc của đơn vị",
}


def test_each_demo_role_logs_in_and_lands_on_its_home_page(demo_world, page, live_server, login):
    for demo in DEMO_LOGINS:
        login(demo.username, DEMO_PASSWORD)
        expect(page.get_by_role("heading", level=1)).to_have_text(HOME_HEADINGS[demo.role])
        expect(page.get_by_role("button", name=demo.full_name)).to_be_visible()
        # Log out through the menu, as a person would.
        page.get_by_role("button", name=demo.full_name).click()
        page.get_by_role("button", name="Đăng xuất").click()
        expect(page).to_have_url(re.compile(r"/login/$"))


def test_wrong_password_shows_a_vietnamese_error_and_keeps_the_username(demo_world, page, login):
    login("tuyengiao", "sai-mat-khau")
    expect(page.get_by_text("Tên đăng nhập và mật khẩu chính xác")).to_be_visible()
    expect(page.get_by_label("Tên đăng nhập")).to_have_value("tuyengiao")


def test_leader_drills_down_from_home_to_a_cell(demo_world, page, live_server, login):
    login("lanhdao", DEMO_PASSWORD)
    expect(page.locator("select[name=campaign]")).to_be_visible()  # on the dashboard
    page.get_by_role("link", name="Đảng bộ Sở Tài chính").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Đảng bộ Sở Tài chính")
    page.get_by_role("link", name="Chi bộ Văn phòng").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Chi bộ Văn phòng")
    expect(page.get_by_role("navigation", name="Đường dẫn")).to_contain_text("Đảng bộ Sở Tài chính")
