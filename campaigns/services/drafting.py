"""Writes to a directive while it is a draft: its text, its recipients and its milestones."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, QuerySet

from campaigns.documents.text import nfc
from campaigns.models import Campaign, Directive, DirectiveKind, DirectiveRecipient, Milestone
from campaigns.selectors import issuer_defaults, level_units, recipient_candidates, signer_defaults
from units.models import Lineage, Unit, User

# The fields of a draft its author edits on the draft page, in the order the page shows them.
DRAFT_EDIT_FIELDS = (
    "kind",
    "superior_body",
    "issuing_body",
    "symbol_code",
    "place",
    "issue_date",
    "subject",
    "basis",
    "body",
    "audience",
    "recipient_lines",
    "signing_authority",
    "signer_position",
    "signer_name",
    "requires_implementing",
    "requires_sessions",
)
# Every field of a draft that may be written; everything else is set by the services.
DRAFT_FIELDS = ("campaign", "issuer_name", *DRAFT_EDIT_FIELDS)


def _locked_draft(directive: Directive) -> Directive:
    """The directive re-read under a row lock, refused unless still a draft.

    A page loaded while it was a draft may be submitted after someone issued it.
    """
    locked = Directive.objects.select_for_update(of=("self",)).get(pk=directive.pk)
    _require_draft(locked)
    return locked


def _require_draft(directive: Directive) -> None:
    if directive.status != Directive.Status.DRAFT:
        raise ValidationError(
            "Văn bản đã ban hành không thể sửa; muốn đính chính, hãy ban hành văn bản thay thế.",
            code="issued",
        )


def _portal_issuer(directive: Directive) -> Unit:
    """The unit a directive written in the portal is issued by. Only a directive received from
    an issuer outside the portal has none, and such a directive is never drafted or issued."""
    if directive.issuer is None:
        raise ValidationError(
            "Văn bản của cơ quan ngoài Cổng không được soạn hay ban hành trên Cổng.",
            code="outside_issuer",
        )
    return directive.issuer


@transaction.atomic
def directive_create(
    *,
    actor: User | None,
    campaign: Campaign,
    kind: DirectiveKind,
    issuer: Unit,
    deputy_signs: bool = False,
    **fields,
) -> Directive:
    """A new draft, its header lines pre-filled from the issuer's place in the tree and its
    signer proposed from the issuer's leadership today: the head, or a deputy (K/T) with
    `deputy_signs`; never the drafter. `fields` given win over both."""
    values = {**issuer_defaults(issuer), **signer_defaults(issuer, deputy=deputy_signs), **fields}
    unknown = set(values) - set(DRAFT_FIELDS) - {"responds_to", "replaces"}
    if unknown:
        raise TypeError(f"directive_create does not set {sorted(unknown)}")
    directive = Directive(
        campaign=campaign,
        kind=kind,
        issuer=issuer,
        created_by=actor,
        **{k: nfc(v) for k, v in values.items()},
    )
    directive.full_clean()
    directive.save()
    return directive


@transaction.atomic
def directive_update(*, actor: User | None, directive: Directive, **fields) -> Directive:
    """Change a draft's text; an issued directive is refused (ValidationError code "issued")."""
    directive = _locked_draft(directive)
    unknown = set(fields) - set(DRAFT_FIELDS)
    if unknown:
        raise TypeError(f"directive_update does not set {sorted(unknown)}")
    for name, value in fields.items():
        setattr(directive, name, nfc(value))
    directive.full_clean()
    directive.save(update_fields=[*fields, "updated_at"])
    return directive


@transaction.atomic
def directive_delete(*, actor: User | None, directive: Directive) -> None:
    directive = _locked_draft(directive)
    directive.delete()


# ---------------------------------------------------------------------------- recipients


def closed_recipients(units: QuerySet[Unit]) -> list[ValidationError]:
    """Why each closed unit among these cannot be sent a directive: since when, and who carries
    on its work. Two queries (one when none is closed)."""
    closed = list(units.filter(closed_on__isnull=False).order_by("path"))
    if not closed:
        return []
    successors: dict[int, list[str]] = {}
    for link in (
        Lineage.objects.filter(predecessor__in=closed, successor__isnull=False)
        .exclude(successor_id=F("predecessor_id"))
        .select_related("successor")
        .order_by("operation__effective_date", "pk")
    ):
        if link.successor is not None:  # filtered above; for the type checker
            successors.setdefault(link.predecessor_id, []).append(link.successor.name)
    problems = []
    for unit in closed:
        assert unit.closed_on is not None  # noqa: S101 (filtered above; for the type checker)
        names = successors.get(unit.pk)
        heirs = f"; đơn vị kế thừa: {', '.join(names)}" if names else ""
        problems.append(
            ValidationError(
                f"Nơi nhận {unit.name} đã không còn hoạt động từ ngày "
                f"{unit.closed_on:%d/%m/%Y}{heirs}. Hãy bỏ đơn vị này khỏi nơi nhận.",
                code="recipient_closed",
            )
        )
    return problems


@transaction.atomic
def recipients_add(
    *, actor: User | None, directive: Directive, units: Iterable[Unit] = (), level: str = ""
) -> int:
    """Add units (and/or a whole level) as recipients; returns how many were new."""
    directive = _locked_draft(directive)
    issuer = _portal_issuer(directive)
    candidates = recipient_candidates(issuer)
    chosen = list(units)
    if chosen:
        allowed = set(candidates.filter(pk__in=[u.pk for u in chosen]).values_list("pk", flat=True))
        refused = [u for u in chosen if u.pk not in allowed]
        if refused:
            if closed := closed_recipients(Unit.objects.filter(pk__in=[u.pk for u in refused])):
                raise ValidationError(closed)
            names = ", ".join(u.name for u in refused)
            raise ValidationError(
                f"Không gửi được cho đơn vị ngoài phạm vi của cơ quan ban hành: {names}.",
                code="recipient_out_of_scope",
            )
    if level:
        chosen.extend(level_units(issuer, level))
    existing = set(directive.recipients.values_list("unit_id", flat=True))
    new = {u.pk: u for u in chosen if u.pk not in existing}
    DirectiveRecipient.objects.bulk_create(
        [DirectiveRecipient(directive=directive, unit=u, unit_name=u.name) for u in new.values()],
        batch_size=1000,
    )
    return len(new)


@transaction.atomic
def recipients_remove(*, actor: User | None, directive: Directive, unit_ids: Iterable[int]) -> int:
    directive = _locked_draft(directive)
    deleted, _ = directive.recipients.filter(unit_id__in=list(unit_ids)).delete()
    return deleted


# ---------------------------------------------------------------------------- milestones


@dataclass(frozen=True)
class MilestoneData:
    kind: str
    title: str = ""
    due_date: datetime.date | None = None
    due_month: datetime.date | None = None
    applies_to: str = Milestone.Applies.ALL


def milestone_row(directive: Directive, data: MilestoneData) -> Milestone:
    """A milestone as entered, checked and not yet saved; a month is kept as its first day."""
    milestone = Milestone(
        directive=directive,
        kind=data.kind,
        title=nfc(data.title.strip()),
        due_date=data.due_date,
        due_month=data.due_month.replace(day=1) if data.due_month else None,
        applies_to=data.applies_to,
    )
    milestone.full_clean(exclude=["directive"])
    return milestone


def outside_campaign(milestone: Milestone, campaign: Campaign) -> ValidationError | None:
    """The refusal for a milestone whose deadline falls outside its campaign's period: checked
    when milestones are saved and again at issue (the campaign's dates may change between)."""
    deadline = milestone.deadline
    if campaign.start_date <= deadline <= campaign.end_date:
        return None
    return ValidationError(
        f"Mốc “{milestone}” nằm ngoài thời gian của đợt sinh hoạt "
        f"({campaign.start_date:%d/%m/%Y} – {campaign.end_date:%d/%m/%Y}).",
        code="milestone_outside_campaign",
    )


@transaction.atomic
def milestones_replace(
    *, actor: User | None, directive: Directive, milestones: Iterable[MilestoneData]
) -> list[Milestone]:
    """Set a draft's milestones to exactly these (the form edits them as one list)."""
    directive = _locked_draft(directive)
    rows = [milestone_row(directive, data) for data in milestones]
    refusals = [error for row in rows if (error := outside_campaign(row, directive.campaign))]
    if refusals:
        raise ValidationError(refusals)
    directive.milestones.all().delete()
    for milestone in rows:
        milestone.save()
    return rows
