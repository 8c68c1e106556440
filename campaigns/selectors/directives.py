"""Reads behind the directive pages: a directive's status table and chain, the lists of
directives issued and received, and the units a user may answer a received one as."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import F, Func, IntegerField, OuterRef, Prefetch, QuerySet, Subquery

from campaigns.access import directives_visible_to
from campaigns.models import Campaign, Directive, DirectiveRecipient, Obligation
from units.access import Capability, issuer_units_for, scope_q
from units.models import User

from .tree import implements_for


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
        Prefetch(
            "obligations",
            queryset=Obligation.objects.select_related("milestone", "unit", "fulfilled_by__kind"),
        ),
    )
    rows = []
    for recipient in recipients.order_by("unit__path"):
        found = list(recipient.responses.all())
        obligations = list(recipient.obligations.all())
        # An issued response wins over a draft ("issued" sorts after "draft" descending); a
        # successor's plan that answered this row's plan with its own, after a merger, too.
        issued = [d for d in found if d.status == Directive.Status.ISSUED] or [
            o.fulfilled_by for o in obligations if o.fulfilled_by is not None
        ]
        rows.append(
            RecipientStatus(
                recipient=recipient,
                response=next(iter(issued or found), None),
                obligations=obligations,
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
        above.is_visible = above.pk in visible  # type: ignore[attr-defined]  # for the template
    return chain


def _count(rows: QuerySet) -> Subquery:
    """How many `rows` there are, as a correlated subquery of the outer row (0 when none).

    One index range per figure: joining a directive's recipients and its obligations in the
    outer query and counting distinct rows would build recipients × obligations rows, which
    for a directive sent to 50,000 units is billions. COUNT(*), not COUNT(id): PostgreSQL
    can then count from an index alone (see bench/README.md, staff home).
    """
    return Subquery(
        rows.order_by().values(n=Func(template="COUNT(*)", output_field=IntegerField()))
    )


def directives_issued_for(user: User) -> QuerySet[Directive]:
    """Directives of the units the user may issue for: drafts and issued, newest first, each
    with how it is going (recipients, plans issued, reports received)."""
    recipients = DirectiveRecipient.objects.filter(directive=OuterRef("pk"))
    owed = Obligation.objects.filter(directive=OuterRef("pk"))
    plans = owed.filter(kind=Obligation.Kind.IMPLEMENTING)
    reports = owed.filter(kind=Obligation.Kind.REPORT)
    return (
        Directive.objects.filter(issuer__in=issuer_units_for(user))
        .select_related("kind", "campaign", "issuer")
        .annotate(
            recipient_total=_count(recipients),
            plans_due=_count(plans),
            plans_done=_count(plans.filter(fulfilled_at__isnull=False)),
            reports_due=_count(reports),
            reports_done=_count(reports.filter(fulfilled_at__isnull=False)),
        )
        .order_by("status", "-issue_date", "-pk")
    )


def received_for(user: User) -> QuerySet[DirectiveRecipient]:
    """Directives sent to the user's own units (and their organs), with what each owes."""
    units = issuer_units_for(user)
    responses = Directive.objects.exclude(status=Directive.Status.REPLACED).order_by("-pk")
    return (
        DirectiveRecipient.objects.filter(unit__in=units, directive__status=Directive.Status.ISSUED)
        .annotate(owes_plan=_owes_plan())
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


def directives_visible_in(user: User, campaign: Campaign) -> QuerySet[Directive]:
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
        .annotate(owes_plan=_owes_plan())
        .select_related("unit")
        .prefetch_related("responses")
    )


def _owes_plan() -> Subquery:
    """Whether (0 or 1) the recipient row owes an implementing directive: only then is one
    offered (a cell studies and reports; it writes a plan only when asked to)."""
    return _count(
        Obligation.objects.filter(recipient=OuterRef("pk"), kind=Obligation.Kind.IMPLEMENTING)
    )


def with_issuer_options(user: User, rows: list[DirectiveRecipient]) -> list[DirectiveRecipient]:
    """Attach to each received row the units the user may answer it as: the recipient unit and
    its organs (a committee's plan is often issued by its Propaganda Department). One query."""
    issuers = list(issuer_units_for(user))
    for row in rows:
        row.issuer_options = [u for u in issuers if implements_for(u, row.unit)]  # type: ignore[attr-defined]  # for the template
    return rows
