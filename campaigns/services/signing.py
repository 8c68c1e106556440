"""Writes that sign an issued document: with the operator's key (the signer, and the issuing
body's seal where required), or signed elsewhere and uploaded back.

The PDF as issued never changes: the signed one is stored beside it, with what verification
found in it, and becomes the document served. Every signing is recorded in the history and the
domain events with its actor. The pieces that do not touch a directive (`sign_document`,
`store_signed`) sign progress reports too (reports.signing).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import timezone

from campaigns.models import Directive, SigningMethod
from units.events import EventKind, record_event
from units.models import Unit, User

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from campaigns.signing import SignatureBox, SignatureReport

# An uploaded signed PDF is the issued one plus a few signatures: far below this.
MAX_SIGNED_BYTES = 20 * 1024 * 1024

CHANGE_REASON: dict[str, str] = {
    SigningMethod.SERVER: "Ký số bằng khóa của Cổng",
    SigningMethod.UPLOADED: "Tải lên bản đã ký số",
}
# Why a PDF signed elsewhere is not the issued one signed (signing.signed_copy_problem).
UPLOAD_REFUSAL: dict[str, str] = {
    "not_this_document": "Tệp đã ký không phải bản văn bản đã ban hành trên Cổng (nội dung khác "
    "bản ban hành): hãy tải xuống đúng bản PDF của văn bản này, ký rồi tải lên lại.",
    "changed_when_signing": "Lúc ký, tệp đã bị thêm hoặc sửa nội dung ngoài chữ ký số (trang văn "
    "bản khác bản ban hành). Không lưu tệp này: hãy ký đúng bản PDF đã tải xuống, không sửa gì.",
}


# ---------------------------------------------------------------------------- shared pieces


def sign_document(
    pdf: bytes,
    *,
    box: SignatureBox | None,
    name: str,
    position: str,
    seal_name: str,
    reason: str,
    location: str,
) -> tuple[bytes, list[SignatureReport]]:
    """`pdf` signed with the operator's key over `box`, then with the issuing body's seal where
    required, and what verification finds in it. The seal's signature is invisible: a second
    text stamp over the signer's would make both unreadable; the page lists it.

    Raises ValidationError (code "signing_unavailable") when no key is configured or the key
    cannot be opened (token absent, wrong PIN), with the message for the person who signs.
    """
    from campaigns.signing import (
        SigningUnavailable,
        seal_required,
        sign_pdf,
        signing_available,
        verify_pdf,
    )

    today = timezone.localdate()
    try:
        if signing_available() is None:
            raise SigningUnavailable(
                "Cổng chưa được cấu hình khóa ký số: hãy tải văn bản xuống, ký bằng thiết bị "
                "của đồng chí rồi tải lên bản đã ký."
            )
        signed = sign_pdf(
            pdf,
            box=box,
            name=name,
            position=position,
            signed_on=today,
            reason=reason,
            location=location,
        )
        if seal_required():
            signed = sign_pdf(
                signed,
                box=None,
                name=seal_name,
                position="",
                signed_on=today,
                reason=reason,
                location=location,
                role="seal",
            )
    except SigningUnavailable as exc:
        raise ValidationError(str(exc), code="signing_unavailable") from exc
    return signed, verify_pdf(signed)


def check_signed_upload(
    upload: UploadedFile, original: bytes
) -> tuple[bytes, list[SignatureReport]]:
    """The bytes of a PDF signed elsewhere, and its signatures, if it is `original` signed: it
    has signatures, every one intact, nothing changed after signing, and the first signed
    revision is exactly the bytes issued. Raises ValidationError with the reason otherwise."""
    from campaigns.signing import UnreadablePdf, signed_copy_problem, verify_pdf

    data = upload.read(MAX_SIGNED_BYTES + 1)
    if len(data) > MAX_SIGNED_BYTES:
        raise ValidationError("Tệp quá lớn: bản PDF đã ký không thể lớn hơn 20 MB.", code="too_big")
    if data.lstrip()[:5] != b"%PDF-":
        raise ValidationError(
            "Tệp tải lên không phải PDF: hãy tải lên bản PDF đã ký số.", code="not_pdf"
        )
    try:
        reports = verify_pdf(data)
    except UnreadablePdf as exc:
        raise ValidationError(
            "Không đọc được tệp PDF (tệp hỏng hoặc có mật khẩu).", code="unreadable"
        ) from exc
    if not reports:
        raise ValidationError(
            "Tệp PDF chưa có chữ ký số nào: hãy ký văn bản rồi tải lên bản đã ký.",
            code="unsigned",
        )
    if not all(r.intact for r in reports):
        raise ValidationError(
            "Chữ ký số trong tệp không còn nguyên vẹn: tệp đã bị sửa sau khi ký hoặc chữ ký "
            "bị hỏng. Không lưu tệp này.",
            code="broken",
        )
    if any(r.modified_after for r in reports):
        raise ValidationError(
            "Tệp đã bị sửa sau khi ký (có nội dung thêm vào sau chữ ký). Không lưu tệp này: "
            "hãy tải lên đúng bản vừa ký.",
            code="modified",
        )
    if problem := signed_copy_problem(data, original):
        raise ValidationError(UPLOAD_REFUSAL[problem], code=problem)
    return data, reports


def file_signatures(upload: UploadedFile) -> list[dict[str, Any]]:
    """The signatures of an uploaded file as verification finds them (`as_dict()` each): [] for
    a file that is not a PDF, an unsigned one, or one pyHanko cannot read."""
    from campaigns.signing import UnreadablePdf, verify_pdf

    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    if data.lstrip()[:5] != b"%PDF-":
        return []
    try:
        return [report.as_dict() for report in verify_pdf(data)]
    except UnreadablePdf:
        return []


def store_signed(
    document: models.Model,
    *,
    actor: User | None,
    unit: Unit,
    pdf: bytes,
    reports: list[SignatureReport],
    method: str,
    filename: str,
    fields: tuple[str, ...] = (),
) -> None:
    """Keep the signed PDF on `document` (fields signed_pdf, signed_at, signed_by,
    signing_method, signatures, plus `fields`), its history row naming the actor, and record
    DOCUMENT_SIGNED. In the caller's transaction; the file is removed if the row is not saved."""
    signed_pdf = document.signed_pdf  # type: ignore[attr-defined]
    signed_pdf.save(filename, ContentFile(pdf), save=False)
    document.signed_at = timezone.now()  # type: ignore[attr-defined]
    document.signed_by = actor  # type: ignore[attr-defined]
    document.signing_method = method  # type: ignore[attr-defined]
    document.signatures = [r.as_dict() for r in reports]  # type: ignore[attr-defined]
    # django-simple-history: who and why, also outside a request (the demo, a shell).
    document._history_user = actor  # type: ignore[attr-defined]
    document._change_reason = CHANGE_REASON.get(method, "Ký số")  # type: ignore[attr-defined]
    try:
        with transaction.atomic():
            document.save(
                update_fields=[
                    "signed_pdf",
                    "signed_at",
                    "signed_by",
                    "signing_method",
                    "signatures",
                    *fields,
                    "updated_at",
                ]
            )
    except Exception:
        signed_pdf.delete(save=False)  # no row, no file
        raise
    record_event(
        kind=EventKind.DOCUMENT_SIGNED,
        actor=actor,
        unit=unit,
        target=document,
        data={"method": method, "signers": [r.signer for r in reports]},
    )


def signed_filename(symbol: str) -> str:
    return f"{symbol.replace('/', '-')}-da-ky.pdf"


# ---------------------------------------------------------------------------- directives


def _locked(directive: Directive) -> Directive:
    """The directive's row, locked: of two clicks on "Ký số", the second waits, then finds it
    signed."""
    return (
        Directive.objects.select_for_update(of=("self",))
        .select_related("kind", "issuer")
        .get(pk=directive.pk)
    )


def signing_refusal(directive: Directive) -> ValidationError | None:
    """Why this directive cannot be signed on the portal, or None."""
    if directive.status != Directive.Status.ISSUED:
        return ValidationError(
            "Chỉ văn bản đang có hiệu lực, đã ban hành trên Cổng mới được ký số.",
            code="not_issued",
        )
    if directive.is_imported or directive.issuer_id is None:
        return ValidationError(
            "Văn bản nhập từ tệp là bản của cơ quan ban hành: không ký trên Cổng.",
            code="imported",
        )
    if not directive.issued_pdf:
        return ValidationError("Văn bản chưa có bản PDF ban hành để ký.", code="no_pdf")
    if directive.signed_pdf:
        when = timezone.localtime(directive.signed_at) if directive.signed_at else None
        return ValidationError(
            "Văn bản đã được ký số" + (f" lúc {when:%H:%M ngày %d/%m/%Y}." if when else "."),
            code="already_signed",
        )
    return None


def _issued_bytes(directive: Directive) -> bytes:
    with directive.issued_pdf.open("rb") as pdf:
        return pdf.read()


def directive_signature_box(directive: Directive) -> SignatureBox | None:
    """Where the signer's blank lies on the PDF as issued, measured at issue. None (an invisible
    signature) for a directive issued before it was measured: printing it again with today's
    layout could put the stamp over its text."""
    from campaigns.signing import SignatureBox

    return SignatureBox(**directive.signature_box) if directive.signature_box else None


@transaction.atomic
def directive_sign(*, actor: User | None, directive: Directive) -> Directive:
    """Sign the issued PDF with the operator's key, the appearance over the signer's blank
    (name, position, date), the seal as a second signature where required; store it as the
    document of record. Two requests at once sign once: the second is refused as signed."""
    locked = _locked(directive)
    if refusal := signing_refusal(locked):
        raise refusal
    issued = _issued_bytes(locked)
    box = directive_signature_box(locked)
    pdf, reports = sign_document(
        issued,
        box=box,
        name=locked.signer_name,
        position=locked.signer_position,
        seal_name=locked.issuer_name or locked.issuing_body,
        reason=f"Ban hành {locked.display_title}",
        location=locked.place,
    )
    _store_directive(locked, actor, pdf, reports, SigningMethod.SERVER, box)
    return locked


def _store_directive(
    directive: Directive,
    actor: User | None,
    pdf: bytes,
    reports: list[SignatureReport],
    method: str,
    box: SignatureBox | None,
) -> None:
    fields: tuple[str, ...] = ()
    if box is not None and not directive.signature_box:
        directive.signature_box = asdict(box)  # measured now, for the record
        fields = ("signature_box",)
    store_signed(
        directive,
        actor=actor,
        unit=directive.issuer,  # type: ignore[arg-type] # signing_refusal: a portal issuer
        pdf=pdf,
        reports=reports,
        method=method,
        filename=signed_filename(directive.symbol),
        fields=fields,
    )


@transaction.atomic
def directive_upload_signed(
    *, actor: User | None, directive: Directive, upload: UploadedFile
) -> Directive:
    """Keep a PDF signed elsewhere (a personal token) as the document of record, if it is the
    issued PDF signed and intact; otherwise ValidationError with the reason, nothing stored."""
    locked = _locked(directive)
    if refusal := signing_refusal(locked):
        raise refusal
    pdf, reports = check_signed_upload(upload, _issued_bytes(locked))
    _store_directive(locked, actor, pdf, reports, SigningMethod.UPLOADED, None)
    return locked
