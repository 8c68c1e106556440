"""Signing an issued directive: with the server's key (a SoftHSM2 token), or signed elsewhere and
uploaded back; what is stored, served and recorded, and what is refused."""

from __future__ import annotations

import re
import subprocess
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pyhanko.pdf_utils.reader import PdfFileReader

from campaigns import services
from campaigns.models import Directive, SigningMethod
from campaigns.signing import SignatureBox, verify_pdf
from tests.plugins.directives import make_draft
from tests.plugins.signing import (
    SEAL_NAME,
    SIGNER_NAME,
    changed_after_signing,
    draw_on_first_page,
    signed_elsewhere,
)
from units.events import EventKind
from units.models import DomainEvent

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


@pytest.fixture
def issued(campaign, tree, users) -> Directive:
    draft = make_draft(campaign, tree.bloc_btg, users.staff)
    services.recipients_add(actor=users.staff, directive=draft, units=[tree.grassroots_a])
    return services.directive_issue(actor=users.staff, directive=draft)


def _bytes(field) -> bytes:
    with field.open("rb") as stored:
        return stored.read()


def _reload(directive: Directive) -> Directive:
    return Directive.objects.get(pk=directive.pk)


def _codes(exc: pytest.ExceptionInfo[ValidationError]) -> list[str]:
    return [e.code for e in exc.value.error_list]


def _upload(data: bytes, name: str = "da-ky.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def _words(pdf: bytes, tmp_path, page: int) -> list[tuple[float, float, float, float, str]]:
    """(xMin, yMin, xMax, yMax, word) in points from the page's top-left, as pdftotext sees it."""
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    html = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page + 1), "-l", str(page + 1), str(path), "-"],  # noqa: S607 - poppler-utils on PATH
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    pattern = r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<'
    return [(*map(float, m.groups()[:4]), m.group(5)) for m in re.finditer(pattern, html)]


# ---------------------------------------------------------------------------- where it goes


def test_issue_measures_the_signers_blank_between_position_and_name(issued, tmp_path):
    box = SignatureBox(**issued.signature_box)
    words = _words(_bytes(issued.issued_pdf), tmp_path, box.page)
    page_height = 841.89  # A4
    position = next(w for w in words if w[4] == "TRƯỞNG")
    name = next(w for w in words if w[4] == "Sẵn")

    # PDF user space runs upwards: the blank's top is under the position line, its bottom
    # above the name, and it spans the signature's column, right of the page's middle.
    assert page_height - position[3] == pytest.approx(box.y1, abs=3)
    assert page_height - name[1] == pytest.approx(box.y0, abs=3)
    assert box.x0 < position[0] < name[2] < box.x1
    assert box.x0 > 595.28 / 2 - 10


# ---------------------------------------------------------------------------- the server's key


def test_signing_stores_the_signed_pdf_beside_the_issued_one(issued, users, signing_settings):
    issued_bytes = _bytes(issued.issued_pdf)

    services.directive_sign(actor=users.staff, directive=issued)

    directive = _reload(issued)
    assert _bytes(directive.issued_pdf) == issued_bytes  # as issued, never changed
    signed = _bytes(directive.signed_pdf)
    assert signed.startswith(issued_bytes)  # an incremental update of the issued bytes
    [report] = verify_pdf(signed)
    assert (report.signer, report.intact, report.modified_after, report.trusted) == (
        SIGNER_NAME,
        True,
        False,
        True,
    )
    assert directive.signatures == [report.as_dict()]
    assert (directive.signed_by, directive.signing_method) == (users.staff, SigningMethod.SERVER)


def test_the_signature_appears_over_the_signers_blank(issued, users, signing_settings):
    services.directive_sign(actor=users.staff, directive=issued)

    directive = _reload(issued)
    box = SignatureBox(**directive.signature_box)
    reader = PdfFileReader(BytesIO(_bytes(directive.signed_pdf)))
    widgets = [
        annot.get_object()
        for annot in reader.root["/Pages"]["/Kids"][box.page]["/Annots"]
        if annot.get_object().get("/FT") == "/Sig"
    ]
    assert [[float(v) for v in w["/Rect"]] for w in widgets] == [
        pytest.approx([box.x0, box.y0, box.x1, box.y1], abs=0.5)
    ]


def test_signing_is_recorded_in_the_history_and_the_events_with_its_actor(
    issued, users, signing_settings
):
    services.directive_sign(actor=users.staff, directive=issued)

    last = _reload(issued).history.order_by("-history_date", "-history_id").first()
    assert (last.history_user, last.history_change_reason) == (
        users.staff,
        "Ký số bằng khóa của Cổng",
    )
    assert last.signed_pdf
    event = DomainEvent.objects.get(kind=EventKind.DOCUMENT_SIGNED)
    assert (event.actor, event.unit, event.target) == (users.staff, issued.issuer, issued)


def test_a_second_signing_is_refused_and_changes_nothing(issued, users, signing_settings):
    services.directive_sign(actor=users.staff, directive=issued)
    first = _reload(issued).signed_pdf.name

    with pytest.raises(ValidationError) as exc:
        services.directive_sign(actor=users.secretary, directive=issued)

    assert _codes(exc) == ["already_signed"]
    directive = _reload(issued)
    assert (directive.signed_pdf.name, directive.signed_by) == (first, users.staff)
    assert DomainEvent.objects.filter(kind=EventKind.DOCUMENT_SIGNED).count() == 1


def test_without_a_configured_key_signing_is_refused_with_the_way_out(issued, users, settings):
    settings.PORTAL_SIGNING = {**settings.PORTAL_SIGNING, "backend": "", "seal": None}

    with pytest.raises(ValidationError) as exc:
        services.directive_sign(actor=users.staff, directive=issued)

    assert _codes(exc) == ["signing_unavailable"]
    assert "tải lên bản đã ký" in exc.value.messages[0]
    assert not _reload(issued).signed_pdf


def test_the_seal_is_a_second_signature_where_required(issued, users, seal_settings):
    services.directive_sign(actor=users.staff, directive=issued)

    reports = verify_pdf(_bytes(_reload(issued).signed_pdf))
    assert [r.signer for r in reports] == [SIGNER_NAME, SEAL_NAME]
    assert all(r.intact and r.trusted and not r.modified_after for r in reports)


def test_a_draft_cannot_be_signed(campaign, tree, users, signing_settings):
    draft = make_draft(campaign, tree.bloc_btg, users.staff)

    with pytest.raises(ValidationError) as exc:
        services.directive_sign(actor=users.staff, directive=draft)

    assert _codes(exc) == ["not_issued"]


def test_a_directive_issued_before_measuring_is_signed_without_a_stamp_on_its_text(
    issued, users, signing_settings
):
    # Printed again with today's layout, its blank could lie elsewhere: no visible stamp then.
    Directive.objects.filter(pk=issued.pk).update(signature_box=None)

    services.directive_sign(actor=users.staff, directive=_reload(issued))

    signed = _bytes(_reload(issued).signed_pdf)
    assert [report.valid for report in verify_pdf(signed)] == [True]
    reader = PdfFileReader(BytesIO(signed))
    (field,) = reader.root["/AcroForm"]["/Fields"]
    assert [float(v) for v in field.get_object()["/Rect"]] == [0, 0, 0, 0]


# ---------------------------------------------------------------------------- signed elsewhere


def test_a_pdf_signed_elsewhere_is_kept_and_served(issued, users, settings, other_ca, client_for):
    issued_bytes = _bytes(issued.issued_pdf)
    signed = signed_elsewhere(issued_bytes, settings, other_ca)

    services.directive_upload_signed(actor=users.staff, directive=issued, upload=_upload(signed))

    directive = _reload(issued)
    assert _bytes(directive.signed_pdf) == signed
    [report] = directive.signatures
    assert (report["signer"], report["intact"], report["trusted"]) == (
        "Người ký lạ (TEST)",
        True,
        False,  # its CA is not one the operator trusts: kept, and shown as untrusted
    )
    assert directive.signing_method == SigningMethod.UPLOADED
    last = directive.history.order_by("-history_date", "-history_id").first()
    assert (last.history_user, last.history_change_reason) == (users.staff, "Tải lên bản đã ký số")
    client = client_for(users.leader)
    served = client.get(reverse("campaigns:directive_pdf", args=[issued.pk]))
    assert b"".join(served.streaming_content if served.streaming else [served.content]) == signed
    unsigned = client.get(reverse("campaigns:directive_pdf_unsigned", args=[issued.pk]))
    assert unsigned.content == issued_bytes


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ("another document", "not_this_document"),
        ("text drawn while signing", "changed_when_signing"),
        ("changed after signing", "modified"),
        ("bytes changed", "broken"),
        ("unsigned", "unsigned"),
        ("not a pdf", "not_pdf"),
    ],
)
def test_an_upload_that_is_not_the_issued_pdf_signed_intact_is_refused(
    change, code, issued, campaign, tree, users, settings, other_ca
):
    issued_bytes = _bytes(issued.issued_pdf)
    signed = signed_elsewhere(issued_bytes, settings, other_ca)
    if change == "another document":
        other = make_draft(campaign, tree.bloc_btg, users.staff, subject="Một văn bản khác")
        services.recipients_add(actor=users.staff, directive=other, units=[tree.grassroots_b])
        other = services.directive_issue(actor=users.staff, directive=other)
        data = signed_elsewhere(_bytes(other.issued_pdf), settings, other_ca)
    elif change == "text drawn while signing":
        data = signed_elsewhere(issued_bytes, settings, other_ca, draw_on_first_page)
    elif change == "changed after signing":
        data = changed_after_signing(signed)
    elif change == "bytes changed":
        assert signed.count(b"WeasyPrint") == 1
        data = signed.replace(b"WeasyPrint", b"WeasyPrinT")
    elif change == "unsigned":
        data = issued_bytes
    else:
        data = b"PK\x03\x04 a Word file"

    with pytest.raises(ValidationError) as exc:
        services.directive_upload_signed(actor=users.staff, directive=issued, upload=_upload(data))

    assert _codes(exc) == [code]
    directive = _reload(issued)
    assert not directive.signed_pdf
    assert directive.signatures == []
    assert not DomainEvent.objects.filter(kind=EventKind.DOCUMENT_SIGNED).exists()
