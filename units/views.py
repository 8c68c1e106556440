"""Pages for browsing the unit tree and, for administrators, changing it and its memberships."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django_htmx.http import HttpResponseClientRedirect
from django_htmx.middleware import HtmxDetails

from . import selectors, services
from .access import (
    Capability,
    access_membership,
    access_unit,
    access_unit_import,
    can,
    can_anywhere,
)
from .forms import (
    MembershipEndForm,
    MembershipForm,
    UnitCreateForm,
    UnitForm,
    UnitImportForm,
    UnitMoveForm,
    UnitRenameForm,
    errors_to_form,
)
from .http import AuthedHttpRequest
from .tabular import write_csv, write_xlsx


class HtmxRequest(AuthedHttpRequest):
    """A signed-in request after django-htmx's middleware: `htmx` tells whether htmx sent it."""

    htmx: HtmxDetails


def unit_list(request: AuthedHttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    context: dict[str, object] = {"query": query}
    if query:
        units = selectors.unit_search(request.user, query)
        context["page"] = Paginator(units, 50).get_page(request.GET.get("page"))
    else:
        context["roots"] = selectors.scope_roots(request.user)
    return render(request, "units/unit_list.html", context)


def unit_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    unit = access_unit(request.user, pk)
    show_past = request.GET.get("past") == "1"
    return render(
        request,
        "units/unit_detail.html",
        {
            "unit": unit,
            "crumbs": selectors.breadcrumbs(request.user, unit),
            "children": selectors.children_rollup(unit),
            "totals": selectors.subtree_totals(unit),
            "memberships": selectors.unit_memberships(unit, include_past=show_past),
            "show_past": show_past,
            "name_history": unit.name_history.all(),
            "can_manage": can(request.user, Capability.MANAGE, unit),
        },
    )


def unit_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    unit = access_unit(request.user, pk, Capability.MANAGE)
    # A model form copies the posted values onto its instance while validating; on the unit
    # itself, unit_update would then see nothing changed and save nothing.
    form = UnitForm(request.POST or None, instance=copy.copy(unit))
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_update(actor=request.user, unit=unit, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, "Đã lưu thông tin đơn vị.")
            return redirect(unit)
    return render(
        request,
        "units/unit_form.html",
        {"unit": unit, "form": form, "title": "Sửa thông tin đơn vị"},
    )


def unit_add_child(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    parent = access_unit(request.user, pk, Capability.MANAGE)
    form = UnitCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            child = services.unit_create(actor=request.user, parent=parent, **data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, f"Đã thêm đơn vị “{child.name}”.")
            return redirect(child)
    return render(
        request,
        "units/unit_form.html",
        {"unit": parent, "form": form, "title": "Thêm đơn vị trực thuộc"},
    )


def unit_rename(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    unit = access_unit(request.user, pk, Capability.MANAGE)
    form = UnitRenameForm(request.POST or None, unit=unit)
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_rename(actor=request.user, unit=unit, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, "Đã đổi tên đơn vị; tên cũ được lưu trong lịch sử.")
            return redirect(unit)
    return render(
        request, "units/unit_form.html", {"unit": unit, "form": form, "title": "Đổi tên đơn vị"}
    )


def unit_move(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    unit = access_unit(request.user, pk, Capability.MANAGE)
    form = UnitMoveForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        target = form.cleaned_data["target_code"]
        try:
            services.unit_move(actor=request.user, unit=unit, new_parent=target)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, f"Đã chuyển “{unit.name}” sang trực thuộc “{target.name}”.")
            return redirect(unit)
    return render(
        request,
        "units/unit_form.html",
        {
            "unit": unit,
            "form": form,
            "title": "Chuyển đơn vị",
            "warning": "Đơn vị và toàn bộ đơn vị cấp dưới sẽ được chuyển. Văn bản đã ban hành không thay đổi.",
        },
    )


def membership_add(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    unit = access_unit(request.user, pk, Capability.MANAGE)
    form = MembershipForm(
        request.POST or None, actor=request.user, initial={"start_date": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            membership = services.membership_grant(
                actor=request.user,
                unit=unit,
                username=data["username"],
                role=data["role"],
                full_name=data["full_name"],
                email=data["email"],
                password=data["password"],
                position=data["position"],
                start_date=data["start_date"],
                end_date=data["end_date"],
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, f"Đã phân công {membership.user} tại {unit.name}.")
            return redirect(unit)
    return render(
        request,
        "units/unit_form.html",
        {"unit": unit, "form": form, "title": "Phân công người dùng"},
    )


def membership_end(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    membership = access_membership(request.user, pk)
    form = MembershipEndForm(request.POST or None, initial={"end_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_end(actor=request.user, membership=membership, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, f"Đã kết thúc phân công của {membership.user}.")
            return redirect(membership.unit)
    return render(
        request,
        "units/unit_form.html",
        {
            "unit": membership.unit,
            "form": form,
            "title": f"Kết thúc phân công: {membership}",
            "warning": "Người dùng sẽ không còn quyền của vai trò này từ sau ngày kết thúc. Lịch sử phân công được giữ lại.",
        },
    )


def unit_export(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    unit = access_unit(request.user, pk)
    rows = selectors.export_rows(unit)
    if request.GET.get("format") == "csv":
        content, mime, ext = write_csv(rows), "text/csv; charset=utf-8", "csv"
    else:
        content = write_xlsx(rows)
        mime, ext = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"
    return HttpResponse(
        content,
        content_type=mime,
        headers={
            "Content-Disposition": content_disposition_header(True, f"don-vi-{unit.code}.{ext}")
        },
    )


def unit_import(request: HtmxRequest) -> HttpResponse:
    if not can_anywhere(request.user, Capability.MANAGE):
        raise Http404("Không tìm thấy trang.")
    form = UnitImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        unit_import = services.unit_import_start(
            actor=request.user, file_name=upload.name, content=upload.read()
        )
        if request.htmx:
            return HttpResponseClientRedirect(unit_import.get_absolute_url())
        return redirect(unit_import)
    return render(request, "units/import_form.html", {"form": form})


def unit_import_detail(request: HtmxRequest, pk: int) -> HttpResponse:
    unit_import = access_unit_import(request.user, pk)
    template = "units/_import_status.html" if request.htmx else "units/import_detail.html"
    return render(request, template, {"job": unit_import})
