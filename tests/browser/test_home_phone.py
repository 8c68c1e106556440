"""The cell secretary's home on a 390 px phone: the next thing the unit owes is a full-width
button above the fold, and it leads where it says."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from units.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_the_next_action_is_a_full_width_button_above_the_fold_on_a_phone(
    demo_world, live_server, browser
):
    context = browser.new_context(
        locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", viewport=PHONE, device_scale_factor=1
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Tên đăng nhập").fill("bithu.chibo")
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.locator("h1")).to_have_text("Việc của đơn vị")

    button = page.locator("#next-action")
    expect(button).to_be_visible()
    box = button.bounding_box()
    card = page.locator("section[aria-labelledby=next-action-heading] .card-body").bounding_box()
    assert box is not None
    assert card is not None
    padding = 2 * 16  # the card body's padding on each side
    assert box["width"] >= card["width"] - padding - 1, "the button fills the card's width"
    assert box["y"] + box["height"] <= PHONE["height"], "the button is above the fold"
    label = button.inner_text().strip()
    assert label in {"Ghi buổi sinh hoạt", "Làm báo cáo", "Sửa và gửi lại", "Tiếp tục làm báo cáo"}

    button.click()
    expect(page.locator("h1")).not_to_have_text("Việc của đơn vị")
    context.close()
