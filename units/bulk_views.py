"""Pages of the bulk reorganisation file: upload under a unit, preview, apply all or nothing."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from . import services
from .access import Capability, access_reorganisation_batch, access_unit, can_anywhere
from .forms import UnitImportForm
from .models import ReorganisationBatch
from .services.reorganise_file import (
    COLUMN_HELP,
    COLUMNS,
    COUNT_LABELS,
    template_csv,
    template_xlsx,
)
from .views import HtmxRequest

RUNNING = {
    ReorganisationBatch.Status.PENDING,
    ReorganisationBatch.Status.PREVIEWING,
    ReorganisationBatch.Status.APPLYING,
}
PREVIEW_ROWS_PER_PAGE = 200
# The counts the preview table shows per row; the totals list every count.
TABLE_COUNTS = (
    "units_closed",
    "units_opened",
    "children_moved",
    "memberships_carried",
    "obligations_handed_over",
)


class ReorganisationFileForm(UnitImportForm):
    submit_label = "Tải lên và xem trước"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].label = "Tệp sắp xếp đơn vị (.xlsx hoặc .csv)"
        self.fields["file"].help_text = (
            "Mỗi dòng một việc sắp xếp. Tệp được xem trước, chưa thay đổi gì; "
            "có dòng lỗi thì không thực hiện được dòng nào."
        )


def reorganise_batch_upload(request: HtmxRequest, pk: int) -> HttpResponse:
    scope = access_unit(request.user, pk, Capability.MANAGE)
    form = ReorganisationFileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        batch = services.reorganisation_batch_start(
            actor=request.user, scope=scope, file_name=upload.name, content=upload.read()
        )
        return redirect("units:reorganise_batch_detail", batch.pk)
    recent = (
        ReorganisationBatch.objects.filter(scope=scope)
        .defer("content", "preview")
        .select_related("created_by")[:10]
    )
    return render(
        request,
        "units/reorganise_batch_form.html",
        {
            "unit": scope,
            "form": form,
            "columns": [(c.header, c.required, COLUMN_HELP[c.key]) for c in COLUMNS],
            "recent": recent,
        },
    )


def reorganise_batch_template(request: HtmxRequest) -> HttpResponse:
    """The template file with the headers and one example row of each kind."""
    if not can_anywhere(request.user, Capability.MANAGE):
        raise Http404("Không tìm thấy trang.")
    if request.GET.get("format") == "csv":
        content, mime, ext = template_csv(), "text/csv; charset=utf-8", "csv"
    else:
        content = template_xlsx()
        mime, ext = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"
    return HttpResponse(
        content,
        content_type=mime,
        headers={
            "Content-Disposition": content_disposition_header(True, f"mau-sap-xep-don-vi.{ext}")
        },
    )


def _status_context(batch: ReorganisationBatch, page_number: str | None) -> dict[str, object]:
    running = batch.status in RUNNING
    percent = int(100 * batch.processed_rows / batch.total_rows) if batch.total_rows else 0
    page = Paginator(batch.preview, PREVIEW_ROWS_PER_PAGE).get_page(page_number)
    return {
        "batch": batch,
        "running": running,
        "percent": 100 if not running else percent,
        "table_counts": [(key, COUNT_LABELS[key]) for key in TABLE_COUNTS],
        "page": page,
        "bad_lines": len({error["line"] for error in batch.errors}),
        "rows": [
            {**entry, "cells": [entry["counts"].get(key, 0) for key in TABLE_COUNTS]}
            for entry in page.object_list
        ],
        "totals": [
            (COUNT_LABELS[key], value) for key, value in batch.summary.get("counts", {}).items()
        ],
        "table_totals": [batch.summary.get("counts", {}).get(key, 0) for key in TABLE_COUNTS],
    }


def reorganise_batch_detail(request: HtmxRequest, pk: int) -> HttpResponse:
    batch = access_reorganisation_batch(request.user, pk)
    template = (
        "units/_reorganise_batch_status.html"
        if request.htmx
        else "units/reorganise_batch_detail.html"
    )
    return render(request, template, _status_context(batch, request.GET.get("page")))


@require_POST
def reorganise_batch_apply(request: HtmxRequest, pk: int) -> HttpResponse:
    batch = access_reorganisation_batch(request.user, pk)
    try:
        services.reorganisation_batch_apply_start(actor=request.user, batch=batch)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("units:reorganise_batch_detail", batch.pk)
