"""Pages for the directives a unit writes: drafting (text, recipients, milestones), issuing,
replacing, and the issued document as PDF, Word and history."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from campaigns import selectors, services
from campaigns.access import access_directive, can_edit_campaign
from campaigns.documents.render import render_docx, render_html, render_pdf
from campaigns.forms import (
    DirectiveCreateForm,
    DirectiveForm,
    IssueForm,
    MilestoneFormSet,
    RecipientsForm,
)
from campaigns.models import Directive
from units.access import Capability, can, issuer_units_for
from units.forms import errors_to_form
from units.http import AuthedHttpRequest
from units.models import Unit
from units.selectors import Leader

from .signing import signing_context

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _refuse_issued(request: AuthedHttpRequest, directive: Directive) -> HttpResponse | None:
    """Every editing page sends an issued directive back to its page with the reason."""
    if directive.is_draft:
        return None
    messages.error(
        request,
        "Văn bản đã ban hành không thể sửa; muốn đính chính, hãy ban hành văn bản thay thế.",
    )
    return redirect(directive)


def _disposition(filename: str, *, download: bool) -> str:
    """The Content-Disposition header for a named file (Django gives None only without a name)."""
    return content_disposition_header(download, filename) or ""


def directive_list(request: AuthedHttpRequest) -> HttpResponse:
    directives = selectors.directives_issued_for(request.user)
    page = Paginator(directives, 25).get_page(request.GET.get("page"))
    return render(request, "campaigns/directive_list.html", {"page": page})


def directive_create(request: AuthedHttpRequest) -> HttpResponse:
    if not issuer_units_for(request.user).exists():  # the issuers the form offers
        raise Http404("Bạn không có quyền soạn văn bản.")
    initial = {"campaign": request.GET.get("campaign")}
    form = DirectiveCreateForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            directive = services.directive_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, "Đã tạo dự thảo. Dán nội dung văn bản vào ô “Nội dung”.")
            return redirect("campaigns:directive_edit", pk=directive.pk)
    return render(
        request,
        "campaigns/campaign_form.html",
        {"form": form, "title": "Soạn văn bản mới"},
    )


def directive_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    directive = access_directive(request.user, pk)
    statuses = selectors.recipient_statuses(directive, request.user)
    may_issue = directive.issuer is not None and can(
        request.user, Capability.ISSUE, directive.issuer
    )
    return render(
        request,
        "campaigns/directive_detail.html",
        {
            "directive": directive,
            "document": render_html(selectors.directive_document(directive), standalone=False),
            "statuses": statuses,
            "done_count": sum(s.implemented for s in statuses),
            "milestones": directive.milestones.all(),
            "chain": selectors.directive_chain(directive, request.user),
            "below": selectors.implementing_directives(directive, request.user),
            "may_issue": may_issue,
            "own_recipients": selectors.with_issuer_options(
                request.user, selectors.own_recipient_rows(request.user, directive)
            ),
            **signing_context(request.user, directive),
        },
    )


# ---------------------------------------------------------------------------- drafting


def directive_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    directive = access_directive(request.user, pk, for_edit=True)
    if refused := _refuse_issued(request, directive):
        return refused
    leaders = _signers(directive)
    form = DirectiveForm(request.POST or None, instance=copy.copy(directive), leaders=leaders)
    if request.method == "POST" and form.is_valid():
        try:
            services.directive_update(actor=request.user, directive=directive, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, "Đã lưu dự thảo.")
            if "issue" in request.POST:
                return redirect("campaigns:directive_issue", pk=directive.pk)
            return redirect("campaigns:directive_edit", pk=directive.pk)
    # A bound form has copied what parsed onto its instance: preview what the user typed.
    preview = form.instance if form.is_bound else directive
    return render(
        request,
        "campaigns/directive_form.html",
        {
            "directive": directive,
            "form": form,
            "document": render_html(selectors.directive_document(preview), standalone=False),
            "recipient_count": directive.recipients.count(),
            "milestones": directive.milestones.all(),
            "leaders": leaders,
            "authorities": selectors.authority_choices(_issuer(directive), leaders),
        },
    )


def _issuer(directive: Directive) -> Unit:
    """The unit a draft is issued by (a draft is always written in the portal)."""
    if directive.issuer is None:
        raise Http404("Văn bản của cơ quan ngoài Cổng không soạn trên Cổng.")
    return directive.issuer


def _signers(directive: Directive) -> list[Leader]:
    """The issuer's head and deputies on the draft's date (today while it has none)."""
    return selectors.signer_choices(_issuer(directive), directive.issue_date)


@require_POST
def directive_preview(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The page as it would print with the text being typed: nothing is saved."""
    directive = access_directive(request.user, pk, for_edit=True)
    form = DirectiveForm(request.POST, instance=copy.copy(directive), leaders=_signers(directive))
    form.is_valid()  # fills the instance with what parsed; a half-typed form still previews
    return HttpResponse(render_html(selectors.directive_document(form.instance), standalone=False))


def directive_recipients(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    directive = access_directive(request.user, pk, for_edit=True)
    if refused := _refuse_issued(request, directive):
        return refused
    if directive.issuer is None:  # for_edit finds only directives of the user's own units
        raise Http404("Không tìm thấy văn bản.")
    form = RecipientsForm(request.POST or None, issuer=directive.issuer)
    if request.method == "POST" and "remove" in request.POST:
        ids = [int(v) for v in request.POST.getlist("remove_unit") if v.isdigit()]
        removed = services.recipients_remove(actor=request.user, directive=directive, unit_ids=ids)
        messages.success(request, f"Đã bỏ {removed} đơn vị nhận.")
        return redirect("campaigns:directive_recipients", pk=directive.pk)
    if request.method == "POST" and form.is_valid():
        try:
            added = services.recipients_add(
                actor=request.user,
                directive=directive,
                units=[*form.cleaned_data["units"], *form.cleaned_data["codes"]],
                level=form.cleaned_data["level"],
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, f"Đã thêm {added} đơn vị nhận.")
            return redirect("campaigns:directive_recipients", pk=directive.pk)
    recipients = directive.recipients.select_related("unit").order_by("unit__path")
    page = Paginator(recipients, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "campaigns/directive_recipients.html",
        {"directive": directive, "form": form, "page": page},
    )


def directive_milestones(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    directive = access_directive(request.user, pk, for_edit=True)
    if refused := _refuse_issued(request, directive):
        return refused
    initial = [
        {
            "kind": m.kind,
            "title": m.title,
            "due_date": m.due_date,
            "due_month": f"{m.due_month.month}/{m.due_month.year}" if m.due_month else "",
            "applies_to": m.applies_to,
        }
        for m in directive.milestones.all()
    ]
    formset = MilestoneFormSet(request.POST or None, initial=initial, prefix="m")
    refusals: list[str] = []
    if request.method == "POST" and formset.is_valid():
        try:
            services.milestones_replace(
                actor=request.user, directive=directive, milestones=formset.milestones()
            )
        except ValidationError as exc:
            refusals = exc.messages
        else:
            messages.success(request, "Đã lưu các mốc thời gian.")
            return redirect("campaigns:directive_edit", pk=directive.pk)
    # Where a milestone falls outside the campaign, the fix may be the campaign's dates.
    campaign_editable = bool(refusals) and can_edit_campaign(request.user, directive.campaign_id)
    return render(
        request,
        "campaigns/directive_milestones.html",
        {
            "directive": directive,
            "formset": formset,
            "refusals": refusals,
            "campaign_editable": campaign_editable,
        },
    )


@require_POST
def directive_delete(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    directive = access_directive(request.user, pk, for_edit=True)
    if refused := _refuse_issued(request, directive):
        return refused
    services.directive_delete(actor=request.user, directive=directive)
    messages.success(request, "Đã xóa dự thảo.")
    return redirect("campaigns:directive_list")


# ---------------------------------------------------------------------------- issuing


def directive_issue(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    directive = access_directive(request.user, pk, for_edit=True)
    if refused := _refuse_issued(request, directive):
        return refused
    # A single checkbox posts nothing when unticked: bind on POST, not on a non-empty body.
    form = IssueForm(request.POST if request.method == "POST" else None)
    problems = [str(e.message) for e in services.issue_problems(directive)]
    if request.method == "POST" and form.is_valid():
        try:
            services.directive_issue(actor=request.user, directive=directive)
        except ValidationError as exc:
            problems = exc.messages
        else:
            directive.refresh_from_db()
            messages.success(request, f"Đã ban hành văn bản số {directive.symbol}.")
            return redirect(directive)
    return render(
        request,
        "campaigns/directive_issue.html",
        {
            "directive": directive,
            "form": form,
            "problems": problems,
            "recipient_count": directive.recipients.count(),
            "milestones": directive.milestones.all(),
        },
    )


@require_POST
def directive_replace(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    directive = access_directive(request.user, pk, for_edit=True)
    try:
        draft = services.directive_replace(actor=request.user, directive=directive)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(directive)
    messages.success(request, "Đã tạo dự thảo thay thế; văn bản cũ còn hiệu lực đến khi ban hành.")
    return redirect("campaigns:directive_edit", pk=draft.pk)


# ---------------------------------------------------------------------------- the document


def directive_pdf(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """An issued directive's stored PDF, never re-rendered: the signed one once signed (the PDF
    as issued stays at directive_pdf_unsigned); a draft's, rendered with its mark."""
    directive = access_directive(request.user, pk)
    document = selectors.directive_document(directive)
    if not directive.is_draft and directive.record_pdf:
        with directive.record_pdf.open("rb") as stored:
            content = stored.read()
    else:
        content = render_pdf(document)
    response = HttpResponse(content, content_type="application/pdf")
    download = request.GET.get("download") == "1"
    response["Content-Disposition"] = _disposition(f"{document.title}.pdf", download=download)
    return response


def directive_docx(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    directive = access_directive(request.user, pk)
    document = selectors.directive_document(directive)
    response = HttpResponse(render_docx(document), content_type=DOCX_TYPE)
    response["Content-Disposition"] = _disposition(f"{document.title}.docx", download=True)
    return response


def directive_history(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    directive = access_directive(request.user, pk)
    records = directive.history.select_related("history_user").order_by("-history_date")[:100]
    return render(
        request,
        "campaigns/directive_history.html",
        {"directive": directive, "records": records},
    )
