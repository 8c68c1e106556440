"""Signing through the pages: who is offered it, the confirmation naming the key, the signatures
panel, the refusals as the clerk reads them, and a signed PDF received through the import page."""

from __future__ import annotations

import datetime

import lxml.html
import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from campaigns import services
from campaigns.documents.render import render_pdf
from campaigns.models import Directive, DirectiveImport
from campaigns.signing import sign_pdf
from tests.campaigns.reference_document import reference_context
from tests.campaigns.test_import_views import _review_form
from tests.plugins.directives import directive_kind, make_draft
from tests.plugins.signing import SIGNER_NAME, draw_on_first_page, portal_signing, signed_with

pytestmark = [pytest.mark.slow, pytest.mark.django_db]
TODAY = datetime.date(2024, 3, 29)


@pytest.fixture
def issued(campaign, tree, users) -> Directive:
    draft = make_draft(campaign, tree.bloc_btg, users.staff)
    services.recipients_add(actor=users.staff, directive=draft, units=[tree.grassroots_a])
    return services.directive_issue(actor=users.staff, directive=draft)


def _url(name: str, directive: Directive) -> str:
    return reverse(f"campaigns:{name}", args=[directive.pk])


def _text(response) -> str:
    return " ".join(lxml.html.fromstring(response.content).text_content().split())


def _panel(response) -> str:
    page = lxml.html.fromstring(response.content)
    [panel] = page.find_class("signatures")
    return " ".join(panel.text_content().split())


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_issuers_people_are_offered_signing_and_others_are_not(issued, users, client_for):
    for who, offered in [("staff", True), ("leader", False), ("secretary", False)]:
        page = _text(client_for(getattr(users, who)).get(issued.get_absolute_url()))
        assert ("Ký số" in page and "Tải lên bản đã ký" in page) is offered, who
        assert "Văn bản chưa được ký số." in page


def test_the_confirmation_names_the_key_and_signing_waits_for_it(
    issued, users, client_for, signing_settings
):
    client = client_for(users.staff)

    page = _text(client.get(_url("directive_sign", issued)))
    refused = client.post(_url("directive_sign", issued), {})

    assert f"Chứng thư số cấp cho {SIGNER_NAME}, do Cơ quan chứng thực TEST cấp" in page
    assert refused.status_code == 200
    assert not Directive.objects.get(pk=issued.pk).signed_pdf

    signed = client.post(_url("directive_sign", issued), {"confirm": "on"})

    assert signed.status_code == 302
    assert signed.url == issued.get_absolute_url()
    assert _messages(signed) == [f"Đã ký số văn bản số {issued.symbol}."]
    detail = client.get(issued.get_absolute_url())
    panel = _panel(detail)
    assert SIGNER_NAME in panel
    assert "Cơ quan cấp chứng thư Cơ quan chứng thực TEST" in panel
    assert "✓ Không bị sửa sau khi ký" in panel
    assert "✓ Chứng thư được tin cậy" in panel
    assert "Ký số bằng khóa của Cổng lúc" in panel
    assert "– Staff" in panel
    text = _text(detail)
    assert "Tải PDF (đã ký số)" in text
    assert "Bản chưa ký" in text
    assert "Tải lên bản đã ký" not in text  # signed once: no second signature offered


def test_a_signed_directive_sends_the_signing_pages_back_with_the_reason(
    issued, users, client_for, signing_settings
):
    services.directive_sign(actor=users.staff, directive=issued)
    client = client_for(users.staff)

    for name in ("directive_sign", "directive_upload_signed"):
        response = client.post(_url(name, issued), {"confirm": "on"})
        assert response.status_code == 302
        assert _messages(response)[0].startswith("Văn bản đã được ký số lúc")


def test_without_a_key_the_page_says_so_and_points_to_the_upload(
    issued, users, client_for, settings
):
    settings.PORTAL_SIGNING = {**settings.PORTAL_SIGNING, "backend": "", "seal": None}

    page = _text(client_for(users.staff).get(_url("directive_sign", issued)))

    assert "Cổng chưa được cấu hình khóa ký số." in page
    assert "tải lên bản đã ký" in page
    assert "Ký số văn bản" not in page.replace("Ký số văn bản số", "")  # no button to press


def test_an_unsigned_upload_is_refused_with_the_reason(issued, users, client_for):
    client = client_for(users.staff)
    with issued.issued_pdf.open("rb") as pdf:
        unsigned = SimpleUploadedFile("van-ban.pdf", pdf.read(), content_type="application/pdf")

    response = client.post(_url("directive_upload_signed", issued), {"file": unsigned})

    assert response.status_code == 200
    assert "Tệp PDF chưa có chữ ký số nào" in _text(response)
    assert not Directive.objects.get(pk=issued.pk).signed_pdf


def test_a_signed_pdf_imported_shows_its_signatures_on_review_and_on_the_document(
    tree, users, client_for, settings, other_ca
):
    directive_kind("HD")  # the kinds the reader matches, re-created after a transactional test
    settings.PORTAL_SIGNING = portal_signing(other_ca.key_settings())
    signed = sign_pdf(
        render_pdf(reference_context()),
        box=None,
        name="Nguyễn Văn Sẵn",
        position="Trưởng ban",
        signed_on=datetime.date(2024, 3, 29),
    )
    settings.PORTAL_SIGNING = portal_signing({"backend": ""})  # nobody trusted, nothing to sign
    client = client_for(users.secretary)

    uploaded = client.post(
        reverse("campaigns:import_upload"),
        {"file": SimpleUploadedFile("32-HD-BTGĐUK.pdf", signed, content_type="application/pdf")},
    )
    job = DirectiveImport.objects.get()
    review = client.get(uploaded.url)

    assert [s["signer"] for s in job.signatures] == ["Người ký lạ (TEST)"]
    panel = _panel(review)
    assert "Chữ ký số trong tệp" in panel
    assert "✓ Không bị sửa sau khi ký" in panel
    assert "! Chứng thư không được tin cậy" in panel

    confirmed = client.post(
        uploaded.url,
        _review_form(review, units=str(tree.grassroots_a.pk), campaign_title="Đợt nhập từ tệp"),
    )

    assert confirmed.status_code == 302, _text(confirmed)
    directive = Directive.objects.get(origin=Directive.Origin.IMPORTED)
    assert directive.signatures == job.signatures
    panel = _panel(client.get(directive.get_absolute_url()))
    assert "Chữ ký số trên tệp gốc" in panel
    assert "Người ký lạ (TEST)" in panel
    assert "! Chứng thư không được tin cậy" in panel


def _damaged(signed: bytes) -> bytes:
    """`signed` with a byte flipped in the middle of its last compressed stream (the
    cross-references): pdftotext still reads the text, pyHanko cannot inflate it."""
    end = signed.rindex(b"endstream")
    start = signed.rindex(b"stream\n", 0, end) + len(b"stream\n")
    data = bytearray(signed)
    data[(start + end) // 2] ^= 0xFF
    return bytes(data)


@pytest.mark.parametrize("change", ["damaged", "text drawn while signing"])
def test_a_bad_signed_upload_is_answered_with_the_reason(
    change, issued, users, client_for, settings, other_ca
):
    settings.PORTAL_SIGNING = portal_signing(other_ca.key_settings())  # someone's own key
    with issued.issued_pdf.open("rb") as pdf:
        issued_bytes = pdf.read()
    if change == "damaged":
        data = _damaged(sign_pdf(issued_bytes, box=None, name="A", position="", signed_on=TODAY))
        reason = "Không đọc được tệp PDF"
    else:
        data = signed_with(issued_bytes, draw_on_first_page)
        reason = "Lúc ký, tệp đã bị thêm hoặc sửa nội dung ngoài chữ ký số"
    settings.PORTAL_SIGNING = portal_signing({"backend": ""})
    upload = SimpleUploadedFile("da-ky.pdf", data, content_type="application/pdf")

    response = client_for(users.staff).post(
        _url("directive_upload_signed", issued), {"file": upload}
    )

    assert response.status_code == 200
    assert reason in _text(response)
    assert not Directive.objects.get(pk=issued.pk).signed_pdf


def test_a_damaged_signed_pdf_on_the_import_page_is_not_an_error(
    users, client_for, other_ca, settings
):
    settings.PORTAL_SIGNING = portal_signing(other_ca.key_settings())
    signed = sign_pdf(
        render_pdf(reference_context()), box=None, name="A", position="", signed_on=TODAY
    )
    settings.PORTAL_SIGNING = portal_signing({"backend": ""})

    response = client_for(users.secretary).post(
        reverse("campaigns:import_upload"),
        {"file": SimpleUploadedFile("32-HD.pdf", _damaged(signed), content_type="application/pdf")},
    )

    assert response.status_code == 302  # to the review page: the file is kept, unsigned
    assert DirectiveImport.objects.get().signatures == []
