"""PAdES signing and offline verification (campaigns/signing) with a PKCS#12 file and a real
SoftHSM2 token, checked by pyHanko's validator and by poppler's pdfsig and pdftotext."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import UTC, date, datetime
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader

from campaigns.signing import (
    SignatureBox,
    SignatureReport,
    SigningUnavailable,
    UnreadablePdf,
    covers_exactly,
    seal_required,
    sign_pdf,
    signing_available,
    verify_pdf,
)
from campaigns.signing.testca import make_ca
from campaigns.signing.verify import (
    SUMMARY_BROKEN,
    SUMMARY_MODIFIED,
    SUMMARY_UNTRUSTED,
    SUMMARY_VALID,
)
from tests.plugins.signing import (
    SEAL_NAME,
    SIGNER_NAME,
    Pkcs12Key,
    TokenKeys,
    portal_signing,
    sample_pdf,
)

PDFSIG, PDFTOTEXT = (shutil.which(tool) or tool for tool in ("pdfsig", "pdftotext"))
BOX = SignatureBox(page=4, x0=330.0, y0=90.0, x1=530.0, y1=160.0)
SIGNED_ON = date(2024, 3, 29)


def sign(pdf: bytes, **kwargs: Any) -> bytes:
    options: dict[str, Any] = {
        "box": BOX,
        "name": "Nguyễn Văn Thắng",
        "position": "Phó Bí thư",
        "signed_on": SIGNED_ON,
        **kwargs,
    }
    return sign_pdf(pdf, **options)


def append_page_text(pdf: bytes, text: bytes) -> bytes:
    """An incremental update that draws more text on page 1, as an editor would."""
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    stream = generic.StreamObject(stream_data=b"BT /F1 14 Tf 72 700 Td (" + text + b") Tj ET")
    writer.add_stream_to_page(0, writer.add_object(stream))
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def widget_rect(pdf: bytes, page: int, field_name: str) -> list[float]:
    reader = PdfFileReader(BytesIO(pdf))
    for annot in reader.root["/Pages"]["/Kids"][page]["/Annots"]:
        annot = annot.get_object()
        if annot.get("/T") == field_name:
            return [float(value) for value in annot["/Rect"]]
    raise AssertionError(f"no widget {field_name} on page {page}")


def test_token_signature_is_pades_intact_and_trusted(signing_settings, plain_pdf):
    signed = sign(plain_pdf)

    assert signed.startswith(plain_pdf)  # an incremental update of the issued bytes
    signature = PdfFileReader(BytesIO(signed)).embedded_signatures[0]
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    [report] = verify_pdf(signed)
    assert (report.intact, report.covers_document, report.modified_after, report.trusted) == (
        True,
        True,
        False,
        True,
    )
    assert report.signer == SIGNER_NAME
    assert report.issuer == "Cơ quan chứng thực TEST"
    assert report.summary == SUMMARY_VALID
    assert report.signing_time is not None
    assert not report.timestamped


def test_pkcs12_signature_is_pades_intact_and_trusted(settings, test_pkcs12: Pkcs12Key, plain_pdf):
    settings.PORTAL_SIGNING = portal_signing(test_pkcs12.key_settings(), test_pkcs12.ca.root_pem)

    [report] = verify_pdf(sign(plain_pdf, name="Ban Tuyên giáo", position=""))

    assert report.valid
    assert report.signer == SEAL_NAME


@pytest.mark.slow
def test_pdfsig_reports_the_token_signature_valid(signing_settings, plain_pdf, tmp_path):
    path = tmp_path / "signed.pdf"
    path.write_bytes(sign(plain_pdf))

    output = subprocess.run(
        [PDFSIG, str(path)], capture_output=True, text=True, check=False
    ).stdout  # pdfsig exits non-zero when it does not trust the (test) issuer

    assert "Signature Type: ETSI.CAdES.detached" in output
    assert "Signature Validation: Signature is Valid." in output


@pytest.mark.slow
def test_appearance_sits_in_the_box_and_reads_in_vietnamese(signing_settings, plain_pdf, tmp_path):
    signed = sign(plain_pdf)
    field_name = verify_pdf(signed)[0].field_name
    assert widget_rect(signed, BOX.page, field_name) == pytest.approx(
        [BOX.x0, BOX.y0, BOX.x1, BOX.y1]
    )

    path = tmp_path / "signed.pdf"
    path.write_bytes(signed)
    page = str(BOX.page + 1)
    text = subprocess.run(
        [PDFTOTEXT, "-f", page, "-l", page, str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Nguyễn Văn Thắng" in text
    assert "Phó Bí thư" in text
    assert "Ký ngày 29/3/2024" in text
    # Every word of the stamp lies inside the box (glyph widths right, so nothing spills out).
    html = subprocess.run(
        [PDFTOTEXT, "-bbox", "-f", page, "-l", page, str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    height = 841.89
    words = re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]+)</word>',
        html,
    )
    stamp = [w for w in words if w[4] not in {"Trang", "5"}]  # a stamp line reads as one word
    assert "Thắng" in " ".join(w[4] for w in stamp)
    for x_min, y_min, x_max, y_max, word in stamp:
        assert BOX.x0 <= float(x_min) < float(x_max) <= BOX.x1, word
        assert BOX.y0 <= height - float(y_max) < height - float(y_min) <= BOX.y1, word


def test_seal_signature_keeps_the_first_valid(seal_settings, plain_pdf):
    assert seal_required()
    signed = sign(plain_pdf)
    sealed = sign(
        signed,
        box=SignatureBox(page=4, x0=330.0, y0=170.0, x1=530.0, y1=230.0),
        name="Ban Tuyên giáo Thành ủy Cần Thơ",
        position="",
        role="seal",
    )

    first, second = verify_pdf(sealed)

    assert first.valid
    assert first.covers_document
    assert not first.modified_after
    assert second.valid
    assert second.covers_document
    assert (first.signer, second.signer) == (SIGNER_NAME, SEAL_NAME)
    assert first.field_name != second.field_name
    assert covers_exactly(sealed, plain_pdf)


def test_content_added_after_signing_is_reported_modified(signing_settings, plain_pdf):
    changed = append_page_text(sign(plain_pdf), b"Da sua sau khi ky")

    [report] = verify_pdf(changed)

    assert report.intact
    assert report.trusted
    assert report.modified_after
    assert not report.covers_document
    assert not report.valid
    assert report.summary == SUMMARY_MODIFIED


def test_bytes_changed_inside_the_signed_range_break_the_signature(signing_settings, plain_pdf):
    signed = sign(plain_pdf)
    assert signed.count(b"(Trang 2)") == 1
    tampered = signed.replace(b"(Trang 2)", b"(Trang 9)")

    [report] = verify_pdf(tampered)

    assert not report.intact
    assert not report.valid
    assert report.summary == SUMMARY_BROKEN


def test_signature_from_an_unknown_ca_is_untrusted(
    settings, other_ca: Pkcs12Key, test_ca, plain_pdf
):
    settings.PORTAL_SIGNING = portal_signing(other_ca.key_settings(), test_ca.root_pem)

    [report] = verify_pdf(sign(plain_pdf))

    assert report.intact
    assert not report.modified_after
    assert not report.trusted
    assert report.issuer == "Cơ quan chứng thực lạ TEST"
    assert report.summary == SUMMARY_UNTRUSTED


def test_unsigned_pdf_has_no_signatures(plain_pdf):
    assert verify_pdf(plain_pdf) == []


@pytest.mark.parametrize("data", [b"", b"not a pdf at all", b"%PDF-1.7\n%garbage\n"])
def test_garbage_raises_unreadable_pdf(data):
    with pytest.raises(UnreadablePdf):
        verify_pdf(data)
    assert not covers_exactly(data + b"more", data)


def test_covers_exactly_the_issued_bytes(settings, test_pkcs12: Pkcs12Key, plain_pdf):
    settings.PORTAL_SIGNING = portal_signing(test_pkcs12.key_settings(), test_pkcs12.ca.root_pem)
    other = sample_pdf(3)

    assert covers_exactly(sign(plain_pdf), plain_pdf)
    assert not covers_exactly(sign(other, box=None), plain_pdf)  # signed a different file
    changed_then_signed = sign(append_page_text(plain_pdf, b"Them truoc khi ky"))
    assert changed_then_signed.startswith(plain_pdf)
    assert not covers_exactly(changed_then_signed, plain_pdf)  # changes appended before signing
    assert not covers_exactly(plain_pdf, plain_pdf)  # not signed at all


def test_timestamp_makes_pades_b_t(signing_settings, test_ca, plain_pdf, settings):
    stamped_at = datetime(2024, 3, 29, 8, 30, tzinfo=UTC)
    settings.PORTAL_SIGNING = {
        **signing_settings,
        "timestamper": test_ca.timestamper("Máy chủ dấu thời gian TEST", at=stamped_at),
    }

    [report] = verify_pdf(sign(plain_pdf))

    assert report.timestamped
    assert report.signing_time == stamped_at
    assert report.valid


def test_nothing_configured_means_no_signing(settings, plain_pdf):
    settings.PORTAL_SIGNING = portal_signing({"backend": ""})

    assert signing_available() is None
    assert signing_available("seal") is None
    assert not seal_required()
    with pytest.raises(SigningUnavailable, match="chưa được cấu hình"):
        sign(plain_pdf)


def test_signing_available_names_the_token_certificate(signing_settings):
    identity = signing_available()

    assert identity is not None
    assert (identity.kind, identity.subject, identity.issuer) == (
        "pkcs11",
        SIGNER_NAME,
        "Cơ quan chứng thực TEST",
    )
    assert identity.not_after > datetime.now(UTC)
    assert signing_available("seal") is None
    assert not seal_required()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"pkcs11_pin_secret": "000000"}, "Mã PIN của thiết bị ký số không đúng"),
        ({"pkcs11_token_label": "khong-co"}, "Không tìm thấy thiết bị ký số"),
        ({"pkcs11_key_label": "khong-co"}, "Không tìm thấy khóa ký"),
        ({"pkcs11_module": "/khong/co/libpkcs11.so"}, "Không nạp được thư viện PKCS#11"),
    ],
)
def test_token_problems_are_explained(settings, softhsm: TokenKeys, test_ca, change, message):
    settings.PORTAL_SIGNING = portal_signing({**softhsm.key_settings(), **change}, test_ca.root_pem)

    with pytest.raises(SigningUnavailable, match=message):
        signing_available()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"pkcs12_path": "/khong/co/khoa.p12"}, "Không đọc được tệp khóa ký số"),
        ({"pkcs12_password": "sai"}, "Mật khẩu của tệp khóa ký số không đúng"),
    ],
)
def test_pkcs12_problems_are_explained(
    settings, test_pkcs12: Pkcs12Key, change, message, plain_pdf
):
    settings.PORTAL_SIGNING = portal_signing({**test_pkcs12.key_settings(), **change})

    with pytest.raises(SigningUnavailable, match=message):
        signing_available()
    with pytest.raises(SigningUnavailable, match=message):
        sign(plain_pdf)


def test_report_survives_a_json_round_trip():
    report = SignatureReport(
        field_name="ChuKy1",
        signer=SIGNER_NAME,
        issuer="Cơ quan chứng thực TEST",
        signing_time=datetime(2024, 3, 29, 8, 30, tzinfo=UTC),
        timestamped=True,
        intact=True,
        covers_document=True,
        modified_after=False,
        trusted=True,
        summary=SUMMARY_VALID,
    )

    stored = json.loads(json.dumps(report.as_dict()))

    assert SignatureReport.from_dict(stored) == report


def test_trusted_root_file_missing_means_untrusted(
    settings, test_pkcs12: Pkcs12Key, plain_pdf, tmp_path
):
    settings.PORTAL_SIGNING = portal_signing(
        test_pkcs12.key_settings(), Path(tmp_path / "missing.pem")
    )

    [report] = verify_pdf(sign(plain_pdf))

    assert report.intact
    assert not report.trusted


def test_box_on_a_missing_page_is_refused(signing_settings, plain_pdf):
    with pytest.raises(ValueError, match="page 9 of a 5-page PDF"):
        sign(plain_pdf, box=SignatureBox(page=8, x0=0, y0=0, x1=10, y1=10))


def test_throw_away_certificates_must_say_demo_or_test(tmp_path):
    with pytest.raises(ValueError, match="DEMO or TEST"):
        make_ca(tmp_path, "Cơ quan chứng thực Chính phủ")


def test_silent_timestamp_server_stops_signing(signing_settings, settings, plain_pdf):
    # A local port nobody listens on: the request is refused at once, nothing leaves the machine.
    settings.PORTAL_SIGNING = {**signing_settings, "timestamp_url": "http://127.0.0.1:9/tsa"}

    with pytest.raises(SigningUnavailable, match="Máy chủ dấu thời gian không trả lời"):
        sign(plain_pdf)
