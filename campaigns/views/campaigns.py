"""Pages for campaigns and their study materials."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from campaigns import selectors, services
from campaigns.access import access_campaign, access_material, campaigns_visible_to
from campaigns.forms import CampaignForm, MaterialForm
from units.access import Capability, can, issuer_units_for
from units.forms import errors_to_form
from units.http import AuthedHttpRequest


def campaign_list(request: AuthedHttpRequest) -> HttpResponse:
    campaigns = campaigns_visible_to(request.user).select_related("owner").order_by("-start_date")
    page = Paginator(campaigns, 25).get_page(request.GET.get("page"))
    return render(request, "campaigns/campaign_list.html", {"page": page})


def campaign_create(request: AuthedHttpRequest) -> HttpResponse:
    if not issuer_units_for(request.user).exists():  # the owners the form offers
        raise Http404("Bạn không có quyền tạo đợt sinh hoạt.")
    form = CampaignForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, "Đã tạo đợt sinh hoạt.")
            return redirect(campaign)
    return render(
        request, "campaigns/campaign_form.html", {"form": form, "title": "Tạo đợt sinh hoạt"}
    )


def campaign_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    campaign = access_campaign(request.user, pk)
    directives = (
        selectors.directives_visible_in(request.user, campaign)
        .select_related("kind", "issuer")
        .order_by("issue_date", "pk")
    )
    return render(
        request,
        "campaigns/campaign_detail.html",
        {
            "campaign": campaign,
            "materials": campaign.materials.all(),
            "directives": directives,
            "can_edit": can(request.user, Capability.ISSUE, campaign.owner),
        },
    )


def campaign_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    campaign = access_campaign(request.user, pk, for_edit=True)
    form = CampaignForm(request.POST or None, instance=copy.copy(campaign), user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_update(actor=request.user, campaign=campaign, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, "Đã lưu đợt sinh hoạt.")
            return redirect(campaign)
    return render(
        request,
        "campaigns/campaign_form.html",
        {"form": form, "campaign": campaign, "title": "Sửa đợt sinh hoạt"},
    )


def material_add(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    campaign = access_campaign(request.user, pk, for_edit=True)
    form = MaterialForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.material_add(actor=request.user, campaign=campaign, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, "Đã thêm tài liệu.")
            return redirect(campaign)
    return render(
        request,
        "campaigns/campaign_form.html",
        {"form": form, "campaign": campaign, "title": "Thêm tài liệu sinh hoạt"},
    )


def material_file(request: AuthedHttpRequest, pk: int) -> FileResponse:
    """Uploaded files are served only through here, to users who may see the campaign."""
    material = access_material(request.user, pk)
    if not material.file:
        raise Http404("Tài liệu không có tệp đính kèm.")
    return FileResponse(material.file.open("rb"), as_attachment=True)


@require_POST
def material_delete(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    material = access_material(request.user, pk, for_edit=True)
    campaign = material.campaign
    services.material_delete(actor=request.user, material=material)
    messages.success(request, "Đã xóa tài liệu.")
    return redirect(campaign)
