"""Pages for browsing the unit tree and, for administrators, changing it and its memberships."""

from __future__ import annotations

import copy
import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
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
    CarryOverForm,
    MembershipEndForm,
    MembershipForm,
    SplitPartFormSet,
    UnitCloseForm,
    UnitCreateForm,
    UnitForm,
    UnitImportForm,
    UnitMergeForm,
    UnitMoveForm,
    UnitRenameForm,
    UnitSplitForm,
    errors_to_form,
)
from .http import AuthedHttpRequest
from .models import Reorganisation, Unit
from .tabular import write_csv, write_xlsx


class HtmxRequest(AuthedHttpRequest):
    """A signed-in request after django-htmx's middleware: `htmx` tells whether htmx sent it."""

    htmx: HtmxDetails


STATUS_CHOICES = [
    ("", "Tất cả"),
    (selectors.OPEN, "Đang hoạt động"),
    (selectors.CLOSED, "Không còn hoạt động"),
]


def unit_list(request: AuthedHttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    status = request.GET.get("status", "")
    status = status if status in {selectors.OPEN, selectors.CLOSED} else ""
    context: dict[str, object] = {
        "query": query,
        "status": status,
        "status_choices": STATUS_CHOICES,
        "status_label": dict(STATUS_CHOICES)[status],
    }
    if query or status:
        units = selectors.unit_search(request.user, query, status)
        context["page"] = Paginator(units, 50).get_page(request.GET.get("page"))
    else:
        context["roots"] = selectors.scope_roots(request.user)
    return render(request, "units/unit_list.html", context)


def unit_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    unit = access_unit(request.user, pk)
    show_past = request.GET.get("past") == "1"
    children, totals = selectors.children_and_totals(unit)
    return render(
        request,
        "units/unit_detail.html",
        {
            "unit": unit,
            "crumbs": selectors.breadcrumbs(request.user, unit),
            "children": children,
            "totals": totals,
            "memberships": selectors.unit_memberships(
                unit, include_past=show_past or unit.is_closed
            ),
            "show_past": show_past,
            "name_history": unit.name_history.all(),
            "lineage": selectors.unit_lineage(request.user, unit),
            "can_manage": can(request.user, Capability.MANAGE, unit) and not unit.is_closed,
        },
    )


def _refuse_closed(request: AuthedHttpRequest, unit: Unit) -> HttpResponse:
    """A closed unit stays readable; every change to it is refused, with the reason."""
    assert unit.closed_on is not None  # noqa: S101 (callers check)
    messages.error(
        request,
        f"{unit.name} đã không còn hoạt động từ ngày {unit.closed_on:%d/%m/%Y}: "
        "không thể thay đổi đơn vị này.",
    )
    return redirect(unit)


def unit_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    unit = access_unit(request.user, pk, Capability.MANAGE)
    if unit.is_closed:
        return _refuse_closed(request, unit)
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
    if parent.is_closed:
        return _refuse_closed(request, parent)
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
    if unit.is_closed:
        return _refuse_closed(request, unit)
    form = UnitRenameForm(request.POST or None, unit=unit)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                services.unit_rename(
                    actor=request.user,
                    unit=unit,
                    name=data["name"],
                    short_name=data["short_name"],
                    symbol_code=data["symbol_code"],
                    effective_date=data["effective_date"],
                )
                _record_decision(
                    request, Reorganisation.Kind.RENAME, unit, form, data["effective_date"]
                )
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
    if unit.is_closed:
        return _refuse_closed(request, unit)
    form = UnitMoveForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        target = form.cleaned_data["target_code"]
        try:
            day = form.cleaned_data["effective_date"] or timezone.localdate()
            with transaction.atomic():
                services.unit_move(
                    actor=request.user, unit=unit, new_parent=target, effective_date=day
                )
                _record_decision(request, Reorganisation.Kind.MOVE, unit, form, day)
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


def _record_decision(
    request: AuthedHttpRequest,
    kind: str,
    unit: Unit,
    form: UnitRenameForm | UnitMoveForm,
    day: datetime.date,
) -> None:
    """A rename or move made under a decision enters the unit's reorganisation history."""
    decision = form.decision()
    if decision is not None:
        services.record_simple_operation(
            kind=kind, actor=request.user, unit=unit, day=day, decision=decision
        )


def membership_add(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    unit = access_unit(request.user, pk, Capability.MANAGE)
    if unit.is_closed:
        return _refuse_closed(request, unit)
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


# ---------------------------------------------------------------------------- reorganisation


@dataclass
class Draft:
    """A merger, split or closure as filled in on its first page, not yet applied: what the
    confirmation page lists, and how to apply it."""

    ending: list[Unit]  # units closed from the date
    # Carry-over choices: key → (label, successor: an existing unit or one the operation makes).
    targets: dict[str, tuple[str, Unit | services.NewUnit]]
    default_target: str  # pre-selected for every person ("" = the role ends)
    children: list[tuple[Unit, str]]  # open child units of the ending ones, and where each goes
    member_total: int  # the successor's member count after the operation, as summed
    member_editable: bool  # the confirmation page asks for the new unit's count
    apply: Callable[[list[services.CarryOver], int | None], Reorganisation]
    done: Callable[[Reorganisation], tuple[Unit, str]]  # the page to show next, and the message


class _Rehearsal(Exception):
    """Raised to undo an operation that ran only to count what it would do."""


def _rehearse(run: Callable[[], Reorganisation]) -> dict[str, int]:
    """Run the operation and undo it: its counts (obligations handed over, drafts moved, …)
    are those of applying it now, whatever the layers above hand over."""
    counts: dict[str, int] = {}
    try:
        with transaction.atomic():
            counts.update(run().summary)
            raise _Rehearsal
    except _Rehearsal:
        pass
    return counts


def _taking_over(operation: Reorganisation) -> Unit:
    """The unit that carries on the work of the units an operation ended."""
    return (
        Unit.objects.filter(
            predecessor_links__operation=operation, predecessor_links__takes_over_work=True
        )
        .distinct()
        .get()
    )


def _reorganise(
    request: AuthedHttpRequest,
    unit: Unit,
    *,
    title: str,
    form: UnitMergeForm | UnitSplitForm | UnitCloseForm,
    formsets: Sequence[forms.BaseFormSet] = (),
    draft: Callable[[], Draft],
) -> HttpResponse:
    """The two steps of an operation that cannot be undone: its form (posted with
    step=review), then a confirmation page listing what will happen, where each person's role
    goes (posted with step=apply, the first page's fields kept hidden). A refusal of the
    service shows the first page again, with the data entered and the reason."""
    step = request.POST.get("step", "review") if request.method == "POST" else "edit"
    page: dict[str, object] = {"unit": unit, "title": title, "form": form, "formsets": formsets}
    # Every form validated (no short-circuit), so that each shows its own errors.
    checks = [f.is_valid() for f in [form, *formsets]] if request.method == "POST" else [False]
    valid = all(checks)
    if valid and step in {"review", "apply"}:
        decision = form.decision()
        assert decision is not None  # noqa: S101 (required by the form)
        day = form.cleaned_data["effective_date"]
        try:
            plan = draft()
            proposals = []
            for ending in plan.ending:
                for proposal in services.proposed_carry_over(ending, None, day):
                    proposal.membership.unit = ending  # named on the page: no query per row
                    proposals.append(proposal)
            carry = CarryOverForm(
                request.POST if step == "apply" else None,
                proposals=proposals,
                targets=plan.targets,
                default=plan.default_target,
                member_total=plan.member_total if plan.member_editable else None,
            )
            if step == "apply" and carry.is_valid():
                operation = plan.apply(carry.carry_over(), carry.cleaned_data.get("member_count"))
                target, message = plan.done(operation)
                messages.success(request, message)
                return redirect(target)
            counts = _rehearse(lambda: plan.apply([], None))
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            return render(
                request,
                "units/reorganise_confirm.html",
                {
                    **page,
                    "plan": plan,
                    "carry": carry,
                    "counts": counts,
                    "day": day,
                    "decision_text": Reorganisation(
                        decision_number=decision.number,
                        decision_date=decision.date,
                        decision_body=decision.body,
                    ).decision_text,
                },
            )
    return render(request, "units/reorganise_form.html", page)


def unit_merge(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    unit = access_unit(request.user, pk, Capability.MANAGE)
    if unit.is_closed:
        return _refuse_closed(request, unit)
    form = UnitMergeForm(request.POST or None, unit=unit, user=request.user)

    def draft() -> Draft:
        data = form.cleaned_data
        into: Unit | None = data["into"]
        new: services.NewUnit | None = data["new"]
        ending = [u for u in data["predecessors"] if into is None or u.pk != into.pk]
        successor: Unit | services.NewUnit = into or new  # type: ignore[assignment]
        label = into.name if into is not None else f"{successor.name} (đơn vị mới)"
        total = sum(u.member_count for u in ending) + (into.member_count if into else 0)

        def apply(carry: list[services.CarryOver], member_count: int | None) -> Reorganisation:
            if new is not None and member_count is not None:
                new.member_count = member_count
            return services.unit_merge(
                actor=request.user,
                predecessors=data["predecessors"],
                day=data["effective_date"],
                decision=form.decision(),  # type: ignore[arg-type]
                into=into,
                new=new,
                carry_over=carry,
            )

        def done(operation: Reorganisation) -> tuple[Unit, str]:
            successor = _taking_over(operation)
            names = ", ".join(f"“{u.name}”" for u in ending)
            return successor, (
                f"Đã hợp nhất {names} vào “{successor.name}” theo {operation.decision_text}."
            )

        return Draft(
            ending=ending,
            targets={str(into.pk) if into else "new": (label, successor)},
            default_target=str(into.pk) if into else "new",
            children=[(c, label) for c in selectors.open_children(ending)],
            member_total=total,
            member_editable=new is not None,
            apply=apply,
            done=done,
        )

    return _reorganise(request, unit, title="Hợp nhất đơn vị", form=form, draft=draft)


def unit_split(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    unit = access_unit(request.user, pk, Capability.MANAGE)
    if unit.is_closed:
        return _refuse_closed(request, unit)
    children = selectors.open_children([unit])
    form = UnitSplitForm(request.POST or None, unit=unit, user=request.user, children=children)
    parts = SplitPartFormSet(
        request.POST or None, prefix="parts", form_kwargs={"unit_kind": unit.kind}
    )

    def draft() -> Draft:
        data = form.cleaned_data
        rows = parts.rows()
        specs = [spec for spec in rows if spec is not None]
        index = {row: specs.index(spec) for row, spec in enumerate(rows) if spec is not None}

        def part_of(row: int, field: str) -> int:
            if row not in index:
                raise ValidationError(
                    {field: "Hãy chọn một đơn vị mới đã ghi ở bảng trên."}, code="blank_part"
                )
            return index[row]

        takes_over = part_of(data["takes_over"], "takes_over")
        moves = {
            child_pk: part_of(row, f"child_{child_pk}")
            for child_pk, row in form.child_rows().items()
        }
        targets: dict[str, tuple[str, Unit | services.NewUnit]] = {
            f"part-{i}": (f"{spec.name} (đơn vị mới)", spec) for i, spec in enumerate(specs)
        }

        def apply(carry: list[services.CarryOver], member_count: int | None) -> Reorganisation:
            return services.unit_split(
                actor=request.user,
                unit=unit,
                parts=specs,
                day=data["effective_date"],
                decision=form.decision(),  # type: ignore[arg-type]
                takes_over=takes_over,
                children=moves,
                carry_over=carry,
            )

        def done(operation: Reorganisation) -> tuple[Unit, str]:
            names = ", ".join(f"“{spec.name}”" for spec in specs)
            return unit, f"Đã chia tách “{unit.name}” thành {names} theo {operation.decision_text}."

        return Draft(
            ending=[unit],
            targets=targets,
            default_target=f"part-{takes_over}",
            children=[(c, specs[moves.get(c.pk, takes_over)].name) for c in children],
            member_total=unit.member_count,
            member_editable=False,
            apply=apply,
            done=done,
        )

    return _reorganise(
        request, unit, title="Chia tách đơn vị", form=form, formsets=[parts], draft=draft
    )


def unit_close(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    unit = access_unit(request.user, pk, Capability.MANAGE)
    if unit.is_closed:
        return _refuse_closed(request, unit)
    form = UnitCloseForm(request.POST or None, unit=unit, user=request.user)

    def draft() -> Draft:
        data = form.cleaned_data
        chosen: Unit | None = data["takes_over_code"]
        successor = chosen or selectors.parent_of(unit)
        if successor is None:
            raise ValidationError(
                {"takes_over_code": "Hãy ghi mã đơn vị tiếp nhận công việc của đơn vị giải thể."},
                code="no_successor",
            )

        def apply(carry: list[services.CarryOver], member_count: int | None) -> Reorganisation:
            return services.unit_close(
                actor=request.user,
                unit=unit,
                day=data["effective_date"],
                decision=form.decision(),  # type: ignore[arg-type]
                takes_over=chosen,
                carry_over=carry,
            )

        def done(operation: Reorganisation) -> tuple[Unit, str]:
            return unit, (
                f"Đã giải thể “{unit.name}” theo {operation.decision_text}; đơn vị trực thuộc và "
                f"công việc chưa xong chuyển cho “{successor.name}”."
            )

        return Draft(
            ending=[unit],
            targets={str(successor.pk): (successor.name, successor)},
            # Roles in a dissolved unit rarely carry on above it: chosen one by one.
            default_target=CarryOverForm.NOWHERE,
            children=[(c, successor.name) for c in selectors.open_children([unit])],
            member_total=successor.member_count,
            member_editable=False,
            apply=apply,
            done=done,
        )

    return _reorganise(request, unit, title="Giải thể đơn vị", form=form, draft=draft)


def reorganisation_list(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The mergers, splits, closures, renames and moves in the unit's subtree, newest first."""
    unit = access_unit(request.user, pk)
    page = Paginator(selectors.reorganisations_in(unit), 20).get_page(request.GET.get("page"))
    related = [
        u
        for operation in page
        for link in operation.links.all()
        for u in (link.predecessor, link.successor)
        if u is not None
    ]
    return render(
        request,
        "units/reorganisation_list.html",
        {
            "unit": unit,
            "crumbs": selectors.breadcrumbs(request.user, unit),
            "page": page,
            "visible": selectors.visible_among(request.user, related),
        },
    )
