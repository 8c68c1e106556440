"""Pages of progress reports: start, fill in and submit one, review it, print it as PDF."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from campaigns.access import access_obligation
from reports import selectors, services
from reports.access import access_report, may_review
from reports.documents import render_report_pdf, report_document
from reports.forms import ReportForm, ReviewForm
from reports.models import ProgressReport
from units.access import Capability, own_units_for
from units.forms import errors_to_form
from units.http import AuthedHttpRequest

from .signing import may_sign_report


@require_POST
def report_start(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    obligation = access_obligation(request.user, pk)
    report = services.report_start(actor=request.user, obligation=obligation)
    return redirect("reports:report_edit", pk=report.pk)


def report_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _detail(request, access_report(request.user, pk))


def _detail(
    request: AuthedHttpRequest, report: ProgressReport, review_form: ReviewForm | None = None
) -> HttpResponse:
    """The report's page; with `review_form`, the review as the reviewer sent it, errors shown."""
    reviewer = may_review(request.user, report)
    figures = report.figures if report.figures and not report.is_editable else None
    if review_form is None and reviewer and report.status == "submitted":
        review_form = ReviewForm()
    return render(
        request,
        "reports/report_detail.html",
        {
            "report": report,
            "figures": figures or selectors.report_figures(report),
            "may_edit": report.is_editable
            and report.unit in own_units_for(request.user, Capability.CAPTURE),
            "review_form": review_form,
            "may_sign": may_sign_report(request.user, report),
        },
    )


def report_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    report = access_report(request.user, pk, for_edit=True)
    if not report.is_editable:
        messages.error(request, "Báo cáo đã gửi; chỉ sửa được khi cấp trên trả lại.")
        return redirect(report)
    outside = report.goes_outside
    form = ReportForm(request.POST or None, instance=copy.copy(report), outside=outside)
    if request.method == "POST" and form.is_valid():
        prose = {name: form.cleaned_data[name] for name in services.REPORT_PROSE}
        try:
            services.report_update(actor=request.user, report=report, **prose)
            if "submit" in request.POST:
                report = services.report_submit(
                    actor=request.user, report=report, channel=form.cleaned_data.get("channel", "")
                )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            if "submit" in request.POST:
                messages.success(
                    request,
                    f"Đã gửi báo cáo số {report.symbol} đến {report.obligation.directive.issuer_name}."
                    if outside
                    else f"Đã gửi báo cáo số {report.symbol} lên cấp trên.",
                )
                return redirect(report)
            messages.success(request, "Đã lưu báo cáo.")
            return redirect("reports:report_edit", pk=report.pk)
    return render(
        request,
        "reports/report_form.html",
        {
            "report": report,
            "form": form,
            "outside": outside,
            "figures": selectors.report_figures(report),
        },
    )


@require_POST
def report_review(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    report = access_report(request.user, pk, for_review=True)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        # The page again with the reviewer's choice and text kept and the error beside the field:
        # a redirect would drop "Trả lại để sửa" and leave only a message at the top.
        return _detail(request, report, review_form=form)
    try:
        if form.cleaned_data["decision"] == "return":
            services.report_return(
                actor=request.user, report=report, comment=form.cleaned_data["comment"]
            )
            messages.success(request, "Đã trả lại báo cáo kèm ý kiến.")
        else:
            services.report_accept(actor=request.user, report=report)
            messages.success(request, "Đã tiếp nhận báo cáo.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(report)


def report_pdf(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The report as an official BÁO CÁO: signed, the PDF stored when it was signed; otherwise
    printed now (a draft with its mark and today's figures)."""
    report = access_report(request.user, pk)
    disposition = content_disposition_header(
        request.GET.get("download") == "1", f"bao-cao-{report.unit.code}.pdf"
    )
    if report.is_signed:
        with report.signed_pdf.open("rb") as stored:
            content = stored.read()
    else:
        content = render_report_pdf(report_document(report))
    return HttpResponse(
        content, content_type="application/pdf", headers={"Content-Disposition": disposition}
    )
