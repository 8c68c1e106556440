"""Who finds what: the search entries a user may see, and the gatekeepers' word on a page of them.

A search filters its hits with `entries_visible_to`, which reads the units the index copies onto
each entry (reports.search.index) with the very rules of the gatekeepers:

- a directive (campaigns.access.directives_visible_to) through its issuer, and once sent (issued
  or replaced) through its recipients, read from DirectiveRecipient itself;
- a report (reports.access.reports_visible_to) through its unit, the unit it reports to and the
  unit that registered an outside directive;
- a study material (campaigns.access.materials_visible_to) through its campaign, itself seen
  (campaigns.access.campaigns_visible_to) through its owner or any directive of it seen.

Computing the gatekeepers' querysets whole for each search costs a join over every report and
directive (0.3 s at 100,000 documents, bench/search.py); this reads a few columns of the rows
that match. tests/reports/test_search.py checks that both answer alike, document by document, for
every named user; and `openable` asks the gatekeepers themselves about the directives and reports
on the page shown, so a copy gone stale could hide one but never show one the user may not open.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Q, QuerySet

from campaigns.access import directives_visible_to
from campaigns.models import Directive, DirectiveRecipient
from reports.access import reports_visible_to
from units.access import Capability, scope_q
from units.models import Unit, User

from .models import SearchEntry

Kind = SearchEntry.Kind
# A directive's recipients see it once it is issued, and still once it is replaced.
SENT = (Directive.Status.ISSUED, Directive.Status.REPLACED)


def entries_visible_to(user: User) -> QuerySet[SearchEntry]:
    """Entries of the documents the user may open, decided from the entries' own columns.

    Shaped for the search's scan: the units in the user's scope, and the directives they
    received, are each computed once (from the path index and the recipients' unit index) and
    probed per hit; no join runs per hit.
    """
    in_scope = Unit.objects.filter(scope_q(user, Capability.VIEW)).values("pk")
    received = DirectiveRecipient.objects.filter(unit__in=in_scope).values("directive_id")
    # A campaign is seen through its owner, or through any directive of it the user sees.
    campaigns_issued = Directive.objects.filter(issuer__in=in_scope).values("campaign_id")
    campaigns_received = Directive.objects.filter(status__in=SENT, pk__in=received).values(
        "campaign_id"
    )
    return SearchEntry.objects.filter(
        Q(kind=Kind.DIRECTIVE) & (Q(unit__in=in_scope) | Q(sent=True, object_id__in=received))
        | Q(kind=Kind.REPORT)
        & (Q(unit__in=in_scope) | Q(addressee__in=in_scope) | Q(registrar__in=in_scope))
        | Q(kind=Kind.MATERIAL)
        & (
            Q(unit__in=in_scope)
            | Q(campaign_pk__in=campaigns_issued)
            | Q(campaign_pk__in=campaigns_received)
        )
    )


# The gatekeepers asked about the page shown. Not the materials': a material's entry copies
# only its campaign's owner (kept in step by the campaign's saves), and the rest of what makes
# it seen is read live above, from the directives and their recipients; asking
# campaigns_visible_to would compute the visibility of every directive (0.1 s, bench/search.py).
GATEKEEPERS: dict[str, Callable[[User], QuerySet[Any]]] = {
    Kind.DIRECTIVE: directives_visible_to,
    Kind.REPORT: reports_visible_to,
}


def openable(user: User, entries: Iterable[SearchEntry]) -> set[tuple[str, int]]:
    """(kind, object id) of the entries whose documents the user may open, the directives and
    reports among them as their gatekeepers answer: one query per such kind present."""
    wanted: dict[str, list[int]] = {}
    allowed: set[tuple[str, int]] = set()
    for entry in entries:
        if entry.kind in GATEKEEPERS:
            wanted.setdefault(entry.kind, []).append(entry.object_id)
        else:
            allowed.add((entry.kind, entry.object_id))
    for kind, ids in wanted.items():
        found = GATEKEEPERS[kind](user).filter(pk__in=ids).values_list("pk", flat=True)
        allowed.update((kind, pk) for pk in found)
    return allowed
