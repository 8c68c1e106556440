"""The search box on a 390 px phone: in the menu, full width; typed without tone marks, it finds
the demo's reference directive and marks the words."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from units.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_a_phone_user_finds_the_guidance_typed_without_tone_marks(demo_world, live_server, browser):
    context = browser.new_context(
        locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", viewport=PHONE, device_scale_factor=1
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Tên đăng nhập").fill("bithu")
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(lambda url: "/login/" not in url)

    page.get_by_role("button", name="Mở menu").click()
    box = page.get_by_label("Tìm văn bản, báo cáo, tài liệu", exact=True)
    expect(box).to_be_visible()
    width = box.bounding_box()
    assert width is not None
    assert width["width"] >= PHONE["width"] / 2, "the box takes the menu's width"
    box.fill("32-hd/btgduk huong dan")
    box.press("Enter")

    expect(page.locator("h1")).to_have_text("Tìm văn bản, báo cáo, tài liệu")
    first = page.locator(".search-results li").first
    expect(first).to_contain_text("32-HD/BTGĐUK")
    expect(first.locator("mark").first).to_be_visible()
    first.get_by_role("link").click()
    expect(page.locator("h1")).to_contain_text("32-HD/BTGĐUK")
    context.close()
