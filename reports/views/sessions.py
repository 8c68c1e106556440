"""Pages of a unit's campaign work: its work page, study sessions (with their files) and
propaganda items."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from campaigns.access import access_campaign
from campaigns.models import Campaign
from reports import selectors, services
from reports.access import access_attachment, access_propaganda, access_session
from reports.figures import rollup
from reports.forms import PropagandaForm, SessionForm
from units.access import Capability, access_unit, can
from units.forms import errors_to_form
from units.http import AuthedHttpRequest
from units.models import Unit
from units.selectors import breadcrumbs


def _campaign_for(
    request: AuthedHttpRequest, unit: Unit, campaigns: list[Campaign] | None = None
) -> Campaign | None:
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


def _work_url(unit: Unit, campaign: Campaign) -> str:
    return f"{reverse('reports:unit_work', args=[unit.pk])}?campaign={campaign.pk}"


def unit_work(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    unit = access_unit(request.user, pk)
    campaigns = list(selectors.campaigns_of_unit(request.user, unit)[:50])
    campaign = _campaign_for(request, unit, campaigns)
    may_capture = can(request.user, Capability.CAPTURE, unit)
    context = {
        "unit": unit,
        "crumbs": breadcrumbs(request.user, unit),
        "campaigns": campaigns,
        "campaign": campaign,
        "may_capture": may_capture,
        # A closed unit's work page shows what it did; new work is its successor's.
        "may_add": may_capture and unit.closed_on is None,
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


def session_create(request: AuthedHttpRequest, pk: int) -> HttpResponse:
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
            errors_to_form(form, exc)
        else:
            messages.success(request, "Đã ghi buổi sinh hoạt.")
            return redirect(_work_url(unit, campaign))
    return render(
        request,
        "reports/session_form.html",
        {"form": form, "unit": unit, "campaign": campaign, "title": "Ghi buổi sinh hoạt"},
    )


def session_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
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
            errors_to_form(form, exc)
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
def session_delete(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    session = access_session(request.user, pk)
    try:
        services.session_delete(actor=request.user, session=session)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Đã xóa buổi sinh hoạt.")
    return redirect(_work_url(session.unit, session.campaign))


def attachment_file(request: AuthedHttpRequest, pk: int) -> FileResponse:
    """Session files are served only here, to users who see the session's unit."""
    attachment = access_attachment(request.user, pk)
    return FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name
    )


def propaganda_create(request: AuthedHttpRequest, pk: int) -> HttpResponse:
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
            errors_to_form(form, exc)
        else:
            messages.success(request, "Đã ghi tin, bài tuyên truyền.")
            return redirect(_work_url(unit, campaign))
    return render(
        request,
        "reports/session_form.html",
        {"form": form, "unit": unit, "campaign": campaign, "title": "Ghi tin, bài tuyên truyền"},
    )


def propaganda_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    item = access_propaganda(request.user, pk)
    form = PropagandaForm(request.POST or None, instance=copy.copy(item))
    if request.method == "POST" and form.is_valid():
        try:
            services.propaganda_update(actor=request.user, item=item, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
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
def propaganda_delete(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    item = access_propaganda(request.user, pk)
    try:
        services.propaganda_delete(actor=request.user, item=item)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Đã xóa tin, bài tuyên truyền.")
    return redirect(_work_url(item.unit, item.campaign))
