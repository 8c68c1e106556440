"""Reads for a directive received as a file: which portal unit issued it, which units its
"Nơi nhận" lines name, the milestones its deadlines suggest, and the directives it implements."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from campaigns.access import directives_visible_to
from campaigns.documents.text import canonical_symbol, shorten, split_symbol
from campaigns.models import Directive, DirectiveImport, Milestone
from units.access import Capability, scope_q
from units.models import Membership, Unit, User, fold_for_search

from .tree import Level, level_units, recipient_candidates


def issuer_match(symbol: str | None, place: str | None = None) -> Unit | None:
    """The portal unit that issued it: the one active issuing unit with the symbol code of the
    number ("…/BTGĐUK") and, when the document names its place, that place (every province's
    propaganda department writes "BTGTU"). An issuer outside the portal gives None."""
    parts = split_symbol(symbol or "")
    if parts is None:
        return None
    found = [
        unit
        for unit in Unit.objects.filter(
            symbol_code__iexact=parts[2], is_active=True, kind__issues_documents=True
        ).select_related("kind")[:20]
        if not place or fold_for_search(unit.place_name) == fold_for_search(place)
    ]
    return found[0] if len(found) == 1 else None


def sends_to(issuer: Unit, units: list[Unit], *, every: bool = False) -> bool:
    """Whether the issuer could have sent a directive to these units (any, or every one): its
    staff follow and review the work of the units a directive from it binds, nobody else's."""
    ids = {u.pk for u in units}
    reachable = recipient_candidates(issuer).filter(pk__in=ids).count()
    return reachable == len(ids) if every else reachable > 0


@dataclass
class RecipientMatch:
    """One "Nơi nhận" line and the units of the tree it names."""

    line: str
    units: list[Unit] = field(default_factory=list)
    how: str = ""  # "level", "name", "archive" or "" (nothing in the tree)


# Level phrases, folded (no tone marks), relative to the issuer's committee.
_LEVEL_PHRASES = (
    (re.compile(r"\b(?:tccsd|to chuc co so dang|co so dang)\b"), Level.GRASSROOTS),
    (
        re.compile(r"\bcac (?:chi bo|dang bo|dang uy|don vi)(?: [a-z]+)? truc thuoc\b"),
        Level.CHILDREN,
    ),
)
_TRAILING = re.compile(r"\s*\((?:b/c|đ/b|t/h|để biết|để thực hiện|để b/c)\)\s*|[,.;:]+$", re.I)


def _line_parts(line: str) -> list[str]:
    line = _TRAILING.sub("", line.strip().removeprefix("-").strip()).strip()
    return [part.strip() for part in line.split(",") if part.strip()]


def recipient_matches(lines: list[str], issuer: Unit | None) -> list[RecipientMatch]:
    """Which units each recipients line names: a level ("Cấp ủy các TCCSĐ trực thuộc", read
    under the issuer's committee, so only when the issuer is a portal unit) or a unit by name
    or short name when exactly one active unit has it. Queries: one per line at most."""
    matches = []
    for line in lines:
        match = RecipientMatch(line=line)
        folded = fold_for_search(line)
        if folded.startswith("luu"):
            match.how = "archive"
        elif level := next((lv for rx, lv in _LEVEL_PHRASES if rx.search(folded)), None):
            if issuer is not None:
                match.units = list(level_units(issuer, level).order_by("path"))
                match.how = "level" if match.units else ""
        else:
            match.units = _named_units(_line_parts(line))
            match.how = "name" if match.units else ""
        matches.append(match)
    return matches


def _named_units(parts: list[str]) -> list[Unit]:
    folded = [fold_for_search(p) for p in parts if len(p) > 3]
    if not folded:
        return []
    query = Q()
    for part in folded:
        query |= Q(search_name__startswith=part)
    candidates = list(
        Unit.objects.filter(query, is_active=True).select_related("kind").order_by("path")[:200]
    )
    found = []
    for part in folded:
        fits = [
            u
            for u in candidates
            if part in (fold_for_search(u.name), fold_for_search(u.short_name))
        ]
        if len(fits) == 1 and fits[0] not in found:
            found.append(fits[0])
    return found


_REPORT = re.compile(r"\bbao cao\b")
_BRIEFING = re.compile(r"\b(?:hoi nghi|quan triet)\b")
_STUDY = re.compile(r"\b(?:hoan thanh|sinh hoat|hoc tap|to chuc)\b")


def milestone_suggestions(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The deadlines found in the text as milestone rows for the review form."""
    rows = []
    for deadline in data.get("deadlines") or []:
        folded = fold_for_search(deadline["text"])
        if _REPORT.search(folded):
            kind = Milestone.Kind.REPORT_DUE
        elif _BRIEFING.search(folded):
            kind = Milestone.Kind.BRIEFING
        elif _STUDY.search(folded):
            kind = Milestone.Kind.STUDY_COMPLETED
        else:
            kind = Milestone.Kind.OTHER
        month = deadline.get("month")
        rows.append(
            {
                "kind": kind,
                "title": shorten(deadline["text"], 255),
                "due_date": datetime.date.fromisoformat(deadline["date"])
                if deadline.get("date")
                else None,
                "due_month": f"{int(month[5:])}/{month[:4]}" if month else "",
                "applies_to": Milestone.Applies.ALL,
            }
        )
    return rows


def basis_directives(user: User, data: dict[str, Any]) -> list[Directive]:
    """The documents it implements that the user can already see in the portal."""
    wanted = [(b["symbol"], b.get("date")) for b in data.get("basis") or [] if b.get("symbol")]
    if not wanted:
        return []
    query = Q()
    for symbol, day in wanted:
        query |= Q(symbol=symbol, issue_date=day) if day else Q(symbol=symbol)
    return list(
        directives_visible_to(user)
        .filter(query, status__in=[Directive.Status.ISSUED, Directive.Status.REPLACED])
        .select_related("campaign", "kind")
    )


def held_directive(user: User, data: dict[str, Any]) -> Directive | None:
    """The directive with the file's number and date that the user can already open in the
    portal (issued here, or received earlier): importing it again would make a second copy."""
    symbol = canonical_symbol(data.get("symbol") or "")
    day = data.get("date")
    if not symbol or not day:
        return None
    return (
        directives_visible_to(user)
        .filter(
            symbol=symbol,
            issue_date=day,
            status__in=[Directive.Status.ISSUED, Directive.Status.REPLACED],
        )
        .select_related("kind")
        .order_by("pk")
        .first()
    )


def pending_imports_under(user: User) -> QuerySet[DirectiveImport]:
    """Uploads waiting for confirmation by people of the units the user administers, oldest
    first: administrators see what is stuck and when it will be deleted."""
    people = Membership.objects.active().filter(scope_q(user, Capability.MANAGE, "unit__"))
    return (
        DirectiveImport.objects.filter(created_by__in=people.values("user_id"))
        .select_related("created_by")
        .only("pk", "original_name", "created_at", "created_by__full_name", "created_by__username")
        .order_by("created_at", "pk")
    )
