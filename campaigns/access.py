"""Gatekeepers of the campaigns app's objects: campaigns, materials, directives, imports.

A directive is seen by those who see its issuer, and by those who see one of its recipients; it
is written (while a draft) by those who may issue for its issuer. Scope comes from
`units.access`; every gate answers a missing object and one outside the user's scope alike,
with 404.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from units.access import Capability, issuer_units_for, own_units_for, scope_q
from units.models import User

from .models import (
    Campaign,
    Directive,
    DirectiveImport,
    DirectiveRecipient,
    Obligation,
    StudyMaterial,
)


def directives_visible_to(user: User) -> QuerySet[Directive]:

    # A draft reaches nobody: recipients see a directive once it is issued.
    received = DirectiveRecipient.objects.filter(
        scope_q(user, Capability.VIEW, "unit__"), directive__status__in=["issued", "replaced"]
    )
    return Directive.objects.filter(
        scope_q(user, Capability.VIEW, "issuer__") | Q(pk__in=received.values("directive_id"))
    )


def access_directive(user: User, pk: int, *, for_edit: bool = False) -> Directive:
    """The directive, if the user may see it (or, for_edit, write for its issuer); else 404.

    for_edit does not look at the status: views and services refuse to change an issued
    directive with a message, which is kinder than a 404 for a document the user can read.
    """

    # Writing is for the issuing unit's own people: staff of a committee see their grassroots
    # units' drafts but do not edit them.
    directives = (
        Directive.objects.filter(issuer__in=issuer_units_for(user))
        if for_edit
        else directives_visible_to(user)
    )
    found = (
        directives.filter(pk=pk)
        .select_related("kind", "campaign", "issuer", "issuer__kind", "replaces")
        .first()
    )
    if found is None:
        raise Http404("Không tìm thấy văn bản.")
    return found


def access_directive_import(user: User, pk: int) -> DirectiveImport:
    """A directive file waiting for review: only the person who uploaded it sees it, and only
    while they may still issue for some unit (confirming records it as received there)."""

    found = None
    if issuer_units_for(user).exists():
        found = DirectiveImport.objects.filter(pk=pk, created_by=user).first()
    if found is None:
        raise Http404("Không tìm thấy tệp văn bản.")
    return found


def access_recipient(user: User, pk: int) -> DirectiveRecipient:
    """A received directive's recipient row, if the user issues for that very unit, or for the
    successor that acts on its plan since a merger, split or closure: to implement."""

    issuers = issuer_units_for(user)
    acted_on = Obligation.objects.filter(
        recipient_id=pk, kind=Obligation.Kind.IMPLEMENTING, unit__in=issuers
    )
    found = (
        DirectiveRecipient.objects.filter(
            Q(unit__in=issuers) | Q(pk__in=acted_on.values("recipient_id")),
            pk=pk,
            directive__status=Directive.Status.ISSUED,
        )
        .select_related("unit", "unit__kind", "directive", "directive__kind", "directive__campaign")
        .first()
    )
    if found is None:
        raise Http404("Không tìm thấy văn bản được giao.")
    return found


def campaigns_visible_to(user: User, *, for_edit: bool = False) -> QuerySet[Campaign]:
    """Campaigns whose owner the user sees or which hold a directive the user sees; for_edit:
    campaigns of units the user may issue for."""

    if for_edit:
        return Campaign.objects.filter(owner__in=issuer_units_for(user))
    return Campaign.objects.filter(
        scope_q(user, Capability.VIEW, "owner__")
        | Q(pk__in=directives_visible_to(user).values("campaign_id"))
    )


def can_edit_campaign(user: User, pk: int) -> bool:
    """Whether the user may change the campaign (its dates, say): for links to that page."""
    return campaigns_visible_to(user, for_edit=True).filter(pk=pk).exists()


def access_campaign(user: User, pk: int, *, for_edit: bool = False) -> Campaign:
    """The campaign if visible (for_edit: editable) to the user; 404 otherwise."""
    found = (
        campaigns_visible_to(user, for_edit=for_edit).filter(pk=pk).select_related("owner").first()
    )
    if found is None:
        raise Http404("Không tìm thấy đợt sinh hoạt.")
    return found


def materials_visible_to(user: User, *, for_edit: bool = False) -> QuerySet[StudyMaterial]:
    """Study materials of the campaigns the user sees (for_edit: may edit)."""
    return StudyMaterial.objects.filter(campaign__in=campaigns_visible_to(user, for_edit=for_edit))


def access_material(user: User, pk: int, *, for_edit: bool = False) -> StudyMaterial:
    """A study material, through its campaign's visibility."""

    found = (
        materials_visible_to(user, for_edit=for_edit)
        .filter(pk=pk)
        .select_related("campaign")
        .first()
    )
    if found is None:
        raise Http404("Không tìm thấy tài liệu.")
    return found


def access_obligation(user: User, pk: int) -> Obligation:
    """A report obligation one of the user's own units acts on (the recipient, or the successor
    it was handed over to): to start its report. Not the closed predecessor's former people."""

    found = (
        Obligation.objects.filter(
            pk=pk,
            kind=Obligation.Kind.REPORT,
            directive__status=Directive.Status.ISSUED,
            unit__in=own_units_for(user, Capability.CAPTURE),
        )
        .select_related("recipient", "unit", "directive", "milestone", "merged_into")
        .first()
    )
    if found is None:
        raise Http404("Không tìm thấy hạn báo cáo.")
    return found
