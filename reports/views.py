"""Pages for a unit's campaign work (sessions, propaganda, reports), report review and the
leaders' dashboard."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from campaigns.access import access_campaign, access_obligation
from reports import selectors, services
from reports.documents import render_report_pdf
from reports.exports import XLSX_TYPE, dashboard_xlsx
from reports.figures import rollup
from reports.forms import PropagandaForm, ReportForm, ReviewForm, SessionForm
from reports.models import Notification
from units.access import Capability, access_unit, can, issuer_units_for, own_units_for
from units.selectors import breadcrumbs

from .access import (
    access_attachment,
    access_notification,
    access_propaganda,
    access_report,
    access_session,
)


def _errors_to_form(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error.messages[0])
    else:
        for message in exc.messages:
            form.add_error(None, message)


def _campaign_for(request: HttpRequest, unit, campaigns: list | None = None):
    """The campaign named by ?campaign= (if the user sees it), else the unit's latest one
    (the first of `campaigns`, the unit's campaigns newest first, when the caller has them)."""
    wanted = request.GET.get("campaign") or request.POST.get("campaign")
    if wanted:
        if not str(wanted).isdigit():
            raise Http404("Không tìm thấy đợt sinh hoạt.")
        return access_campaign(request.user, int(wanted))
    if campaigns is not None:
        return campaigns[0] if campaigns else None
    return selectors.campaigns_of_unit(request.user, unit).first()


def _work_url(unit, campaign) -> str:
    return f"{reverse('reports:unit_work', args=[unit.pk])}?campaign={campaign.pk}"


# ---------------------------------------------------------------------------- a unit's work


def unit_work(request: HttpRequest, pk: int) -> HttpResponse:
    unit = access_unit(request.user, pk)
    campaigns = list(selectors.campaigns_of_unit(request.user, unit)[:50])
    campaign = _campaign_for(request, unit, campaigns)
    context = {
        "unit": unit,
        "crumbs": breadcrumbs(request.user, unit),
        "campaigns": campaigns,
        "campaign": campaign,
        "may_capture": can(request.user, Capability.CAPTURE, unit),
    }
    if campaign is not None:
        sessions = selectors.unit_sessions(unit, campaign)
        context.update(
            sessions=Paginator(sessions, 20).get_page(request.GET.get("page")),
            propaganda=selectors.unit_propaganda(unit, campaign)[:50],
            obligations=selectors.unit_report_obligations(unit, campaign),
            figures=rollup(campaign, unit).total,
        )
    return render(request, "reports/unit_work.html", context)


def session_create(request: HttpRequest, pk: int) -> HttpResponse:
    unit = access_unit(request.user, pk, Capability.CAPTURE)
    campaign = _campaign_for(request, unit)
    if campaign is None:
        raise Http404("Đơn vị chưa có đợt sinh hoạt nào.")
    member_count = services.unit_member_count(unit)
    form = SessionForm(
        request.POST or None,
        request.FILES or None,
        campaign=campaign,
        member_count=member_count,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        files, materials = data.pop("files"), data.pop("materials")
        try:
            services.session_create(
                actor=request.user,
                campaign=campaign,
                unit=unit,
                materials=materials,
                files=files,
                **data,
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, "Đã ghi buổi sinh hoạt.")
            return redirect(_work_url(unit, campaign))
    return render(
        request,
        "reports/session_form.html",
        {"form": form, "unit": unit, "campaign": campaign, "title": "Ghi buổi sinh hoạt"},
    )


def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    session = access_session(request.user, pk)
    form = SessionForm(
        request.POST or None,
        request.FILES or None,
        instance=copy.copy(session),
        campaign=session.campaign,
        member_count=session.member_count,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        files, materials = data.pop("files"), data.pop("materials")
        try:
            services.session_update(
                actor=request.user, session=session, materials=materials, files=files, **data
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, "Đã lưu buổi sinh hoạt.")
            return redirect(_work_url(session.unit, session.campaign))
    return render(
        request,
        "reports/session_form.html",
        {
            "form": form,
            "unit": session.unit,
            "campaign": session.campaign,
            "session": session,
            "title": "Sửa buổi sinh hoạt",
        },
    )


@require_POST
def session_delete(request: HttpRequest, pk: int) -> HttpResponse:
    session = access_session(request.user, pk)
    try:
        services.session_delete(actor=request.user, session=session)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Đã xóa buổi sinh hoạt.")
    return redirect(_work_url(session.unit, session.campaign))


def attachment_file(request: HttpRequest, pk: int) -> FileResponse:
    """Session files are served only here, to users who see the session's unit."""
    attachment = access_attachment(request.user, pk)
    return FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name
    )


def propaganda_create(request: HttpRequest, pk: int) -> HttpResponse:
    unit = access_unit(request.user, pk, Capability.CAPTURE)
    campaign = _campaign_for(request, unit)
    if campaign is None:
        raise Http404("Đơn vị chưa có đợt sinh hoạt nào.")
    form = PropagandaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.propaganda_create(
                actor=request.user, campaign=campaign, unit=unit, **form.cleaned_data
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, "Đã ghi tin, bài tuyên truyền.")
            return redirect(_work_url(unit, campaign))
    return render(
        request,
        "reports/session_form.html",
        {"form": form, "unit": unit, "campaign": campaign, "title": "Ghi tin, bài tuyên truyền"},
    )


def propaganda_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = access_propaganda(request.user, pk)
    form = PropagandaForm(request.POST or None, instance=copy.copy(item))
    if request.method == "POST" and form.is_valid():
        try:
            services.propaganda_update(actor=request.user, item=item, **form.cleaned_data)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, "Đã lưu tin, bài tuyên truyền.")
            return redirect(_work_url(item.unit, item.campaign))
    return render(
        request,
        "reports/session_form.html",
        {
            "form": form,
            "unit": item.unit,
            "campaign": item.campaign,
            "item": item,
            "title": "Sửa tin, bài tuyên truyền",
        },
    )


@require_POST
def propaganda_delete(request: HttpRequest, pk: int) -> HttpResponse:
    item = access_propaganda(request.user, pk)
    try:
        services.propaganda_delete(actor=request.user, item=item)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Đã xóa tin, bài tuyên truyền.")
    return redirect(_work_url(item.unit, item.campaign))


# ---------------------------------------------------------------------------- reports


@require_POST
def report_start(request: HttpRequest, pk: int) -> HttpResponse:
    obligation = access_obligation(request.user, pk)
    report = services.report_start(actor=request.user, obligation=obligation)
    return redirect("reports:report_edit", pk=report.pk)


def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = access_report(request.user, pk)
    may_review = (
        issuer_units_for(request.user, Capability.APPROVE)
        .filter(pk=report.obligation.directive.issuer_id)
        .exists()
    )
    figures = report.figures if report.figures and not report.is_editable else None
    return render(
        request,
        "reports/report_detail.html",
        {
            "report": report,
            "figures": figures or selectors.report_figures(report),
            "may_edit": report.is_editable
            and report.unit in own_units_for(request.user, Capability.CAPTURE),
            "review_form": ReviewForm() if may_review and report.status == "submitted" else None,
        },
    )


def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    report = access_report(request.user, pk, for_edit=True)
    if not report.is_editable:
        messages.error(request, "Báo cáo đã gửi; chỉ sửa được khi cấp trên trả lại.")
        return redirect(report)
    form = ReportForm(request.POST or None, instance=copy.copy(report))
    if request.method == "POST" and form.is_valid():
        try:
            services.report_update(actor=request.user, report=report, **form.cleaned_data)
            if "submit" in request.POST:
                services.report_submit(actor=request.user, report=report)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            if "submit" in request.POST:
                messages.success(request, "Đã gửi báo cáo lên cấp trên.")
                return redirect(report)
            messages.success(request, "Đã lưu báo cáo.")
            return redirect("reports:report_edit", pk=report.pk)
    return render(
        request,
        "reports/report_form.html",
        {"report": report, "form": form, "figures": selectors.report_figures(report)},
    )


@require_POST
def report_review(request: HttpRequest, pk: int) -> HttpResponse:
    report = access_report(request.user, pk, for_review=True)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(report)
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


# ---------------------------------------------------------------------------- dashboard


def dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    """One row per child unit over the subtree, drill-down to any depth: a fixed number of
    queries whatever the size of the subtree."""
    unit = access_unit(request.user, pk)
    campaigns = list(selectors.campaigns_of_unit(request.user, unit)[:50])
    wanted = request.GET.get("campaign", "")
    campaign = next((c for c in campaigns if str(c.pk) == wanted), None) or (
        campaigns[0] if campaigns else None
    )
    context = {"unit": unit, "crumbs": breadcrumbs(request.user, unit), "campaigns": campaigns}
    if campaign is not None:
        milestones = selectors.report_milestones(campaign, unit)
        wanted = request.GET.get("milestone", "")
        milestone = next((m for m in milestones if str(m.pk) == wanted), None)
        result = rollup(campaign, unit, milestone=milestone)
        context.update(
            campaign=campaign,
            milestones=milestones,
            milestone=milestone,
            result=result,
            total=result.total,
            overdue=selectors.overdue_units(campaign, unit),
            chart={
                "labels": [row.unit.display_short_name for row in result.children],
                "rates": [row.figures.participation_rate or 0 for row in result.children],
            },
        )
    return render(request, "reports/dashboard.html", context)


# ---------------------------------------------------------------------------- documents, exports


def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The report as an official BÁO CÁO; a draft is printed with its mark and today's figures."""
    report = access_report(request.user, pk)
    response = HttpResponse(render_report_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        request.GET.get("download") == "1", f"bao-cao-{report.unit.code}.pdf"
    )
    return response


def dashboard_xlsx_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The dashboard's rows as .xlsx, for the campaign and milestone the dashboard shows."""
    unit = access_unit(request.user, pk)
    campaigns = selectors.campaigns_of_unit(request.user, unit)
    wanted = request.GET.get("campaign", "")
    if wanted:
        campaign = campaigns.filter(pk=wanted).first() if wanted.isdigit() else None
    else:
        campaign = campaigns.first()
    if campaign is None:
        raise Http404("Không tìm thấy đợt sinh hoạt.")
    wanted = request.GET.get("milestone", "")
    milestone = next(
        (m for m in selectors.report_milestones(campaign, unit) if str(m.pk) == wanted), None
    )
    response = HttpResponse(dashboard_xlsx(campaign, unit, milestone), content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, f"tong-hop-{unit.code}.xlsx")
    return response


# ---------------------------------------------------------------------------- the bell


def notification_list(request: HttpRequest) -> HttpResponse:
    notifications = Notification.objects.filter(user=request.user).order_by("-created_at", "-pk")
    page = Paginator(notifications, 30).get_page(request.GET.get("page"))
    return render(request, "reports/notification_list.html", {"page": page})


@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one read and open what it is about."""
    notification = access_notification(request.user, pk)
    services.notification_mark_read(actor=request.user, notifications=[notification])
    return redirect(notification.url or "reports:notification_list")


@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    count = services.notification_mark_read(
        actor=request.user, notifications=Notification.objects.filter(user=request.user)
    )
    messages.success(request, f"Đã đánh dấu {count} thông báo là đã đọc.")
    return redirect("reports:notification_list")
