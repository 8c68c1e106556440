"""What signing must refuse or keep to itself: a signature that also changed the document, damaged
files, a PIN the token refused, and secrets on Django's error pages and in the log."""

from __future__ import annotations

import io
import logging
import re
import shutil
import subprocess
from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from campaigns.services.signing import check_signed_upload
from campaigns.signing import (
    SignatureBox,
    SigningUnavailable,
    UnreadablePdf,
    config,
    covers_exactly,
    sign_pdf,
    signed_copy_problem,
    signing_available,
    verify_pdf,
)
from campaigns.signing.logs import WithoutTraceback
from tests.plugins.signing import (
    NO_KEY,
    SIGNER_NAME,
    Pkcs12Key,
    TokenKeys,
    draw_on_first_page,
    portal_signing,
    signed_with,
)

PDFTOTEXT = shutil.which("pdftotext") or "pdftotext"
BOX = SignatureBox(page=4, x0=330.0, y0=90.0, x1=530.0, y1=160.0)


def sign(pdf: bytes, **kwargs: Any) -> bytes:
    options = {"box": BOX, "name": "Nguyễn Văn Thắng", "position": "Phó Bí thư", **kwargs}
    return sign_pdf(pdf, signed_on=date(2024, 3, 29), **options)


@pytest.fixture
def p12_settings(settings, test_pkcs12: Pkcs12Key) -> None:
    settings.PORTAL_SIGNING = portal_signing(test_pkcs12.key_settings(), test_pkcs12.ca.root_pem)


# ---------------------------------------------------------------- the signing revision only signs


def add_text_annotation(writer: IncrementalPdfFileWriter) -> None:
    """A visible note on page 1: an annotation, but not a signature's."""
    name = generic.NameObject
    note = generic.DictionaryObject(
        {
            name("/Type"): name("/Annot"),
            name("/Subtype"): name("/FreeText"),
            name("/Rect"): generic.ArrayObject(map(generic.NumberObject, (72, 600, 400, 640))),
            name("/Contents"): generic.TextStringObject("FORGED TEXT"),
            name("/DA"): generic.TextStringObject("/Helv 14 Tf 0 g"),
        }
    )
    page_ref = writer.root["/Pages"]["/Kids"].raw_get(0)
    writer.register_annotation(page_ref, writer.add_object(note))


def swap_the_font(writer: IncrementalPdfFileWriter) -> None:
    """The pages' font object rewritten in place: every page then reads differently."""
    font_ref = writer.root["/Pages"]["/Kids"][0]["/Resources"]["/Font"].raw_get("/F1")
    font = font_ref.get_object()
    font[generic.NameObject("/BaseFont")] = generic.NameObject("/Courier")
    writer.update_container(font)


def test_text_drawn_in_the_signing_revision_is_refused(p12_settings, plain_pdf, tmp_path):
    forged = signed_with(plain_pdf, draw_on_first_page)

    # The signature covers its whole revision, forged text included: it verifies as intact.
    [report] = verify_pdf(forged)
    assert report.valid
    path = tmp_path / "forged.pdf"
    path.write_bytes(forged)
    shown = subprocess.run(
        [PDFTOTEXT, "-l", "1", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "FORGED TEXT" in shown
    # ...so the upload is refused as not the issued PDF signed.
    assert signed_copy_problem(forged, plain_pdf) == "changed_when_signing"
    assert not covers_exactly(forged, plain_pdf)


@pytest.mark.parametrize("change", [add_text_annotation, swap_the_font], ids=lambda f: f.__name__)
def test_other_changes_in_the_signing_revision_are_refused(p12_settings, plain_pdf, change):
    assert signed_copy_problem(signed_with(plain_pdf, change), plain_pdf) == "changed_when_signing"


def leave_an_unused_object(writer: IncrementalPdfFileWriter) -> None:
    """An object nothing refers to, as poppler's pdfsig leaves (empty appearance forms)."""
    writer.add_object(generic.StreamObject(stream_data=b"BT (unused) Tj ET"))


def annotations_in_their_own_object(writer: IncrementalPdfFileWriter) -> None:
    """Page 1's annotation array as an object of its own, as poppler's pdfsig writes it."""
    page = writer.root["/Pages"]["/Kids"][0]
    page[generic.NameObject("/Annots")] = writer.add_object(generic.ArrayObject())
    writer.update_container(page)


def test_a_signature_alone_is_the_issued_pdf_signed(p12_settings, plain_pdf):
    invisible = signed_with(plain_pdf, lambda writer: None)
    visible = sign(plain_pdf)  # widget, appearance stream and its embedded font

    assert signed_copy_problem(invisible, plain_pdf) is None
    assert signed_copy_problem(visible, plain_pdf) is None
    assert signed_copy_problem(sign(visible, box=None), plain_pdf) is None  # a second signature


@pytest.mark.parametrize(
    "quirk", [leave_an_unused_object, annotations_in_their_own_object], ids=lambda f: f.__name__
)
def test_other_signing_tools_quirks_are_accepted(p12_settings, plain_pdf, quirk):
    assert signed_copy_problem(signed_with(plain_pdf, quirk), plain_pdf) is None


# ---------------------------------------------------------------- damaged files


def _streams(pdf: bytes) -> list[tuple[int, int]]:
    """(start, end) of every stream's data."""
    return [
        (m.end(), pdf.index(b"endstream", m.end()))
        for m in re.finditer(rb"(?<!end)stream\r?\n", pdf)
    ]


def _flip(pdf: bytes, where: int) -> bytes:
    data = bytearray(pdf)
    for offset in range(where, where + 3):
        data[offset] ^= 0xFF
    return bytes(data)


def _corruptions(signed: bytes, issued: bytes) -> dict[str, bytes]:
    compressed = [(s, e) for s, e in _streams(signed) if s > len(issued) and e - s > 8]
    first, last = compressed[0], compressed[-1]  # the appearance, the cross-reference stream
    return {
        "appearance stream flipped": _flip(signed, (first[0] + first[1]) // 2),
        "cross-reference stream flipped": _flip(signed, (last[0] + last[1]) // 2),
        "cross-reference stream header flipped": _flip(signed, last[0]),
        "truncated in the signature": signed[: len(issued) + (len(signed) - len(issued)) // 2],
        "truncated before the end": signed[:-40],
        "unknown filter": b"/BogusDecode".join(signed.rsplit(b"/FlateDecode", 1)),
    }


def test_damaged_signed_pdfs_are_unreadable_or_broken_never_an_error(p12_settings, plain_pdf):
    signed = sign(plain_pdf)

    for name, damaged in _corruptions(signed, plain_pdf).items():
        try:
            reports = verify_pdf(damaged)
        except UnreadablePdf:
            pass
        else:
            assert reports, name
            assert not any(r.intact for r in reports), name
        with pytest.raises(ValidationError) as refused:
            check_signed_upload(SimpleUploadedFile("da-ky.pdf", damaged), plain_pdf)
        assert refused.value.code in {"unreadable", "broken", "unsigned"}, name


# ---------------------------------------------------------------- a refused PIN


def test_a_refused_pin_is_not_tried_again_until_the_settings_change(
    settings, softhsm: TokenKeys, test_ca, monkeypatch, plain_pdf
):
    logins: list[str | None] = []
    real_open = config.open_pkcs11_session

    def counting_open(*args: Any, **kwargs: Any) -> Any:
        logins.append(kwargs.get("user_pin"))
        return real_open(*args, **kwargs)

    monkeypatch.setattr(config, "open_pkcs11_session", counting_open)
    wrong = {**softhsm.key_settings(), "pkcs11_pin_secret": "999999"}
    settings.PORTAL_SIGNING = portal_signing(wrong, test_ca.root_pem)

    with pytest.raises(SigningUnavailable) as first:
        signing_available()
    for again in (signing_available, signing_available, lambda: sign(plain_pdf)):
        with pytest.raises(SigningUnavailable) as refused:
            again()
        assert str(refused.value) == str(first.value)

    assert logins == ["999999"]  # one login: a token locks itself after a few wrong PINs
    message = str(first.value)
    assert message.startswith("Mã PIN của thiết bị ký số không đúng")
    assert "sửa mã PIN trong cấu hình (PORTAL_SIGN_PIN)" in message
    assert "không thử lại" in message

    settings.PORTAL_SIGNING = portal_signing(softhsm.key_settings(), test_ca.root_pem)
    identity = signing_available()
    assert identity is not None
    assert identity.subject == SIGNER_NAME
    assert logins == ["999999", softhsm.pin]


# ---------------------------------------------------------------- secrets and the log


def test_error_pages_mask_the_pin_and_the_passphrases(settings):
    # The keys the signing code reads its secrets from.
    pin, password = config.PIN_SETTING, config.PASSWORD_SETTING
    settings.PORTAL_SIGNING = portal_signing(
        {**NO_KEY, "backend": "pkcs11", pin: "246810", password: "mật-khẩu-ký"},
        seal={**NO_KEY, "backend": "pkcs12", password: "mật-khẩu-dấu"},
    )

    safe = SafeExceptionReporterFilter().get_safe_settings()["PORTAL_SIGNING"]

    shown = repr(safe)
    for secret in ("246810", "mật-khẩu-dấu", "mật-khẩu-ký"):
        assert secret not in shown
    assert safe["backend"] == "pkcs11"  # the rest stays readable
    assert safe["seal"]["backend"] == "pkcs12"


def _raise(*args: Any, **kwargs: Any) -> Any:
    raise RuntimeError("the key failed")


@pytest.mark.parametrize("backend", ["pkcs11", "pkcs12"])
def test_a_traceback_from_opening_the_key_does_not_show_its_secret(
    backend, settings, test_pkcs12: Pkcs12Key, monkeypatch, tmp_path
):
    secret = "secret-135790"
    if backend == "pkcs11":
        key = {**NO_KEY, "backend": "pkcs11", "pkcs11_pin_secret": secret}
        monkeypatch.setattr(config, "open_pkcs11_session", _raise)
    else:
        path = tmp_path / "copy.p12"  # a file not yet cached
        shutil.copy(test_pkcs12.path, path)
        key = {**test_pkcs12.key_settings(), "pkcs12_path": str(path), "pkcs12_password": secret}
        monkeypatch.setattr(config.pkcs12, "load_key_and_certificates", _raise)
    settings.PORTAL_SIGNING = portal_signing(key)

    with pytest.raises(RuntimeError) as raised:
        signing_available()

    frames = ExceptionReporter(None, raised.type, raised.value, raised.tb).get_traceback_frames()
    portal = [f for f in frames if "/campaigns/signing/" in f["filename"]]
    assert {f["function"] for f in portal} >= {"signing_available", "open_signer"}
    shown = " ".join(f"{name}={value!r}" for frame in portal for name, value in frame["vars"])
    assert secret not in shown


def test_checking_an_upload_validates_nothing_again(
    settings, other_ca: Pkcs12Key, plain_pdf, caplog
):
    settings.PORTAL_SIGNING = portal_signing(other_ca.key_settings())  # a root nobody trusts
    signed = sign(plain_pdf)
    caplog.set_level(logging.INFO)

    assert covers_exactly(signed, plain_pdf)

    assert not [r for r in caplog.records if r.name.startswith("pyhanko")]


def test_an_untrusted_chain_is_logged_as_one_line(settings, other_ca: Pkcs12Key, plain_pdf):
    settings.PORTAL_SIGNING = portal_signing(other_ca.key_settings())
    signed = sign(plain_pdf)
    [console] = [
        handler
        for handler in logging.getLogger().handlers
        if any(isinstance(f, WithoutTraceback) for f in handler.filters)
    ]
    stream = io.StringIO()
    previous = console.setStream(stream)  # type: ignore[attr-defined]
    try:
        [report] = verify_pdf(signed)
    finally:
        console.setStream(previous)  # type: ignore[attr-defined]

    assert not report.trusted
    assert "Failed to build path" in stream.getvalue()
    assert "Traceback" not in stream.getvalue()
