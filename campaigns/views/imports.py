"""Pages for a directive that arrived as a file: upload it, check every field read from it
beside the text it came from, then confirm it as received (or discard it)."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from campaigns import selectors, services
from campaigns.access import access_directive_import
from campaigns.documents.extract import DirectiveImportError
from campaigns.documents.formatting import short_date
from campaigns.documents.marking import source_with_marks
from campaigns.forms import DirectiveUploadForm, ImportMilestoneFormSet, ImportReviewForm
from campaigns.models import Directive, DirectiveKind
from units.access import Capability, issuer_units_for, scope_q
from units.forms import errors_to_form
from units.http import AuthedHttpRequest
from units.models import Unit, fold_for_search


def import_upload(request: AuthedHttpRequest) -> HttpResponse:
    """Upload a directive that arrived as a file; what it says is read at once."""
    if not issuer_units_for(request.user).exists():
        raise Http404("Bạn không có quyền nhập văn bản.")
    form = DirectiveUploadForm(request.POST or None, request.FILES or None)
    held = None
    if request.method == "POST" and form.is_valid():
        try:
            job = services.import_upload(actor=request.user, upload=form.cleaned_data["file"])
        except DirectiveImportError as exc:
            form.add_error("file", exc.message)
            held = exc.directive if isinstance(exc, services.AlreadyHeldError) else None
        else:
            messages.success(request, "Đã đọc văn bản. Kiểm tra từng trường bên dưới rồi xác nhận.")
            return redirect(job)
    pending = request.user.directive_imports.all()[:20]
    return render(
        request,
        "campaigns/import_upload.html",
        {"form": form, "pending": pending, "held": held},
    )


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
    data: dict[str, Any], issuer: Unit | None, units: list[Unit], parents: list[Directive]
) -> dict[str, Any]:
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


def import_review(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Every field read from the file beside the text it came from; correct, then confirm."""
    job = access_directive_import(request.user, pk)
    data = job.data
    issuer = selectors.issuer_match(data.get("symbol"), data.get("place"))
    parents = selectors.basis_directives(request.user, data)
    matches = selectors.recipient_matches(data.get("recipients") or [], issuer)
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
    if issuer is not None and not selectors.sends_to(issuer, choice_list):
        issuer = None  # a unit elsewhere in the tree: the document counts as from outside
    initial = _review_initial(data, issuer, initial_units, parents)
    form = ImportReviewForm(
        request.POST or None,
        user=request.user,
        unit_choices=choices,
        issuer=issuer,
        initial=initial,
    )
    formset = ImportMilestoneFormSet(
        request.POST or None, initial=selectors.milestone_suggestions(data), prefix="m"
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        cleaned = dict(form.cleaned_data)
        try:
            directive = services.import_confirm(
                actor=request.user,
                job=job,
                campaign=cleaned.pop("campaign"),
                campaign_title=cleaned.pop("campaign_title"),
                kind=cleaned.pop("kind"),
                issuer=cleaned.pop("issuer", None),
                symbol=cleaned.pop("symbol"),
                issue_date=cleaned.pop("issue_date"),
                units=list(cleaned.pop("units")),
                milestones=formset.milestones(),
                implements=parents,
                **cleaned,
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(
                request,
                f"Đã lưu {directive.display_title} vào văn bản được giao của "
                f"{directive.recipients.count()} đơn vị.",
            )
            return redirect(directive)
    if request.method == "POST" and not (form.is_valid() and formset.is_valid()):
        messages.error(request, "Chưa lưu: sửa các ô được đánh dấu bên dưới.")
    kind = initial["kind"]  # the type the extraction found, as the portal names it
    source, found = source_with_marks(job.text, data, kind_name=kind.name if kind else None)
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
def import_discard(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    job = access_directive_import(request.user, pk)
    services.import_discard(actor=request.user, job=job)
    messages.success(request, f"Đã hủy tệp {job.original_name}; không có gì được lưu.")
    return redirect("campaigns:import_upload")
