"""Verify the signatures of a PDF offline, against the operator's trusted roots.

Nothing is fetched: revocation is checked in soft-fail mode from what the PDF carries, so a
chain that reaches a configured root is "trusted" even without OCSP or CRL access.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterable
from datetime import datetime
from io import BytesIO
from pathlib import Path
from typing import Any

from asn1crypto import x509 as asn1_x509
from django.conf import settings
from pyhanko.keys import load_certs_from_pemder_data
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import EmbeddedPdfSignature
from pyhanko.sign.validation.pdf_embedded import async_validate_pdf_signature
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from campaigns.signing.config import common_name
from campaigns.signing.revision import signing_changes
from campaigns.signing.runner import outside_event_loop
from campaigns.signing.types import SignatureReport, UnreadablePdf

logger = logging.getLogger(__name__)

# Changes after a signature that leave what it signed as it was: later signatures (a new
# signature field counts as form filling) and validation data (DSS, document timestamps).
ALLOWED_AFTER = (
    ModificationLevel.NONE,
    ModificationLevel.LTA_UPDATES,
    ModificationLevel.FORM_FILLING,
)
# A document-signing certificate has either bit (real CAs set both; some only one).
KEY_USAGE = KeyUsageConstraints(
    key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False
)

# Why an upload is not the issued PDF signed (signed_copy_problem).
NOT_THIS_DOCUMENT = "not_this_document"
CHANGED_WHEN_SIGNING = "changed_when_signing"

SUMMARY_VALID = "Chữ ký hợp lệ, tài liệu không bị sửa sau khi ký."
SUMMARY_BROKEN = "Chữ ký không hợp lệ: nội dung đã ký bị thay đổi hoặc chữ ký bị hỏng."
SUMMARY_MODIFIED = "Chữ ký hợp lệ nhưng tài liệu đã bị sửa sau khi ký."
SUMMARY_UNTRUSTED = (
    "Chữ ký còn nguyên vẹn nhưng chứng thư số không thuộc cơ quan chứng thực được tin cậy."
)
SUMMARY_MODIFIED_UNTRUSTED = (
    "Tài liệu đã bị sửa sau khi ký, và chứng thư số không thuộc cơ quan chứng thực được tin cậy."
)


def trusted_roots() -> list[asn1_x509.Certificate]:
    """The certificates in the files of PORTAL_SIGNING["trusted_roots"] (PEM or DER, bundles too).

    A file that is missing or unreadable is logged and skipped: verification then reports
    "untrusted" rather than failing the page.
    """
    roots: list[asn1_x509.Certificate] = []
    for name in settings.PORTAL_SIGNING.get("trusted_roots") or ():
        try:
            roots.extend(load_certs_from_pemder_data(Path(name).read_bytes()))
        except (OSError, ValueError) as exc:
            logger.warning("trusted root %s: %s", name, exc)
    return roots


def _validation_context(roots: list[asn1_x509.Certificate]) -> ValidationContext:
    # trust_roots must be a list: None would mean "the operating system's roots".
    return ValidationContext(
        trust_roots=list(roots), allow_fetching=False, revocation_mode="soft-fail"
    )


def _read(pdf: bytes) -> PdfFileReader:
    try:
        reader = PdfFileReader(BytesIO(pdf), strict=False)
        if reader.encrypted:
            raise UnreadablePdf("encrypted PDF")
        reader.root  # noqa: B018 (a PDF without a catalogue fails here)
    except UnreadablePdf:
        raise
    except Exception as exc:  # damaged files fail in many ways (zlib.error, AttributeError…)
        logger.debug("not a readable PDF", exc_info=True)
        raise UnreadablePdf(f"not a readable PDF: {exc!r}") from exc
    return reader


def _summary(*, intact: bool, modified_after: bool, trusted: bool) -> str:
    if not intact:
        return SUMMARY_BROKEN
    if modified_after:
        return SUMMARY_MODIFIED if trusted else SUMMARY_MODIFIED_UNTRUSTED
    return SUMMARY_VALID if trusted else SUMMARY_UNTRUSTED


def _report(signature: EmbeddedPdfSignature, status: PdfSignatureStatus) -> SignatureReport:
    intact = bool(status.intact and status.valid)
    level = status.modification_level
    covers = intact and (
        status.coverage == SignatureCoverageLevel.ENTIRE_FILE
        or (
            status.coverage == SignatureCoverageLevel.ENTIRE_REVISION
            and level is not None
            and level in ALLOWED_AFTER
        )
    )
    modified_after = (intact and not covers) or status.docmdp_ok is False
    timestamp = status.timestamp_validity
    when: datetime | None = timestamp.timestamp if timestamp else status.signer_reported_dt
    cert = status.signing_cert
    return SignatureReport(
        field_name=signature.field_name,
        signer=common_name(cert.subject),
        issuer=common_name(cert.issuer),
        signing_time=when,
        timestamped=timestamp is not None and timestamp.intact and timestamp.valid,
        intact=intact,
        covers_document=covers,
        modified_after=modified_after,
        trusted=bool(status.trusted),
        summary=_summary(intact=intact, modified_after=modified_after, trusted=status.trusted),
    )


def _broken(signature: EmbeddedPdfSignature, exc: Exception) -> SignatureReport:
    """The report of a signature pyHanko could not even evaluate (malformed CMS, bad range)."""
    logger.info("signature %s cannot be validated: %s", signature.field_name, exc)
    signer = issuer = ""
    with contextlib.suppress(Exception):  # the names are a courtesy; the verdict stands
        signer = common_name(signature.signer_cert.subject)
        issuer = common_name(signature.signer_cert.issuer)
    return SignatureReport(
        field_name=signature.field_name,
        signer=signer,
        issuer=issuer,
        signing_time=None,
        timestamped=False,
        intact=False,
        covers_document=False,
        modified_after=False,
        trusted=False,
        summary=SUMMARY_BROKEN,
    )


async def _validate_all(
    signatures: Iterable[EmbeddedPdfSignature], roots: list[asn1_x509.Certificate], **options: Any
) -> list[tuple[EmbeddedPdfSignature, PdfSignatureStatus | Exception]]:
    results: list[tuple[EmbeddedPdfSignature, PdfSignatureStatus | Exception]] = []
    for signature in signatures:
        context = _validation_context(roots)
        try:
            status = await async_validate_pdf_signature(
                signature,
                signer_validation_context=context,
                key_usage_settings=KEY_USAGE,
                **options,
            )
        except Exception as exc:  # a broken signature is a verdict, not an error
            results.append((signature, exc))
        else:
            results.append((signature, status))
    return results


def _signatures(reader: PdfFileReader) -> list[EmbeddedPdfSignature]:
    try:
        return list(reader.embedded_signatures)
    except Exception as exc:  # as in _read: any failure of a damaged file
        logger.debug("unreadable signature fields", exc_info=True)
        raise UnreadablePdf(f"unreadable signature fields: {exc!r}") from exc


def verify_pdf(pdf: bytes) -> list[SignatureReport]:
    """One report per signature, in document order; [] for an unsigned PDF.

    A broken signature is reported (intact=False), never raised. Bytes that are not a readable
    PDF (garbage, truncated, encrypted) raise UnreadablePdf (a ValueError), so a garbage upload
    is not mistaken for "unsigned".
    """
    signatures = _signatures(_read(pdf))
    if not signatures:
        return []
    results = outside_event_loop(asyncio.run, _validate_all(signatures, trusted_roots()))
    return [
        _broken(signature, outcome)
        if isinstance(outcome, Exception)
        else _report(signature, outcome)
        for signature, outcome in results
    ]


def signed_copy_problem(signed: bytes, original: bytes) -> str | None:
    """Why `signed` is not `original` signed and nothing else, or None when it is.

    It must be `original`'s bytes plus incremental revisions, the first of them made by its first
    signature, which covers that whole revision, and that revision must only add the signature
    (campaigns.signing.revision): "not_this_document" when the bytes or revisions differ,
    "changed_when_signing" when the signing revision also changes the document. Later revisions
    and whether the signatures hold are `verify_pdf`'s to judge: nothing is validated here.
    """
    if len(signed) <= len(original) or not signed.startswith(original):
        return NOT_THIS_DOCUMENT
    try:
        revisions = _read(original).xrefs.total_revisions
        reader = _read(signed)
        signatures = _signatures(reader)
        if not signatures or signatures[0].signed_revision != revisions:
            return NOT_THIS_DOCUMENT
        coverage = signatures[0].evaluate_signature_coverage()
        if coverage < SignatureCoverageLevel.ENTIRE_REVISION:
            return NOT_THIS_DOCUMENT
        reason = signing_changes(reader, revisions)
    except Exception:  # damaged bytes, whatever pyHanko trips on: not the issued PDF signed
        logger.debug("signed copy unreadable", exc_info=True)
        return NOT_THIS_DOCUMENT
    if reason is not None:
        logger.info("signed copy refused: %s", reason)
        return CHANGED_WHEN_SIGNING
    return None


def covers_exactly(signed: bytes, original: bytes) -> bool:
    """Whether `signed` is the issued bytes `original` signed elsewhere and nothing else (see
    `signed_copy_problem`). Unreadable bytes give False."""
    return signed_copy_problem(signed, original) is None
