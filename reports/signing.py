"""Signing a progress report once it is sent: printed once as it was sent (kept unchanged), and
that print signed with the operator's key as the document of record. The signing itself is
campaigns.services.signing's; this is what a report adds to it."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from campaigns.documents.render.page import html_to_pdf_and_box
from campaigns.models import SigningMethod
from campaigns.services.signing import sign_document, store_signed
from reports.documents import render_report_html, report_document
from reports.models import DELIVERED, ProgressReport
from units.models import User


def report_signing_refusal(report: ProgressReport) -> ValidationError | None:
    """Why the report cannot be signed now, or None: only a report sent (waiting, accepted, or
    sent outside), and once for each time it was sent."""
    if report.status not in DELIVERED:
        return ValidationError(
            "Chỉ ký số báo cáo đã gửi (chờ xem xét, đã tiếp nhận hoặc đã gửi cơ quan ngoài Cổng).",
            code="not_sent",
        )
    if report.is_signed:
        when = timezone.localtime(report.signed_at) if report.signed_at else None
        return ValidationError(
            "Báo cáo đã được ký số" + (f" lúc {when:%H:%M ngày %d/%m/%Y}." if when else "."),
            code="already_signed",
        )
    return None


@transaction.atomic
def report_sign(*, actor: User | None, report: ProgressReport) -> ProgressReport:
    """Print the sent report once, keep that PDF, and store it signed over the signer's blank
    (the seal too where required). Two clicks at once sign once (row lock); a report returned
    and sent again is printed and signed again."""
    locked = (
        ProgressReport.objects.select_for_update(of=("self",))
        .select_related("unit", "obligation", "obligation__directive")
        .get(pk=report.pk)
    )
    if refusal := report_signing_refusal(locked):
        raise refusal
    printed = report_document(locked)  # as sent: its frozen figures
    pdf, box = html_to_pdf_and_box(render_report_html(printed, standalone=True), printed.profile)
    signed, reports = sign_document(
        pdf,
        box=box,
        name=printed.document.signer_name,
        position=printed.document.signer_position,
        seal_name=locked.unit.name,
        reason=f"Báo cáo {locked.symbol}".strip(),
        location="",
    )
    name = f"bao-cao-{(locked.symbol or locked.unit.code).replace('/', '-')}"
    locked.pdf.save(f"{name}.pdf", ContentFile(pdf), save=False)
    try:
        store_signed(
            locked,
            actor=actor,
            unit=locked.unit,
            pdf=signed,
            reports=reports,
            method=SigningMethod.SERVER,
            filename=f"{name}-da-ky.pdf",
            fields=("pdf",),
        )
    except Exception:
        locked.pdf.delete(save=False)
        raise
    return locked
