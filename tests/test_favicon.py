"""The portal's icon: every page links it, and browsers that ask for /favicon.ico get it too."""

from __future__ import annotations

import urllib.request

import lxml.html
import pytest
from django.test import Client

pytestmark = pytest.mark.django_db(transaction=True)  # the live server reads the same database


def fetch(url: str) -> tuple[int, str, bytes]:
    with urllib.request.urlopen(url) as response:  # noqa: S310 - the test's own live server
        return response.status, response.headers["Content-Type"], response.read()


def test_every_page_links_the_star_and_favicon_ico_answers_with_it(live_server):
    page = lxml.html.fromstring(Client().get("/login/").content)
    (href,) = page.xpath('//head/link[@rel="icon"]/@href')

    linked = fetch(live_server.url + href)
    asked = fetch(live_server.url + "/favicon.ico")

    assert linked[:2] == (200, "image/svg+xml")
    assert asked == linked
    assert b"<svg" in linked[2]
