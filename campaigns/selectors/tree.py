"""Reads of the unit tree as an issuer sees it: whom it may send to, whole levels, its term, the
header lines it prints and whom it may answer for."""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet

from campaigns.documents.formatting import short_date
from campaigns.models import CommitteeTerm, Directive
from units.models import Unit


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


def term_for(issuer: Unit, day: datetime.date) -> str:
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
    # The parent is issued (written here or received), so it has its date.
    dated = short_date(parent.issue_date) if parent.issue_date else ""
    return (
        f"Thực hiện {parent.kind.name} số {parent.symbol} ngày {dated} "
        f"của {parent.issuer_name} về việc {subject}, {issuer_name} xây dựng {kind_name.lower()} "
        "thực hiện như sau:"
    )


def implements_for(issuer: Unit, unit: Unit) -> bool:
    """Whether `issuer` may answer a directive sent to `unit`: the unit itself or its organ."""
    if issuer.pk == unit.pk:
        return True
    return (
        issuer.kind.is_organ
        and issuer.depth == unit.depth + 1
        and issuer.path.startswith(unit.path)
    )
