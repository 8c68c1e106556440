"""Writes that issue directives: numbering and issuing a draft, what recipients then owe, and
the drafts started from an issued directive (implementing it, or replacing it)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import asdict
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from campaigns.documents.formatting import document_symbol
from campaigns.models import (
    Directive,
    DirectiveKind,
    DirectiveRecipient,
    Milestone,
    Obligation,
)
from campaigns.selectors import (
    Level,
    basis_line,
    directive_document,
    implements_for,
    recipient_candidates,
    term_for,
)
from units.events import EventKind, record_event
from units.models import Unit, User

from .drafting import (
    DRAFT_FIELDS,
    MilestoneData,
    _portal_issuer,
    _require_draft,
    closed_recipients,
    directive_create,
    milestones_replace,
    outside_campaign,
    recipients_add,
)
from .numbering import next_document_number, register_incoming

if TYPE_CHECKING:
    from campaigns.signing import SignatureBox


def issue_problems(directive: Directive) -> list[ValidationError]:
    """What stops a draft from being issued, shown before the user confirms."""
    problems = []
    if not directive.subject.strip():
        problems.append(ValidationError("Chưa có trích yếu.", code="no_subject"))
    if not directive.body.strip():
        problems.append(ValidationError("Chưa có nội dung văn bản.", code="no_body"))
    if not directive.place.strip():
        problems.append(ValidationError("Chưa có địa danh (ví dụ Cần Thơ).", code="no_place"))
    if not directive.symbol_code.strip():
        problems.append(
            ValidationError("Chưa có ký hiệu cơ quan ban hành (ví dụ BTGĐUK).", code="no_symbol")
        )
    if not (directive.signer_name.strip() and directive.signer_position.strip()):
        problems.append(ValidationError("Chưa có chức vụ và họ tên người ký.", code="no_signer"))
    if not directive.recipients.exists() and not directive.recipient_lines.strip():
        problems.append(ValidationError("Chưa có nơi nhận.", code="no_recipients"))
    # A unit closed since it was added would be given new work it can no longer do.
    problems.extend(
        closed_recipients(Unit.objects.filter(received_directives__directive=directive))
    )
    campaign = directive.campaign
    parent_deadline = None
    responds_to = directive.responds_to
    if responds_to is not None:
        parent = responds_to.directive
        parent_deadline = max((m.deadline for m in parent.milestones.all()), default=None)
        parent_issued = parent.issue_date
        day = directive.issue_date or timezone.localdate()
        if parent_issued and day < parent_issued:
            problems.append(
                ValidationError(
                    f"Ngày ban hành {day:%d/%m/%Y} trước ngày của văn bản cấp trên "
                    f"({parent_issued:%d/%m/%Y}).",
                    code="dated_before_parent",
                )
            )
    for milestone in directive.milestones.all():
        deadline = milestone.deadline
        if refusal := outside_campaign(milestone, campaign):
            problems.append(refusal)
        elif parent_deadline and deadline > parent_deadline:
            problems.append(
                ValidationError(
                    f"Mốc “{milestone}” muộn hơn hạn cuối của văn bản cấp trên "
                    f"({parent_deadline:%d/%m/%Y}).",
                    code="milestone_after_parent",
                )
            )
    return problems


def _next_number(directive: Directive) -> int:
    """Take the next number for (issuer, kind, term) under a row lock: two issuers never share it
    (campaigns.services.numbering); the unique constraint on Directive backs this up."""
    return next_document_number(
        issuer=_portal_issuer(directive), kind=directive.kind, term_label=directive.term_label
    )


def counted_members(unit: Unit) -> int:
    """The members a recipient is expected to bring, frozen on its row: a cell's own count;
    committees count through their cells."""
    return unit.member_count if unit.kind.counts_members else 0


def members_brought_in(campaign_id: int, units: Iterable[Unit]) -> dict[int, int]:
    """Per unit, the members it took in from units the campaign already expects: those whose
    sessions it acts on since a merger, split or closure, and the ended units standing in its
    subtree (merged into it, their members summed into its count, also when their own sessions
    were done before). A later directive of the campaign freezes the unit's count less these,
    so the campaign's members stay the real total (reports.figures). One query."""
    by_path = {unit.path: unit.pk for unit in units if unit.kind.counts_members}
    if not by_path:
        return {}
    ended: dict[int, tuple[str, int, set[int]]] = {}  # expected unit → (path, members, acting)
    for row in (
        Obligation.objects.filter(
            Q(recipient__unit__closed_on__isnull=False) | Q(handed_over_on__isnull=False),
            directive__campaign_id=campaign_id,
            directive__status=Directive.Status.ISSUED,
            kind=Obligation.Kind.SESSIONS,
        )
        .values("recipient__unit_id", "recipient__unit__path", "unit_id", "handed_over_on")
        .annotate(members=Max("recipient__member_count"))
        .order_by()
    ):
        path, members, acting = ended.get(
            row["recipient__unit_id"], (row["recipient__unit__path"], 0, set())
        )
        if row["handed_over_on"] is not None:
            acting.add(row["unit_id"])
        ended[row["recipient__unit_id"]] = (path, max(members, row["members"] or 0), acting)
    counting = set(by_path.values())
    brought: dict[int, int] = {}
    for unit_id, (path, members, acting) in ended.items():
        ancestors = (path[:end] for end in range(Unit.steplen, len(path), Unit.steplen))
        takers = {by_path[p] for p in ancestors if p in by_path} | (acting & counting)
        for taker in takers - {unit_id}:
            brought[taker] = brought.get(taker, 0) + members
    return brought


@transaction.atomic
def directive_issue(
    *,
    actor: User | None,
    directive: Directive,
    issue_date: datetime.date | None = None,
    received_on: datetime.date | None = None,
) -> Directive:
    """Number the draft, freeze every name printed on it, record what each recipient owes and
    enter it in each recipient's incoming register, arrived today (or `received_on`, for a
    history entered afterwards, as the demo's).

    Also marks the parent's implementing obligation done when this directive answers one,
    retires the directive it replaces, and stores the PDF as issued, which never changes.
    """
    # Lock the directive row only: locking its kind, issuer and campaign too would make every
    # issue of the same kind anywhere wait for this one's commit.
    directive = (
        Directive.objects.select_for_update(of=("self",))
        .select_related("kind", "issuer", "campaign")
        .get(pk=directive.pk)
    )
    _require_draft(directive)
    problems = issue_problems(directive)
    if problems:
        raise ValidationError(problems)
    now = timezone.now()
    directive.issue_date = issue_date or directive.issue_date or timezone.localdate()
    directive.term_label = term_for(_portal_issuer(directive), directive.issue_date)
    directive.number = _next_number(directive)
    directive.symbol = document_symbol(
        number=directive.number,
        type_code=directive.kind.code,
        issuer_code=directive.symbol_code,
    )
    directive.status = Directive.Status.ISSUED
    directive.issued_at = now
    directive.issued_by = actor

    recipients = list(directive.recipients.select_related("unit", "unit__kind"))
    brought_in = members_brought_in(directive.campaign_id, [r.unit for r in recipients])
    for recipient in recipients:
        recipient.unit_name = recipient.unit.name
        recipient.member_count = max(
            counted_members(recipient.unit) - brought_in.get(recipient.unit_id, 0), 0
        )
    DirectiveRecipient.objects.bulk_update(
        recipients, ["unit_name", "member_count"], batch_size=1000
    )
    record_obligations(directive, recipients)

    if directive.responds_to_id:
        _plans_fulfilled(directive, now)
    replaced = None
    if directive.replaces_id and (
        Directive.objects.filter(pk=directive.replaces_id, status=Directive.Status.ISSUED).update(
            status=Directive.Status.REPLACED
        )
    ):
        replaced = directive.replaces_id

    pdf, box = issued_pdf_and_box(directive)
    directive.issued_pdf.save(
        f"{directive.symbol.replace('/', '-')}.pdf", ContentFile(pdf), save=False
    )
    # Where a signature will go (campaigns.services.signing), measured on this very layout.
    directive.signature_box = asdict(box) if box is not None else None
    # Last, so each recipient's register is locked only for the moments before the commit.
    register_incoming(
        recipients,
        received_on or timezone.localdate(now),
        due=min((m.deadline for m in directive.milestones.all()), default=None),
    )
    directive.save(
        update_fields=[
            "issue_date",
            "term_label",
            "number",
            "symbol",
            "status",
            "issued_at",
            "issued_by",
            "issued_pdf",
            "signature_box",
            "updated_at",
        ]
    )
    _record_issue_events(actor, directive, replaced=replaced)
    return directive


def issued_pdf_and_box(directive: Directive) -> tuple[bytes, SignatureBox | None]:
    """The directive printed as issued, and where its signer's blank lies on the page."""
    # WeasyPrint loads only when needed
    from campaigns.documents.render import render_html
    from campaigns.documents.render.page import html_to_pdf_and_box

    ctx = directive_document(directive)
    return html_to_pdf_and_box(render_html(ctx, standalone=True), ctx.profile)


def _record_issue_events(actor: User | None, directive: Directive, *, replaced: int | None) -> None:
    """Issued (to its recipients), the directive it replaces retired, the plan a unit owed."""
    first_deadline = min((m.deadline for m in directive.milestones.all()), default=None)
    issuer = _portal_issuer(directive)
    record_event(
        kind=EventKind.DIRECTIVE_ISSUED,
        actor=actor,
        unit=issuer,
        target=directive,
        data={"due": first_deadline.isoformat() if first_deadline else None},
    )
    if replaced is not None:
        old = Directive.objects.select_related("issuer").get(pk=replaced)
        record_event(
            kind=EventKind.DIRECTIVE_REPLACED,
            actor=actor,
            unit=old.issuer or issuer,
            target=old,
            data={"by": directive.pk, "by_symbol": directive.symbol},
        )
    if directive.responds_to_id:
        answered = DirectiveRecipient.objects.select_related("unit").get(
            pk=directive.responds_to_id
        )
        owed = _owed_plan(answered.pk)
        record_event(
            kind=EventKind.PLAN_ISSUED,
            actor=actor,
            unit=owed.unit if owed is not None else answered.unit,
            target=directive,
        )


def _owed_plan(recipient_id: int) -> Obligation | None:
    """The plan a recipient row owes, as the unit acting on it now answers it: the row's own
    obligation, or the successor's one it was merged into (units.services.reorganise)."""
    owed = (
        Obligation.objects.filter(recipient_id=recipient_id, kind=Obligation.Kind.IMPLEMENTING)
        .select_related("unit", "unit__kind", "merged_into__unit__kind", "merged_into__recipient")
        .first()
    )
    if owed is not None and owed.merged_into is not None:
        return owed.merged_into
    return owed


def _plans_fulfilled(plan: Directive, now: datetime.datetime) -> None:
    """The plan answers the row it responds to and every plan of the same directive its unit
    acts on: those handed over from predecessors that merged into it, split or closed."""
    answered = plan.responds_to_id
    if answered is None:
        return
    met = Q(recipient_id=answered)
    owed = _owed_plan(answered)
    if owed is not None:
        met |= Q(directive_id=owed.directive_id, unit_id=owed.unit_id)
    Obligation.objects.filter(
        met, kind=Obligation.Kind.IMPLEMENTING, fulfilled_at__isnull=True
    ).update(fulfilled_at=now, fulfilled_by=plan)


def record_obligations(directive: Directive, recipients: list[DirectiveRecipient]) -> None:
    """What each recipient owes under an issued directive: a plan, sessions, each report."""
    milestones = list(directive.milestones.all())
    first_deadline = min((m.deadline for m in milestones), default=None)
    study_deadline = max(
        (m.deadline for m in milestones if m.kind == Milestone.Kind.STUDY_COMPLETED),
        default=None,
    )
    rows = []
    for recipient in recipients:
        unit = recipient.unit
        if directive.requires_implementing and unit.kind.issues_documents:
            rows.append(
                Obligation(
                    directive=directive,
                    recipient=recipient,
                    unit=unit,
                    kind=Obligation.Kind.IMPLEMENTING,
                    due_date=first_deadline,
                )
            )
        if directive.requires_sessions:
            rows.append(
                Obligation(
                    directive=directive,
                    recipient=recipient,
                    unit=unit,
                    kind=Obligation.Kind.SESSIONS,
                    due_date=study_deadline,
                )
            )
        rows.extend(
            Obligation(
                directive=directive,
                recipient=recipient,
                unit=unit,
                kind=Obligation.Kind.REPORT,
                milestone=milestone,
                due_date=milestone.deadline,
            )
            for milestone in milestones
            if milestone.kind == Milestone.Kind.REPORT_DUE and milestone.binds(unit)
        )
    Obligation.objects.bulk_create(rows, batch_size=1000)


# ---------------------------------------------------------------------------- drafts started
# from an issued directive


@transaction.atomic
def directive_implement(
    *, actor: User | None, recipient: DirectiveRecipient, issuer: Unit | None = None
) -> Directive:
    """A draft implementing a received directive, pre-filled from it.

    Basis line, campaign, milestones (those that bind the recipient, same deadlines, so inside
    the parent's window), recipients = the recipient unit's own subordinate units, signer the
    issuer's head (proposed by directive_create, never the drafter). Asking twice
    returns the draft already started instead of a second one.
    """
    owed = _owed_plan(recipient.pk)
    acting = recipient.unit
    if owed is not None:
        # Answered as the unit acting on it: a successor answers its predecessor's row, or its
        # own row when the predecessor's plan was merged into it.
        if owed.recipient_id != recipient.pk:
            recipient = owed.recipient
        acting = owed.unit
    existing = (
        Directive.objects.filter(responds_to=recipient)
        .exclude(status=Directive.Status.REPLACED)
        # A draft left by a unit that has since ended is not the successor's to finish.
        .exclude(status=Directive.Status.DRAFT, issuer__closed_on__isnull=False)
        .order_by("-pk")
        .first()
    )
    if existing is not None:
        return existing
    parent = Directive.objects.select_related("kind", "campaign").get(pk=recipient.directive_id)
    issuer = issuer or acting
    if not implements_for(issuer, acting):
        raise ValidationError(
            f"{issuer.name} không thể ban hành văn bản thực hiện thay cho {acting.name}.",
            code="issuer_not_recipient",
        )
    kind = DirectiveKind.objects.get(code="KH")
    directive = directive_create(
        actor=actor,
        campaign=parent.campaign,
        kind=kind,
        issuer=issuer,
        responds_to=recipient,
        subject=parent.subject,
        basis=basis_line(parent, issuer_name=issuer.name, kind_name=kind.name),
        audience=parent.audience,
        # A grassroots organisation's plan goes to its cells, which study rather than plan.
        requires_implementing=not issuer.kind.is_grassroots,
        recipient_lines=f"- {parent.issuer_name} (b/c),\n- Các chi bộ trực thuộc,\n- Lưu.",
    )
    directive.implements.add(parent)
    milestones_replace(
        actor=actor,
        directive=directive,
        milestones=[
            MilestoneData(
                kind=m.kind,
                title=m.title,
                due_date=m.due_date,
                due_month=m.due_month,
            )
            for m in parent.milestones.all()
            if m.binds(acting)
        ],
    )
    if recipient_candidates(issuer).exists():
        recipients_add(actor=actor, directive=directive, level=Level.CHILDREN)
    return directive


@transaction.atomic
def directive_replace(*, actor: User | None, directive: Directive) -> Directive:
    """A new draft that will replace an issued directive once issued (a correction)."""
    if directive.status != Directive.Status.ISSUED:
        raise ValidationError("Chỉ văn bản đang có hiệu lực mới được thay thế.", code="not_issued")
    if directive.is_imported:
        raise ValidationError(
            "Văn bản nhập từ tệp là bản của cơ quan ban hành: không sửa hay thay thế trên Cổng.",
            code="imported",
        )
    pending = directive.replacements.filter(status=Directive.Status.DRAFT).first()
    if pending is not None:
        return pending
    values = {name: getattr(directive, name) for name in DRAFT_FIELDS}
    values.update(issue_date=None, campaign=directive.campaign, kind=directive.kind)
    campaign, kind = values.pop("campaign"), values.pop("kind")
    copy = directive_create(
        actor=actor,
        campaign=campaign,
        kind=kind,
        issuer=_portal_issuer(directive),
        replaces=directive,
        responds_to=directive.responds_to,
        **values,
    )
    copy.implements.set(directive.implements.all())
    milestones_replace(
        actor=actor,
        directive=copy,
        milestones=[
            MilestoneData(
                kind=m.kind,
                title=m.title,
                due_date=m.due_date,
                due_month=m.due_month,
                applies_to=m.applies_to,
            )
            for m in directive.milestones.all()
        ],
    )
    DirectiveRecipient.objects.bulk_create(
        [
            DirectiveRecipient(directive=copy, unit_id=r.unit_id, unit_name=r.unit_name)
            for r in directive.recipients.all()
        ],
        batch_size=1000,
    )
    return copy
