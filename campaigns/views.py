"""Pages for campaigns and directives: write, preview, issue, print, receive and implement."""

from __future__ import annotations

import copy
import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from campaigns import importing, selectors, services
from campaigns.documents.extract import DirectiveImportError
from campaigns.documents.formatting import short_date
from campaigns.documents.render import render_docx, render_html, render_pdf
from campaigns.forms import (
    CampaignForm,
    DirectiveCreateForm,
    DirectiveForm,
    DirectiveUploadForm,
    ImportMilestoneFormSet,
    ImportReviewForm,
    IssueForm,
    MaterialForm,
    MilestoneFormSet,
    RecipientsForm,
)
from campaigns.models import Directive, DirectiveKind
from units.access import Capability, can, issuer_units_for, scope_q
from units.models import Unit, fold_for_search

from .access import (
    access_campaign,
    access_directive,
    access_directive_import,
    access_material,
    access_recipient,
    campaigns_visible_to,
)

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _errors_to_form(form, exc: ValidationError) -> None:
    for message in exc.messages:
        form.add_error(None, message)


def _refuse_issued(request: HttpRequest, directive: Directive) -> HttpResponse | None:
    """Every editing page sends an issued directive back to its page with the reason."""
    if directive.is_draft:
        return None
    messages.error(
        request,
        "Văn bản đã ban hành không thể sửa; muốn đính chính, hãy ban hành văn bản thay thế.",
    )
    return redirect(directive)


# ---------------------------------------------------------------------------- campaigns


def campaign_list(request: HttpRequest) -> HttpResponse:
    campaigns = campaigns_visible_to(request.user).select_related("owner").order_by("-start_date")
    page = Paginator(campaigns, 25).get_page(request.GET.get("page"))
    return render(request, "campaigns/campaign_list.html", {"page": page})


def campaign_create(request: HttpRequest) -> HttpResponse:
    form = CampaignForm(request.POST or None, user=request.user)
    if not form.fields["owner"].queryset.exists():
        raise Http404("Bạn không có quyền tạo đợt sinh hoạt.")
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, "Đã tạo đợt sinh hoạt.")
            return redirect(campaign)
    return render(
        request, "campaigns/campaign_form.html", {"form": form, "title": "Tạo đợt sinh hoạt"}
    )


def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
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


def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = access_campaign(request.user, pk, for_edit=True)
    form = CampaignForm(request.POST or None, instance=copy.copy(campaign), user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_update(actor=request.user, campaign=campaign, **form.cleaned_data)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, "Đã lưu đợt sinh hoạt.")
            return redirect(campaign)
    return render(
        request,
        "campaigns/campaign_form.html",
        {"form": form, "campaign": campaign, "title": "Sửa đợt sinh hoạt"},
    )


def material_add(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = access_campaign(request.user, pk, for_edit=True)
    form = MaterialForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.material_add(actor=request.user, campaign=campaign, **form.cleaned_data)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, "Đã thêm tài liệu.")
            return redirect(campaign)
    return render(
        request,
        "campaigns/campaign_form.html",
        {"form": form, "campaign": campaign, "title": "Thêm tài liệu sinh hoạt"},
    )


def material_file(request: HttpRequest, pk: int) -> FileResponse:
    """Uploaded files are served only through here, to users who may see the campaign."""
    material = access_material(request.user, pk)
    if not material.file:
        raise Http404("Tài liệu không có tệp đính kèm.")
    return FileResponse(material.file.open("rb"), as_attachment=True)


@require_POST
def material_delete(request: HttpRequest, pk: int) -> HttpResponse:
    material = access_material(request.user, pk, for_edit=True)
    campaign = material.campaign
    services.material_delete(actor=request.user, material=material)
    messages.success(request, "Đã xóa tài liệu.")
    return redirect(campaign)


# ---------------------------------------------------------------------------- directives


def directive_list(request: HttpRequest) -> HttpResponse:
    directives = selectors.directives_issued_for(request.user)
    page = Paginator(directives, 25).get_page(request.GET.get("page"))
    return render(request, "campaigns/directive_list.html", {"page": page})


def received_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.received_for(request.user), 25).get_page(request.GET.get("page"))
    rows = selectors.with_issuer_options(request.user, list(page.object_list))
    return render(request, "campaigns/received_list.html", {"page": page, "rows": rows})


def directive_create(request: HttpRequest) -> HttpResponse:
    initial = {"campaign": request.GET.get("campaign")}
    form = DirectiveCreateForm(request.POST or None, user=request.user, initial=initial)
    if not form.fields["issuer"].queryset.exists():
        raise Http404("Bạn không có quyền soạn văn bản.")
    if request.method == "POST" and form.is_valid():
        try:
            directive = services.directive_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, "Đã tạo dự thảo. Dán nội dung văn bản vào ô “Nội dung”.")
            return redirect("campaigns:directive_edit", pk=directive.pk)
    return render(
        request,
        "campaigns/campaign_form.html",
        {"form": form, "title": "Soạn văn bản mới"},
    )


def directive_detail(request: HttpRequest, pk: int) -> HttpResponse:
    directive = access_directive(request.user, pk)
    statuses = selectors.recipient_statuses(directive, request.user)
    may_issue = directive.issuer_id is not None and can(
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
        },
    )


def directive_edit(request: HttpRequest, pk: int) -> HttpResponse:
    directive = access_directive(request.user, pk, for_edit=True)
    if refused := _refuse_issued(request, directive):
        return refused
    form = DirectiveForm(request.POST or None, instance=copy.copy(directive))
    if request.method == "POST" and form.is_valid():
        try:
            services.directive_update(actor=request.user, directive=directive, **form.cleaned_data)
        except ValidationError as exc:
            _errors_to_form(form, exc)
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
        },
    )


@require_POST
def directive_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The page as it would print with the text being typed: nothing is saved."""
    directive = access_directive(request.user, pk, for_edit=True)
    form = DirectiveForm(request.POST, instance=copy.copy(directive))
    form.is_valid()  # fills the instance with what parsed; a half-typed form still previews
    return HttpResponse(render_html(selectors.directive_document(form.instance), standalone=False))


def directive_recipients(request: HttpRequest, pk: int) -> HttpResponse:
    directive = access_directive(request.user, pk, for_edit=True)
    if refused := _refuse_issued(request, directive):
        return refused
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
            _errors_to_form(form, exc)
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


def _milestones_posted(formset) -> list[services.MilestoneData]:
    """The rows of a valid milestone formset: every row with a kind, changed or not (blank
    extra rows post no kind), except those ticked for deletion."""
    return [
        services.MilestoneData(
            kind=f.cleaned_data["kind"],
            title=f.cleaned_data["title"],
            due_date=f.cleaned_data["due_date"],
            due_month=f.cleaned_data["due_month"],
            applies_to=f.cleaned_data["applies_to"],
        )
        for f in formset.forms
        if f.cleaned_data.get("kind") and not f.cleaned_data.get("DELETE")
    ]


def directive_milestones(request: HttpRequest, pk: int) -> HttpResponse:
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
    if request.method == "POST" and formset.is_valid():
        items = _milestones_posted(formset)
        try:
            services.milestones_replace(actor=request.user, directive=directive, milestones=items)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Đã lưu các mốc thời gian.")
            return redirect("campaigns:directive_edit", pk=directive.pk)
    return render(
        request,
        "campaigns/directive_milestones.html",
        {"directive": directive, "formset": formset},
    )


def directive_issue(request: HttpRequest, pk: int) -> HttpResponse:
    directive = access_directive(request.user, pk, for_edit=True)
    if refused := _refuse_issued(request, directive):
        return refused
    # A single checkbox posts nothing when unticked: bind on POST, not on a non-empty body.
    form = IssueForm(request.POST if request.method == "POST" else None)
    problems = [e.message for e in services.issue_problems(directive)]
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
def directive_delete(request: HttpRequest, pk: int) -> HttpResponse:
    directive = access_directive(request.user, pk, for_edit=True)
    if refused := _refuse_issued(request, directive):
        return refused
    services.directive_delete(actor=request.user, directive=directive)
    messages.success(request, "Đã xóa dự thảo.")
    return redirect("campaigns:directive_list")


@require_POST
def directive_replace(request: HttpRequest, pk: int) -> HttpResponse:
    directive = access_directive(request.user, pk, for_edit=True)
    try:
        draft = services.directive_replace(actor=request.user, directive=directive)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(directive)
    messages.success(request, "Đã tạo dự thảo thay thế; văn bản cũ còn hiệu lực đến khi ban hành.")
    return redirect("campaigns:directive_edit", pk=draft.pk)


@require_POST
def directive_implement(request: HttpRequest, pk: int) -> HttpResponse:
    """One click from a received directive to a pre-filled implementing draft."""
    recipient = access_recipient(request.user, pk)
    issuer = None
    if request.POST.get("issuer"):
        issuer = issuer_units_for(request.user).filter(pk=request.POST["issuer"]).first()
        if issuer is None:
            raise Http404("Không tìm thấy cơ quan ban hành.")
    try:
        draft = services.directive_implement(actor=request.user, recipient=recipient, issuer=issuer)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(recipient.directive)
    messages.success(
        request,
        f"Đã tạo dự thảo thực hiện {recipient.directive.display_title}; hãy sửa và ban hành.",
    )
    return redirect("campaigns:directive_edit", pk=draft.pk)


def directive_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """An issued directive's stored PDF, never re-rendered; a draft's, rendered with its mark."""
    directive = access_directive(request.user, pk)
    document = selectors.directive_document(directive)
    if not directive.is_draft and directive.issued_pdf:
        content = directive.issued_pdf.read()
        directive.issued_pdf.close()
    else:
        content = render_pdf(document)
    response = HttpResponse(content, content_type="application/pdf")
    disposition = request.GET.get("download") == "1"
    response["Content-Disposition"] = content_disposition_header(
        disposition, f"{document.title}.pdf"
    )
    return response


def directive_docx(request: HttpRequest, pk: int) -> HttpResponse:
    directive = access_directive(request.user, pk)
    document = selectors.directive_document(directive)
    response = HttpResponse(render_docx(document), content_type=DOCX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, f"{document.title}.docx")
    return response


def directive_history(request: HttpRequest, pk: int) -> HttpResponse:
    directive = access_directive(request.user, pk)
    records = directive.history.select_related("history_user").order_by("-history_date")[:100]
    return render(
        request,
        "campaigns/directive_history.html",
        {"directive": directive, "records": records},
    )


def directive_source(request: HttpRequest, pk: int) -> FileResponse:
    """The file a received directive was imported from, as it arrived."""
    directive = access_directive(request.user, pk)
    if not directive.source_file or not directive.source_file.storage.exists(
        directive.source_file.name
    ):
        raise Http404("Văn bản này không có tệp gốc.")
    return FileResponse(
        directive.source_file.open("rb"), as_attachment=True, filename=directive.source_name
    )


# ---------------------------------------------------------------------------- received files


def import_upload(request: HttpRequest) -> HttpResponse:
    """Upload a directive that arrived as a file; what it says is read at once."""
    if not issuer_units_for(request.user).exists():
        raise Http404("Bạn không có quyền nhập văn bản.")
    form = DirectiveUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = importing.import_upload(actor=request.user, upload=form.cleaned_data["file"])
        except DirectiveImportError as exc:
            form.add_error("file", exc.message)
        else:
            messages.success(request, "Đã đọc văn bản. Kiểm tra từng trường bên dưới rồi xác nhận.")
            return redirect(job)
    pending = request.user.directive_imports.all()[:20]
    return render(request, "campaigns/import_upload.html", {"form": form, "pending": pending})


def _as_name(text: str) -> str:
    """An upper-case header line as a name to write in a sentence: "Ban Tuyên Giáo…"."""
    return text.title() if text.isupper() else text


def _campaign_title(subject: str) -> str:
    """A short name for a campaign started from a directive: its subject, cut at a word."""
    subject = " ".join(subject.split())
    if len(subject) <= 120:
        return subject
    return subject[:120].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _review_initial(
    data: dict, issuer: Unit | None, units: list[Unit], parents: list[Directive]
) -> dict:
    kind = DirectiveKind.objects.filter(code=data.get("kind") or "").first()
    position = data.get("signer_position") or ""
    studied = kind is not None and kind.code in ("HD", "KH")
    issuing = data.get("issuing_body") or ""
    header = {"superior_body": data.get("superior_body") or "", "issuing_body": issuing}
    if issuer is not None:  # the tree's spelling, when it names the same bodies
        for name, tree_value in selectors.issuer_defaults(issuer).items():
            if name in header and fold_for_search(tree_value) == fold_for_search(header[name]):
                header[name] = tree_value
    return {
        "campaign": parents[0].campaign if parents else None,
        "campaign_title": _campaign_title(data.get("subject") or ""),
        "kind": kind,
        "symbol": data.get("symbol") or "",
        "issue_date": data.get("date"),
        "place": data.get("place") or "",
        **header,
        "issuer": issuer,
        "issuer_name": issuer.name
        if issuer
        else " ".join(_as_name(p) for p in (issuing, data.get("superior_body") or "") if p),
        "subject": data.get("subject") or "",
        "basis": data.get("basis_text") or "",
        "body": data.get("body") or "",
        "recipient_lines": "\n".join(f"- {line}" for line in data.get("recipients") or []),
        "signing_authority": data.get("signing_authority") or "",
        "signer_position": position[:1] + position[1:].lower() if position.isupper() else position,
        "signer_name": data.get("signer_name") or "",
        "units": units,
        "requires_implementing": studied,
        "requires_sessions": studied,
    }


def import_review(request: HttpRequest, pk: int) -> HttpResponse:
    """Every field read from the file beside the text it came from; correct, then confirm."""
    job = access_directive_import(request.user, pk)
    data = job.data
    issuer = importing.issuer_match(data.get("symbol"), data.get("place"))
    parents = importing.basis_directives(request.user, data)
    matches = importing.recipient_matches(data.get("recipients") or [], issuer)
    matched = {unit.pk for match in matches for unit in match.units}
    # The units the user issues for, and the units the document names that lie in their scope.
    choices = (
        Unit.objects.filter(
            Q(pk__in=issuer_units_for(request.user).values("pk"))
            | (Q(pk__in=matched) & scope_q(request.user, Capability.ISSUE))
        )
        .select_related("kind")
        .order_by("path")
    )
    choice_list = list(choices)
    named = [u for u in choice_list if u.pk in matched]
    initial_units = named or (choice_list if len(choice_list) == 1 else [])
    if issuer is not None and not importing.sends_to(issuer, choice_list):
        issuer = None  # a unit elsewhere in the tree: the document counts as from outside
    form = ImportReviewForm(
        request.POST or None,
        user=request.user,
        unit_choices=choices,
        issuer=issuer,
        initial=_review_initial(data, issuer, initial_units, parents),
    )
    formset = ImportMilestoneFormSet(
        request.POST or None, initial=importing.milestone_suggestions(data), prefix="m"
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        cleaned = dict(form.cleaned_data)
        milestones = _milestones_posted(formset)
        try:
            directive = importing.import_confirm(
                actor=request.user,
                job=job,
                campaign=cleaned.pop("campaign"),
                campaign_title=cleaned.pop("campaign_title"),
                kind=cleaned.pop("kind"),
                issuer=cleaned.pop("issuer", None),
                symbol=cleaned.pop("symbol"),
                issue_date=cleaned.pop("issue_date"),
                units=list(cleaned.pop("units")),
                milestones=milestones,
                implements=parents,
                **cleaned,
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(
                request,
                f"Đã lưu {directive.display_title} vào văn bản được giao của "
                f"{directive.recipients.count()} đơn vị.",
            )
            return redirect(directive)
    if request.method == "POST" and not (form.is_valid() and formset.is_valid()):
        messages.error(request, "Chưa lưu: sửa các ô được đánh dấu bên dưới.")
    source, found = importing.source_with_marks(job.text, data)
    return render(
        request,
        "campaigns/import_review.html",
        {
            "job": job,
            "form": form,
            "formset": formset,
            "matches": matches,
            "issuer_unit": issuer,
            "basis_refs": [
                {**ref, "date_text": short_date(datetime.date.fromisoformat(ref["date"]))}
                if ref.get("date")
                else ref
                for ref in data.get("basis") or []
            ],
            "parents": parents,
            "source": source,
            "found": found,
        },
    )


@require_POST
def import_discard(request: HttpRequest, pk: int) -> HttpResponse:
    job = access_directive_import(request.user, pk)
    importing.import_discard(actor=request.user, job=job)
    messages.success(request, f"Đã hủy tệp {job.original_name}; không có gì được lưu.")
    return redirect("campaigns:import_upload")
