"""Reads for campaigns and directives: recipients by level, document contexts, status tables."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone

from campaigns.documents.body import parse_body
from campaigns.documents.context import DocumentContext
from campaigns.documents.formatting import date_line, short_date
from campaigns.documents.profiles import get_profile
from campaigns.models import (
    CommitteeTerm,
    Directive,
    DirectiveRecipient,
    Obligation,
)
from units.access import Capability, issuer_units_for, scope_q
from units.models import Unit, User

from .access import directives_visible_to

# ---------------------------------------------------------------------------- the tree as seen
# by an issuer


def committee_of(issuer: Unit) -> Unit:
    """The committee an issuer speaks for: an organ's parent, or the unit itself."""
    if issuer.kind.is_organ and issuer.depth > 1:
        return Unit.objects.select_related("kind").get(
            path=issuer.path[: (issuer.depth - 1) * Unit.steplen]
        )
    return issuer


def recipient_candidates(issuer: Unit) -> QuerySet[Unit]:
    """Units an issuer may send to: below its committee, organs and inactive units left out."""
    committee = committee_of(issuer)
    return (
        Unit.objects.filter(
            path__startswith=committee.path, depth__gt=committee.depth, is_active=True
        )
        .exclude(kind__is_organ=True)
        .select_related("kind")
    )


class Level:
    """Whole levels a directive is sent to in one action."""

    GRASSROOTS = "grassroots"
    CHILDREN = "children"
    CHOICES = [
        (GRASSROOTS, "Cấp ủy các tổ chức cơ sở đảng trực thuộc"),
        (CHILDREN, "Tất cả đơn vị trực thuộc (cấp dưới trực tiếp)"),
    ]


def level_units(issuer: Unit, level: str) -> QuerySet[Unit]:
    candidates = recipient_candidates(issuer)
    if level == Level.GRASSROOTS:
        return candidates.filter(kind__is_grassroots=True)
    if level == Level.CHILDREN:
        return candidates.filter(depth=committee_of(issuer).depth + 1)
    raise ValueError(f"unknown level {level!r}")


def term_for(issuer: Unit, day) -> str:
    """The term label covering `day` declared on the issuer or its nearest ancestor; "" if none."""
    ancestor_paths = [issuer.path[: i * Unit.steplen] for i in range(1, issuer.depth + 1)]
    term = (
        CommitteeTerm.objects.filter(unit__path__in=ancestor_paths, start_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .order_by("-unit__depth", "-start_date")
        .first()
    )
    return term.label if term else ""


def issuer_defaults(issuer: Unit) -> dict[str, str]:
    """Header lines pre-filled from the tree; the author may edit them until issue."""
    committee = committee_of(issuer)
    if committee.pk != issuer.pk:  # an organ: "ĐẢNG ỦY KHỐI …" over "BAN TUYÊN GIÁO"
        superior, issuing = committee.name, issuer.short_name or issuer.name
    else:  # a committee: the organisation above it over the committee's own name
        parent = (
            Unit.objects.filter(path=issuer.path[: (issuer.depth - 1) * Unit.steplen]).first()
            if issuer.depth > 1
            else None
        )
        superior, issuing = (parent.name if parent else ""), issuer.name
    return {
        "superior_body": superior,
        "issuing_body": issuing,
        "issuer_name": issuer.name,
        "symbol_code": issuer.symbol_code,
        "place": issuer.place_name or committee.place_name,
    }


def basis_line(parent: Directive, *, issuer_name: str, kind_name: str) -> str:
    """ "Thực hiện Hướng dẫn số 52-HD/BTGTU ngày 14/3/2024 của … về …, {issuer} xây dựng …"."""
    subject = " ".join(parent.subject.split())
    subject = subject[:1].lower() + subject[1:]
    return (
        f"Thực hiện {parent.kind.name} số {parent.symbol} ngày {short_date(parent.issue_date)} "
        f"của {parent.issuer_name} về việc {subject}, {issuer_name} xây dựng {kind_name.lower()} "
        "thực hiện như sau:"
    )


# ---------------------------------------------------------------------------- the document


def recipient_lines(directive: Directive, recipients: list[DirectiveRecipient]) -> tuple[str, ...]:
    """ "Nơi nhận" as printed: the author's lines, or else the recipient units and the archive."""
    written = [
        line.strip().removeprefix("-").strip() for line in directive.recipient_lines.splitlines()
    ]
    written = [line for line in written if line]
    if written:
        return tuple(written)
    names = [f"{r.unit_name}," for r in recipients]
    return (*names, f"Lưu {directive.issuing_body}.")


def directive_document(directive: Directive) -> DocumentContext:
    """Everything printed on the directive, from its own (frozen once issued) fields."""
    profile = get_profile(directive.format_profile)
    recipients = list(directive.recipients.order_by("unit__path"))
    kind = directive.kind
    if directive.number:
        number = f"{profile.number_prefix} {directive.symbol}"
        stem = directive.symbol.replace("/", "-")
    else:
        number = f"{profile.number_prefix}      -{kind.code}/{directive.symbol_code}"
        stem = f"du-thao-{kind.code}-{directive.symbol_code}-{directive.pk}"
    if directive.issue_date:
        dated = date_line(place=directive.place, day=directive.issue_date, profile=profile)
    else:
        year = timezone.localdate().year
        dated = f"{directive.place}, ngày      tháng      năm {year}"
    return DocumentContext(
        profile=profile,
        superior_body=directive.superior_body,
        issuing_body=directive.issuing_body,
        number_line=number,
        date_line=dated,
        type_code=kind.code,
        type_name=kind.name if kind.has_title else "",
        subject=directive.subject,
        basis=directive.basis,
        blocks=tuple(parse_body(directive.body)),
        recipients=recipient_lines(directive, recipients),
        signing_authority=directive.signing_authority,
        signer_position=directive.signer_position,
        signer_name=directive.signer_name,
        is_draft=directive.is_draft,
        title=stem,
    )


# ---------------------------------------------------------------------------- pages


@dataclass
class RecipientStatus:
    """One row of a directive's status table: a recipient and what it has done."""

    recipient: DirectiveRecipient
    response: Directive | None  # its implementing directive, issued or draft
    obligations: list[Obligation] = field(default_factory=list)

    @property
    def implemented(self) -> bool:
        return self.response is not None and self.response.status == Directive.Status.ISSUED


def recipient_statuses(directive: Directive, user: User | None = None) -> list[RecipientStatus]:
    """Each recipient with its implementing directive and obligations: three queries in all.

    Given a user, only recipients inside their scope: a recipient sees its own row, not how
    its sibling units are doing.
    """
    responses = Directive.objects.exclude(status=Directive.Status.REPLACED).select_related("kind")
    recipients = directive.recipients.all()
    if user is not None:
        recipients = recipients.filter(scope_q(user, Capability.VIEW, "unit__"))
    recipients = recipients.select_related("unit", "unit__kind").prefetch_related(
        Prefetch("responses", queryset=responses.order_by("-status", "-pk")),
        Prefetch("obligations", queryset=Obligation.objects.select_related("milestone")),
    )
    rows = []
    for recipient in recipients.order_by("unit__path"):
        found = list(recipient.responses.all())
        # An issued response wins over a draft ("issued" sorts after "draft" descending).
        issued = [d for d in found if d.status == Directive.Status.ISSUED]
        rows.append(
            RecipientStatus(
                recipient=recipient,
                response=(issued or found or [None])[0],
                obligations=list(recipient.obligations.all()),
            )
        )
    return rows


def directive_chain(
    directive: Directive, user: User | None = None, *, max_depth: int = 8
) -> list[Directive]:
    """The directives above this one, nearest last (one query per level: the tree is shallow).

    Each carries `is_visible`: whether the user may open it (a unit sees the basis it was
    sent, not always the directive its superior received).
    """
    chain: list[Directive] = []
    current = directive
    for _ in range(max_depth):
        parent = current.implements.select_related("kind").order_by("issue_date").first()
        if parent is None or parent in chain:
            break
        chain.insert(0, parent)
        current = parent
    visible = (
        set(
            directives_visible_to(user)
            .filter(pk__in=[d.pk for d in chain])
            .values_list("pk", flat=True)
        )
        if user is not None and chain
        else {d.pk for d in chain}
    )
    for above in chain:
        above.is_visible = above.pk in visible
    return chain


def directives_issued_for(user: User) -> QuerySet[Directive]:
    """Directives of the units the user may issue for: drafts and issued, newest first, each
    with how it is going (recipients, plans issued, reports received)."""
    done = Q(obligations__fulfilled_at__isnull=False)
    return (
        Directive.objects.filter(issuer__in=issuer_units_for(user))
        .select_related("kind", "campaign", "issuer")
        .annotate(
            recipient_total=Count("recipients", distinct=True),
            plans_due=Count(
                "obligations", filter=Q(obligations__kind="implementing"), distinct=True
            ),
            plans_done=Count(
                "obligations", filter=Q(obligations__kind="implementing") & done, distinct=True
            ),
            reports_due=Count("obligations", filter=Q(obligations__kind="report"), distinct=True),
            reports_done=Count(
                "obligations", filter=Q(obligations__kind="report") & done, distinct=True
            ),
        )
        .order_by("status", "-issue_date", "-pk")
    )


def received_for(user: User) -> QuerySet[DirectiveRecipient]:
    """Directives sent to the user's own units (and their organs), with what each owes."""
    units = issuer_units_for(user)
    responses = Directive.objects.exclude(status=Directive.Status.REPLACED).order_by("-pk")
    return (
        DirectiveRecipient.objects.filter(unit__in=units, directive__status=Directive.Status.ISSUED)
        .select_related("unit", "directive", "directive__kind", "directive__campaign")
        .prefetch_related(
            Prefetch("responses", queryset=responses.select_related("kind")),
            Prefetch(
                "obligations",
                queryset=Obligation.objects.select_related("milestone").order_by(
                    F("due_date").asc(nulls_last=True), "kind"
                ),
            ),
        )
        .order_by("-directive__issue_date", "-directive__pk")
    )


def directives_visible_in(user: User, campaign) -> QuerySet[Directive]:
    return directives_visible_to(user).filter(campaign=campaign)


def implementing_directives(directive: Directive, user: User | None = None) -> QuerySet[Directive]:
    """The directives below, issued or drafted to implement this one (those the user sees)."""
    below = directive.implemented_by.all()
    if user is not None:
        below = below.filter(pk__in=directives_visible_to(user).values("pk"))
    return (
        below.exclude(status=Directive.Status.REPLACED)
        .select_related("kind", "issuer")
        .order_by("issuer__path")
    )


def own_recipient_rows(user: User, directive: Directive) -> list[DirectiveRecipient]:
    """The recipient rows of this directive that the user may act for (to implement it)."""
    if directive.status != Directive.Status.ISSUED:
        return []
    return list(
        directive.recipients.filter(unit__in=issuer_units_for(user))
        .select_related("unit")
        .prefetch_related("responses")
    )


def with_issuer_options(user: User, rows: list[DirectiveRecipient]) -> list[DirectiveRecipient]:
    """Attach to each received row the units the user may answer it as: the recipient unit and
    its organs (a committee's plan is often issued by its Propaganda Department). One query."""
    issuers = list(issuer_units_for(user))
    for row in rows:
        row.issuer_options = [u for u in issuers if implements_for(u, row.unit)]
    return rows


def implements_for(issuer: Unit, unit: Unit) -> bool:
    """Whether `issuer` may answer a directive sent to `unit`: the unit itself or its organ."""
    if issuer.pk == unit.pk:
        return True
    return (
        issuer.kind.is_organ
        and issuer.depth == unit.depth + 1
        and issuer.path.startswith(unit.path)
    )
