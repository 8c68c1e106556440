"""Pages that sign a sent progress report with the operator's key, and serve it as printed
before signing."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header

from campaigns.views.signing import SignForm, signer_identities
from reports.access import access_report
from reports.models import ProgressReport
from reports.signing import report_sign as sign
from reports.signing import report_signing_refusal
from units.access import Capability, own_units_for
from units.http import AuthedHttpRequest
from units.models import User


def may_sign_report(user: User, report: ProgressReport) -> bool:
    """Whether the report's page offers signing: its own unit's people (the gate of the signing
    page), once it is sent and not yet signed as sent."""
    return report_signing_refusal(report) is None and report.unit in own_units_for(
        user, Capability.CAPTURE
    )


def report_sign(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Who the operator's key certifies and a confirmation; then print the report and sign it."""
    report = access_report(request.user, pk, for_edit=True)
    if refusal := report_signing_refusal(report):
        messages.error(request, refusal.messages[0])
        return redirect(report)
    form = SignForm(request.POST if request.method == "POST" else None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            sign(actor=request.user, report=report)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, "Đã ký số báo cáo.")
            return redirect(report)
    return render(
        request,
        "reports/report_sign.html",
        {"report": report, "form": form, "errors": errors, **signer_identities()},
    )


def report_pdf_unsigned(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The report as printed when it was signed, before the signature."""
    report = access_report(request.user, pk)
    if not report.is_signed or not report.pdf:
        raise Http404("Báo cáo chưa được ký số.")
    with report.pdf.open("rb") as stored:
        content = stored.read()
    response = HttpResponse(content, content_type="application/pdf")
    name = f"bao-cao-{report.unit.code}-chua-ky.pdf"
    response["Content-Disposition"] = content_disposition_header(True, name) or ""
    return response
