"""A unit's office registers: documents sent and received in a year, filtered, as a page, an
.xlsx and a printable PDF; and giving a received document to the person who handles it.

Seeing a register is seeing its unit (units.access.access_unit: the unit's people and those
above it); giving a document to a handler is for those who issue for the receiving unit itself
(campaigns.access.access_recipient).
"""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header

from campaigns import services as campaign_services
from campaigns.access import access_recipient
from campaigns.models import DirectiveRecipient
from campaigns.selectors import handler_candidates
from reports.documents.registers import register_sheet, render_register_pdf
from reports.exports import XLSX_TYPE, register_xlsx
from reports.registers import (
    NO_HANDLER,
    PER_PAGE,
    IncomingFilters,
    IncomingRegister,
    OutgoingFilters,
    OutgoingRegister,
    incoming_register,
    outgoing_register,
)
from units.access import Capability, access_unit, issuer_units_for
from units.forms import DateInput, errors_to_form
from units.http import AuthedHttpRequest
from units.models import Unit, User

OUTGOING, INCOMING = "outgoing", "incoming"
NAMES = {OUTGOING: "Sổ văn bản đi", INCOMING: "Sổ văn bản đến"}
FILE_STEMS = {OUTGOING: "so-van-ban-di", INCOMING: "so-van-ban-den"}


def register_units(user: User) -> list[Unit]:
    """The units whose registers the user keeps or reads first: their own units and those
    units' organs (a committee and its Propaganda Department keep registers of their own)."""
    return list(issuer_units_for(user, Capability.VIEW))


def _choose(request: AuthedHttpRequest, which: str) -> HttpResponse:
    """Straight to the register of the user's one unit; a choice when they have several."""
    units = register_units(request.user)
    if len(units) == 1:
        return redirect(f"reports:{which}_register", pk=units[0].pk)
    return render(
        request,
        "reports/register_choose.html",
        {"units": units, "which": which, "name": NAMES[which]},
    )


def outgoing_choose(request: AuthedHttpRequest) -> HttpResponse:
    return _choose(request, OUTGOING)


def incoming_choose(request: AuthedHttpRequest) -> HttpResponse:
    return _choose(request, INCOMING)


Register = OutgoingRegister | IncomingRegister


def _outgoing(request: AuthedHttpRequest, pk: int) -> OutgoingRegister:
    unit = access_unit(request.user, pk)
    return outgoing_register(unit, OutgoingFilters.from_query(request.GET))


def _incoming(request: AuthedHttpRequest, pk: int) -> IncomingRegister:
    unit = access_unit(request.user, pk)
    return incoming_register(unit, IncomingFilters.from_query(request.GET))


def _page(request: AuthedHttpRequest, register: Register, which: str, **extra) -> HttpResponse:
    """The register's page: its filters, 50 lines a page, and the whole filtered year as .xlsx
    and PDF under the same query string."""
    page = Paginator(register.rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        f"reports/register_{which}.html",
        {
            "register": register,
            "unit": register.unit,
            "page": page,
            "which": which,
            "name": NAMES[which],
            "several_units": len(register_units(request.user)) > 1,
            **extra,
        },
    )


def outgoing_register_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _page(request, _outgoing(request, pk), OUTGOING)


def incoming_register_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    register = _incoming(request, pk)
    # Only for the "Giao xử lý" links: the assignment page asks access_recipient itself.
    may_assign = issuer_units_for(request.user).filter(pk=register.unit.pk).exists()
    return _page(request, register, INCOMING, may_assign=may_assign, no_handler=NO_HANDLER)


def _file_name(register: Register, which: str, extension: str) -> str:
    return f"{FILE_STEMS[which]}-{register.unit.code}-{register.filters.year}.{extension}"


def _xlsx(register: Register, which: str) -> HttpResponse:
    return HttpResponse(
        register_xlsx(register),
        content_type=XLSX_TYPE,
        headers={
            "Content-Disposition": content_disposition_header(
                True, _file_name(register, which, "xlsx")
            )
        },
    )


def _pdf(request: AuthedHttpRequest, register: Register, which: str) -> HttpResponse:
    disposition = content_disposition_header(
        request.GET.get("download") == "1", _file_name(register, which, "pdf")
    )
    return HttpResponse(
        render_register_pdf(register_sheet(register)),
        content_type="application/pdf",
        headers={"Content-Disposition": disposition},
    )


def outgoing_register_xlsx(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _xlsx(_outgoing(request, pk), OUTGOING)


def incoming_register_xlsx(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _xlsx(_incoming(request, pk), INCOMING)


def outgoing_register_pdf(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _pdf(request, _outgoing(request, pk), OUTGOING)


def incoming_register_pdf(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _pdf(request, _incoming(request, pk), INCOMING)


# ---------------------------------------------------------------------------- giving a handler

NOT_A_HANDLER = "Chỉ giao cho người của đơn vị nhận văn bản."


class HandlerField(forms.ModelChoiceField):
    """A person named as the register writes them: full name, else login."""

    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name()


class AssignForm(forms.Form):
    """Who handles a received document and by when; the choices are the receiving office's
    people (campaigns.selectors.handler_candidates). A form of this page alone, so it sits here
    rather than in reports.forms."""

    handler = HandlerField(
        queryset=User.objects.none(),
        required=False,
        label="Người xử lý",
        empty_label="– Chưa giao –",
        error_messages={"invalid_choice": NOT_A_HANDLER},
    )
    handling_due = forms.DateField(
        required=False,
        label="Hạn xử lý",
        widget=DateInput(),
        error_messages={"invalid": "Nhập hạn xử lý là một ngày hợp lệ."},
    )
    note = forms.CharField(required=False, max_length=255, label="Ghi chú")

    def __init__(self, *args, unit: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        cast(HandlerField, self.fields["handler"]).queryset = handler_candidates(unit)


def incoming_assign(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Give a received document to one of the receiving office's people, with a deadline; they
    are told, and find it on their home page."""
    row = access_recipient(request.user, pk)
    initial = {
        "handler": row.handler_id,
        "handling_due": row.handling_due,
        "note": row.register_note,
    }
    form = AssignForm(request.POST or None, unit=row.unit, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            row = campaign_services.incoming_assign(
                actor=request.user,
                row=row,
                handler=form.cleaned_data["handler"],
                handling_due=form.cleaned_data["handling_due"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _assigned_message(row))
            url = reverse("reports:incoming_register", args=[row.unit_id])
            return redirect(f"{url}?year={row.incoming_year or ''}#entry-{row.pk}")
    return render(request, "reports/register_assign.html", {"row": row, "form": form})


def _assigned_message(row: DirectiveRecipient) -> str:
    number = f"số đến {row.incoming_number}" if row.incoming_number else "đến"
    if row.handler is None:
        return f"Đã lưu văn bản {number}: chưa giao cho ai xử lý."
    return f"Đã giao văn bản {number} cho {row.handler.get_full_name()} xử lý."
