"""Reads of the unit tree as an issuer sees it: whom it may send to, whole levels, its term, the
header lines it prints and whom it may answer for."""

from __future__ import annotations

import copy
import datetime

from django.db.models import Exists, Q, QuerySet, Subquery
from django.utils import timezone

from campaigns.documents.formatting import short_date
from campaigns.documents.headlines import (
    MAX_ISSUING_LINES,
    MAX_SUPERIOR_LINES,
    committee_header,
    header_key,
    organ_header,
    shorten_to_fit,
)
from campaigns.documents.profiles import get_profile
from campaigns.models import CommitteeTerm, Directive
from units.models import Unit, UnitNameRecord, UnitPathRecord
from units.positions import Rank
from units.selectors import Leader, unit_leadership, unit_path_on, unit_path_then


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


def issuer_defaults(issuer: Unit, *, on: datetime.date | None = None) -> dict[str, str]:
    """Header lines pre-filled for the issuer's documents (header_names, as of `on`); the
    author may edit them until issue."""
    superior, issuing, then = _header_on(issuer, on)
    committee = committee_of(issuer)
    return {
        "superior_body": superior,
        "issuing_body": issuing,
        "issuer_name": then.name,
        "symbol_code": then.symbol_code,
        "place": issuer.place_name or committee.place_name,
    }


def header_names(issuer: Unit, *, on: datetime.date | None = None) -> tuple[str, str]:
    """(superior, issuing) as the unit's documents print them on the day `on` (today when
    None): the header of its latest document issued by then, when its author changed what the
    portal proposed; else the header derived from the tree of that day (tree_header): the
    parent the unit stood under and the names both bore then, so a report sent in 2024 by a
    committee moved or renamed in 2025 keeps the header of 2024.

    Only documents issued since the unit last moved and since both took the names of that day
    count, so neither a rename nor a reorganisation is undone by an older header.
    """
    superior, issuing, _ = _header_on(issuer, on)
    return superior, issuing


def _header_on(issuer: Unit, on: datetime.date | None) -> tuple[str, str, Unit]:
    """(superior, issuing, the issuer as named on `on`): header_names' work."""
    parent = _parent_of(issuer, on)
    then, since = _named_on(issuer, on)
    parent_then, parent_since = _named_on(parent, on) if parent is not None else (None, None)
    proposed = tree_header(then, parent_then)
    renamed = [day for day in (since, parent_since) if day is not None]
    latest = _latest_issued(issuer, on, max(renamed) if renamed else None)
    if latest is None:
        return (*proposed, then)
    used = (latest.superior_body, latest.issuing_body)
    # What the portal proposed, now or before headers were derived per kind of unit.
    proposals = {_key(proposed), _key(_plain_header(then, parent_then))}
    return (*(proposed if _key(used) in proposals else used), then)


def tree_header(issuer: Unit, parent: Unit | None) -> tuple[str, str]:
    """(superior, issuing) derived from the tree for any kind of unit (headlines.py):

    - an organ (ban đảng): its committee over its own name ("THÀNH ỦY CẦN THƠ" / "BAN TUYÊN
      GIÁO");
    - a committee or a cell: the party organisation above it over the committee that issues
      ("ĐẢNG BỘ KHỐI …" / "ĐẢNG ỦY SỞ TƯ PHÁP", "ĐẢNG BỘ SỞ TƯ PHÁP" / "CHI BỘ VĂN PHÒNG");
      a provincial committee at the root prints its own name only;
    - a unit that issues no party documents: its parent over its name, as written.

    A name too long for two lines is shortened the usual way ("thành phố" → "TP").
    """
    if issuer.kind.is_organ and parent is not None:
        superior, issuing = organ_header(
            issuer.name, issuer.short_name, parent.name, parent.short_name
        )
    elif issuer.kind.issues_documents:
        superior, issuing = committee_header(issuer.name, parent.name if parent else "")
    else:
        return _plain_header(issuer, parent)
    profile = get_profile()
    return (
        shorten_to_fit(superior, profile.superior_body, profile, MAX_SUPERIOR_LINES),
        shorten_to_fit(issuing, profile.issuing_body, profile, MAX_ISSUING_LINES),
    )


def _plain_header(issuer: Unit, parent: Unit | None) -> tuple[str, str]:
    """The names as written in the tree: the parent over the unit (an organ: its short name)."""
    if issuer.kind.is_organ and parent is not None:
        return parent.name, issuer.short_name or issuer.name
    return (parent.name if parent else ""), issuer.name


def _parent_of(unit: Unit, on: datetime.date | None = None) -> Unit | None:
    """The unit's parent on the day `on` (now when None): where it stood before a move, a
    merger or a split is kept in UnitPathRecord."""
    if on is not None:
        path = unit_path_then(unit, on)
        if path != unit.path:
            return _unit_at(path[: -Unit.steplen], on) if len(path) > Unit.steplen else None
    if unit.depth <= 1:
        return None
    return Unit.objects.filter(path=unit.path[: (unit.depth - 1) * Unit.steplen]).first()


def _unit_at(path: str, day: datetime.date) -> Unit | None:
    """The unit that stood at `path` on `day`: the one there now, unless it came later."""
    earlier = UnitPathRecord.objects.filter(path=path, valid_until__gte=day).values("unit_id")
    return (
        Unit.objects.filter(Q(path=path) | Q(pk__in=earlier))
        .annotate(path_then=unit_path_on(day))
        .filter(path_then=path)
        .first()
    )


def _named_on(unit: Unit, on: datetime.date | None) -> tuple[Unit, datetime.date | None]:
    """The unit as named on `on` (a copy bearing its earlier name, when renamed since), and the
    day it took that name (None: always had it)."""
    if on is None or unit.name_since is None or on >= unit.name_since:
        return unit, unit.name_since
    record = (
        UnitNameRecord.objects.filter(unit=unit, valid_until__gte=on)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on))
        .order_by("valid_until", "pk")
        .first()
    )
    if record is None:
        return unit, unit.name_since
    then = copy.copy(unit)  # read only: the header and the defaults are all it serves
    then.name, then.short_name, then.symbol_code = (
        record.name,
        record.short_name,
        record.symbol_code,
    )
    return then, record.valid_from


def _latest_issued(
    issuer: Unit, on: datetime.date | None, named_since: datetime.date | None
) -> Directive | None:
    # Written in the portal only: an imported copy's header is what the reader made of a file.
    issued = Directive.objects.filter(
        issuer=issuer, origin=Directive.Origin.WRITTEN, issue_date__isnull=False
    ).exclude(status=Directive.Status.DRAFT)
    if on is not None:
        issued = issued.filter(issue_date__lte=on)
    if named_since is not None:
        issued = issued.filter(issue_date__gte=named_since)
    # Nor one issued before the unit last moved (by then): it stood under another parent.
    moves = UnitPathRecord.objects.filter(unit=issuer)
    if on is not None:
        moves = moves.filter(valid_until__lt=on)
    last_move = moves.order_by("-valid_until").values("valid_until")[:1]
    issued = issued.filter(~Exists(moves) | Q(issue_date__gt=Subquery(last_move)))
    return issued.only("superior_body", "issuing_body").order_by("-issue_date", "-pk").first()


def _key(header: tuple[str, str]) -> tuple[str, str]:
    return header_key(header[0]), header_key(header[1])


DEPUTY_AUTHORITY = "K/T"  # "K/T TRƯỞNG BAN": a deputy signs for the head (FORMAT.md)


def signer_choices(issuer: Unit, day: datetime.date | None = None) -> list[Leader]:
    """Who may sign for the issuer on `day` (today by default): its head, then its deputies,
    from the positions of its memberships. Never its staff (chuyên viên)."""
    return unit_leadership(issuer, day or timezone.localdate())


def is_deputy_authority(signing_authority: str) -> bool:
    return signing_authority.strip().upper().startswith(DEPUTY_AUTHORITY)


def signer_defaults(
    issuer: Unit,
    *,
    day: datetime.date | None = None,
    deputy: bool = False,
) -> dict[str, str]:
    """The signature a draft of this issuer proposes: its head on `day`, or with `deputy` (the
    drafter chose "K/T") its first deputy; the name is left blank when the portal knows none.

    An organ's head signs in person (no authority line) and a deputy "K/T TRƯỞNG BAN"; a
    committee signs on behalf of the collective ("T/M …"), by its secretary or a deputy.
    """
    leaders = signer_choices(issuer, day)
    heads = [leader for leader in leaders if leader.rank == Rank.HEAD]
    deputies = [leader for leader in leaders if leader.rank == Rank.DEPUTY]
    head_title = _head_title(issuer, leaders)
    signer = next(iter(deputies if deputy else heads), None)
    if issuer.kind.is_organ:
        authority = f"{DEPUTY_AUTHORITY} {head_title.upper()}" if deputy else ""
    else:
        authority = _collective_authority(issuer)
    if signer is not None:
        position = signer.title.title
    else:
        position = f"Phó {head_title}" if deputy else head_title
    return {
        "signing_authority": authority,
        "signer_position": position,
        "signer_name": signer.name if signer else "",
    }


def authority_choices(issuer: Unit, leaders: list[Leader]) -> list[str]:
    """The authority lines offered beside the free text: "K/T TRƯỞNG BAN" for an organ, whose
    head signs with none; on behalf of the collective for a committee, whoever signs."""
    if issuer.kind.is_organ:
        return [f"{DEPUTY_AUTHORITY} {_head_title(issuer, leaders).upper()}"]
    return [_collective_authority(issuer)]


def _head_title(issuer: Unit, leaders: list[Leader]) -> str:
    """The title of the issuer's head: as its leaders' positions write it, else the usual one."""
    if leaders:
        return leaders[0].title.head_title
    return "Trưởng ban" if issuer.kind.is_organ else "Bí thư"


def _collective_authority(issuer: Unit) -> str:
    if issuer.kind.counts_members:
        return "T/M CHI BỘ"
    if issuer.kind.is_grassroots:
        return "T/M ĐẢNG ỦY"
    return "T/M BAN THƯỜNG VỤ"


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
