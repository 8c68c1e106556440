"""What a user notices about the document preview and the keyboard, in chromium: the printed
page fits its frame at 1366 px, before and after a live update; a keyboard user skips the menu
to the content and scrolls the preview with the keys."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from campaigns import services as campaign_services
from campaigns.models import Directive
from tests.plugins.directives import make_draft
from units.demo import DEMO_PASSWORD, seed_demo_world
from units.models import Unit, User

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

# How the sheet sits in its frame: a frame that scrolls sideways, or a sheet wider than it.
FIT = """() => {
  const frame = document.querySelector(".doc-frame");
  const sheet = frame.querySelector(".doc-page").getBoundingClientRect();
  const box = frame.getBoundingClientRect();
  return {
    scrollsSideways: frame.scrollWidth > frame.clientWidth,
    sheetInside: sheet.left >= box.left && sheet.right <= box.right,
    sheetWidth: sheet.width,
    frameWidth: box.width,
  };
}"""


@pytest.fixture
def draft(transactional_db) -> Directive:
    """The demo tree and logins, and a draft guidance of the bloc's Propaganda Department."""
    seed_demo_world()
    staff = User.objects.get(username="tuyengiao")
    department = Unit.objects.get(code="DUK-BTG")
    campaign = campaign_services.campaign_create(
        actor=staff,
        owner=department,
        title="Tác phẩm “Cây tre Việt Nam”",
        subject="Đợt sinh hoạt chính trị, tư tưởng về tác phẩm “Cây tre Việt Nam”.",
        start_date=datetime.date(2024, 3, 1),
        end_date=datetime.date(2024, 12, 31),
    )
    return make_draft(campaign, department, staff)


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.locator("h1")).to_be_visible()


def test_the_live_preview_fits_its_frame_at_1366_px(draft, live_server, page):
    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in(page, live_server.url, "tuyengiao")
    page.goto(live_server.url + reverse("campaigns:directive_edit", args=[draft.pk]))

    fit = page.evaluate(FIT)
    assert fit["sheetInside"], fit
    assert not fit["scrollsSideways"], fit
    assert fit["sheetWidth"] > 0.9 * fit["frameWidth"] - 40, fit  # fitted, not shrunk to a stamp

    page.get_by_label("Nội dung", exact=True).press("End")
    page.get_by_label("Nội dung", exact=True).type("\n2. Các chi bộ báo cáo kết quả.")
    expect(page.locator("#preview")).to_contain_text("Các chi bộ báo cáo kết quả.")
    fit = page.evaluate(FIT)
    assert fit["sheetInside"], fit
    assert not fit["scrollsSideways"], fit


def test_a_keyboard_user_skips_to_the_content_and_scrolls_the_preview(draft, live_server, page):
    sign_in(page, live_server.url, "tuyengiao")
    page.goto(live_server.url + reverse("campaigns:directive_detail", args=[draft.pk]))

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Bỏ qua, đến nội dung chính")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()

    frame = page.get_by_role("region", name="Văn bản")
    for _ in range(40):  # the breadcrumbs and buttons first, then the preview
        page.keyboard.press("Tab")
        if frame.evaluate("(el) => el === document.activeElement"):
            break
    expect(frame).to_be_focused()
    assert frame.evaluate("(el) => el.scrollTop") == 0
    page.keyboard.press("PageDown")
    page.wait_for_function("() => document.activeElement.scrollTop > 0")
