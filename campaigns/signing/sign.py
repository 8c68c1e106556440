"""Sign a PDF as PAdES with a visible appearance over the signer's block."""

from __future__ import annotations

import logging
import unicodedata
from datetime import date
from io import BytesIO
from typing import Any

from django.conf import settings
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers, timestamps
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.stamp import TextStampStyle

from campaigns.signing.config import open_signer
from campaigns.signing.runner import outside_event_loop
from campaigns.signing.stampfont import Em1000FontFactory
from campaigns.signing.types import SignatureBox, SigningUnavailable, UnreadablePdf

logger = logging.getLogger(__name__)

# The stamp's font: vendored, embedded as a subset, with every Vietnamese letter.
STAMP_FONT = settings.BASE_DIR / "static/fonts/liberation-serif/LiberationSerif-Regular.ttf"
STAMP_FONT_SIZE = 10
STAMP_LEADING = 12
TSA_TIMEOUT = 10  # seconds; a timestamp server that does not answer fails the signing
FIELD_PREFIX = {"signer": "ChuKy", "seal": "DauCoQuan"}
NAME_LABEL = {"signer": "Người ký", "seal": "Cơ quan"}


def stamp_text(*, name: str, position: str, signed_on: date, role: str = "signer") -> str:
    """The lines the visible signature shows: who, in what capacity, on which day."""
    lines = [f"{NAME_LABEL.get(role, 'Người ký')}: {name}"]
    if position:
        lines.append(f"Chức vụ: {position}")
    lines.append(f"Ký ngày {signed_on.day}/{signed_on.month}/{signed_on.year}")
    # Precomposed letters: the stamp font has them, and copied text then reads back the same.
    return unicodedata.normalize("NFC", "\n".join(lines))


def _timestamper() -> timestamps.TimeStamper | None:
    config: dict[str, Any] = settings.PORTAL_SIGNING
    if config.get("timestamper") is not None:  # tests: a local, in-process timestamp authority
        stamper: timestamps.TimeStamper = config["timestamper"]
        return stamper
    if url := config.get("timestamp_url"):
        return timestamps.HTTPTimeStamper(url, timeout=TSA_TIMEOUT)
    return None


def _field_name(reader: PdfFileReader, role: str) -> str:
    taken = {name for name, _, _ in fields.enumerate_sig_fields(reader)}
    prefix = FIELD_PREFIX.get(role, "ChuKy")
    number = 1
    while f"{prefix}{number}" in taken:
        number += 1
    return f"{prefix}{number}"


def sign_pdf(
    pdf: bytes,
    *,
    box: SignatureBox | None,
    name: str,
    position: str,
    signed_on: date,
    reason: str = "",
    location: str = "",
    role: str = "signer",
) -> bytes:
    """Return `pdf` with one more signature appended as an incremental update.

    PAdES B-B, or B-T when settings.PORTAL_SIGNING["timestamp_url"] is set. With a `box`, the
    signature is visible there and shows `name`, `position` and "Ký ngày d/m/yyyy"; without one
    it is invisible. role="seal" signs with the organisation's seal key (a second signature).
    Raises SigningUnavailable when the key for `role` is not configured or cannot be opened, or
    the timestamp server does not answer;
    UnreadablePdf when `pdf` is not a PDF that can be signed, ValueError when the box's page
    does not exist.
    """
    text = stamp_text(name=name, position=position, signed_on=signed_on, role=role)
    return outside_event_loop(
        _sign, pdf, box=box, name=name, text=text, reason=reason, location=location, role=role
    )


def _sign(
    pdf: bytes,
    *,
    box: SignatureBox | None,
    name: str,
    text: str,
    reason: str,
    location: str,
    role: str,
) -> bytes:
    try:
        writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
        field_name = _field_name(writer.prev, role)
        pages = int(writer.root["/Pages"]["/Count"])
    except (PdfError, ValueError, KeyError, IndexError, TypeError) as exc:
        raise UnreadablePdf(f"not a readable PDF: {exc}") from exc
    if box is not None and not 0 <= box.page < pages:
        raise ValueError(f"signature box on page {box.page + 1} of a {pages}-page PDF")
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm="sha256",
        subfilter=SigSeedSubFilter.PADES,
        reason=reason or None,
        location=location or None,
        name=name or None,
    )
    field_spec = fields.SigFieldSpec(
        sig_field_name=field_name,
        on_page=box.page if box else 0,
        box=(box.x0, box.y0, box.x1, box.y1) if box else None,  # type: ignore[arg-type]
    )
    style = TextStampStyle(
        stamp_text="%(text)s",
        text_box_style=TextBoxStyle(
            font=Em1000FontFactory(str(STAMP_FONT)),
            font_size=STAMP_FONT_SIZE,
            leading=STAMP_LEADING,
        ),
        border_width=1,
        border_color=(0.75, 0.1, 0.1),
    )
    with open_signer(role) as (signer, _kind):
        pdf_signer = signers.PdfSigner(
            meta,
            signer,
            timestamper=_timestamper(),
            stamp_style=style,
            new_field_spec=field_spec,
        )
        try:
            output = pdf_signer.sign_pdf(
                writer, appearance_text_params={"text": text}, output=BytesIO()
            )
        except timestamps.TimestampRequestError as exc:
            logger.warning(
                "timestamp server %s: %s", settings.PORTAL_SIGNING.get("timestamp_url"), exc
            )
            raise SigningUnavailable(
                "Máy chủ dấu thời gian không trả lời: văn bản chưa được ký, hãy thử lại sau."
            ) from exc
    return bytes(output.getbuffer())
