"""Directives received as files: reading the upload, suggestions for the review page, confirming.

The extraction itself is ``campaigns.documents.extract`` (plain data, no database). This module
ties its result to the portal: which unit issued it (by the symbol code in its number), which
units its "Nơi nhận" lines name, where each field was found in the text, and, once the reader
has checked the fields, the received directive with what each recipient owes under it.
"""

from __future__ import annotations

import datetime
import html
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from campaigns.documents.extract import (
    extract_directive_text,
    normalise_text,
    read_directive_file,
)
from campaigns.documents.profiles import get_profile
from campaigns.models import (
    Campaign,
    Directive,
    DirectiveImport,
    DirectiveKind,
    DirectiveRecipient,
    Milestone,
    StudyMaterial,
)
from campaigns.selectors import Level, level_units, recipient_candidates
from campaigns.services import (
    MilestoneData,
    campaign_create,
    counted_members,
    milestone_row,
    record_obligations,
)
from units.models import Unit, User, fold_for_search

from .access import directives_visible_to

__all__ = [
    "RecipientMatch",
    "canonical_symbol",
    "import_confirm",
    "import_discard",
    "import_upload",
    "issuer_match",
    "milestone_suggestions",
    "recipient_matches",
    "sends_to",
    "source_with_marks",
]

SYMBOL = re.compile(r"^\s*(?P<number>\d{1,5})\s*-\s*(?P<code>[^\W\d_]+)\s*/\s*(?P<issuer>\S+)\s*$")
CAMPAIGN_DAYS = 180  # a new campaign's window when the directive states no later deadline


# ---------------------------------------------------------------------------- upload


@transaction.atomic
def import_upload(*, actor: User, upload: UploadedFile) -> DirectiveImport:
    """Read the file and keep it for review; a file that is not a directive stores nothing.

    Raises ``DirectiveImportError`` with the message for the user.
    """
    name = Path(upload.name or "").name[:255] or "van-ban"
    text = read_directive_file(upload, name)
    data = extract_directive_text(text)
    upload.seek(0)
    job = DirectiveImport(
        created_by=actor, original_name=name, text=normalise_text(text), data=data
    )
    job.file.save(name, upload, save=False)
    try:
        with transaction.atomic():
            job.save()
    except Exception:
        job.file.delete(save=False)  # no row, no file
        raise
    return job


@transaction.atomic
def import_discard(*, actor: User, job: DirectiveImport) -> None:
    """Delete the waiting file. Locked like a confirm, so one of the two wins; the file goes
    only once the row's deletion is committed."""
    job = DirectiveImport.objects.select_for_update().filter(pk=job.pk).first()
    if job is None:
        return  # confirmed or discarded meanwhile: the file belongs to a directive, or is gone
    storage, name = job.file.storage, job.file.name
    job.delete()
    transaction.on_commit(lambda: storage.delete(name))


# ---------------------------------------------------------------------------- suggestions


def split_symbol(symbol: str) -> tuple[int, str, str] | None:
    """ "32-HD/BTGĐUK" → (32, "HD", "BTGĐUK"); None when it is not written that way."""
    match = SYMBOL.match(unicodedata.normalize("NFC", symbol or ""))
    if not match:
        return None
    return int(match["number"]), match["code"], match["issuer"]


def canonical_symbol(symbol: str) -> str | None:
    """ "32 - hd / btgđuk" → "32-HD/BTGĐUK": one spelling, so a retyped number is the same
    (type codes as the format profile writes them: "CTr")."""
    parts = split_symbol(symbol)
    if parts is None:
        return None
    number, code, issuer = parts
    known = {c.upper(): c for c in get_profile().type_codes}
    return f"{number:02d}-{known.get(code.upper(), code.upper())}/{issuer.upper()}"


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
                "title": _shorten(deadline["text"], 255),
                "due_date": datetime.date.fromisoformat(deadline["date"])
                if deadline.get("date")
                else None,
                "due_month": f"{int(month[5:])}/{month[:4]}" if month else "",
                "applies_to": Milestone.Applies.ALL,
            }
        )
    return rows


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


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


# ---------------------------------------------------------------------------- where it was found


def _loose(value: str) -> str:
    """A value as a pattern that lets line breaks and runs of spaces fall between its words."""
    return r"\s+".join(re.escape(word) for word in value.split())


def _date_pattern(iso: str) -> str:
    day = datetime.date.fromisoformat(iso)
    d, m, y = day.day, day.month, day.year
    return (
        rf"ngày\s+0?{d}\s+tháng\s+0?{m}\s+năm\s+{y}"
        rf"|\b0?{d}\s*[/.-]\s*0?{m}\s*[/.-]\s*{y}\b"
    )


def _needles(data: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """(field, patterns to try in turn) for each extracted field the review page shows."""
    wanted: list[tuple[str, list[str]]] = []

    def text(name: str, value: str | None, head: int = 4) -> None:
        if value:
            words = value.split()
            tries = [_loose(value)]
            if len(words) > head:
                tries.append(_loose(" ".join(words[:head])))
            wanted.append((name, tries))

    text("superior_body", data.get("superior_body"), 3)
    text("issuing_body", data.get("issuing_body"))
    kind = data.get("kind")
    name = DirectiveKind.objects.filter(code=kind).values_list("name", flat=True).first()
    if name:
        wanted.append(("kind", [rf"^\s*{_loose(name.upper())}\s*$", _loose(name.upper())]))
    text("symbol", data.get("symbol"))
    text("place", data.get("place"))
    if data.get("date"):
        wanted.append(("issue_date", [_date_pattern(data["date"])]))
    text("subject", data.get("subject"), 6)
    text("basis", data.get("basis_text"), 6)
    first_line = (data.get("body") or "").split("\n", 1)[0]
    text("body", first_line, 6)
    for reference in data.get("basis") or []:
        text("basis", reference.get("symbol"))
    text("signing_authority", data.get("signing_authority"))
    text("signer_position", data.get("signer_position"))
    text("signer_name", data.get("signer_name"))
    for line in data.get("recipients") or []:
        text("recipient_lines", line.rstrip(",.;"), 6)
    for deadline in data.get("deadlines") or []:
        tries = [_loose(deadline["text"])]
        if deadline.get("date"):
            tries.append(_date_pattern(deadline["date"]))
        wanted.append(("milestones", tries))
    for material in data.get("materials") or []:
        text("materials", material.get("title"), 6)
    return wanted


def source_with_marks(text: str, data: dict[str, Any]) -> tuple[SafeString, set[str]]:
    """The source text as HTML with each extracted field marked where it was found, and the
    set of fields found. A field's first mark gets the id ``src-<field>``."""
    spans: list[tuple[int, int, str]] = []
    for name, tries in _needles(data):
        for pattern in tries:
            taken = [
                m
                for m in re.finditer(pattern, text, re.IGNORECASE | re.MULTILINE)
                if m.end() > m.start() and all(m.end() <= s or m.start() >= e for s, e, _ in spans)
            ]
            if taken:
                spans.append((taken[0].start(), taken[0].end(), name))
                break
    spans.sort()
    out, at, seen = [], 0, set()
    for start, end, name in spans:
        out.append(html.escape(text[at:start]))
        anchor = "" if name in seen else f' id="src-{name}"'
        seen.add(name)
        out.append(
            f'<mark class="src-mark" data-field="{name}"{anchor}>'
            f"{html.escape(text[start:end])}</mark>"
        )
        at = end
    out.append(html.escape(text[at:]))
    return mark_safe("".join(out)), seen  # noqa: S308 - every piece of text is escaped above


# ---------------------------------------------------------------------------- confirming


@transaction.atomic
def import_confirm(
    *,
    actor: User,
    job: DirectiveImport,
    campaign: Campaign | None,
    campaign_title: str = "",
    kind: DirectiveKind,
    issuer: Unit | None,
    symbol: str,
    issue_date: datetime.date,
    units: list[Unit],
    milestones: list[MilestoneData],
    implements: Iterable[Directive] = (),
    **fields: Any,
) -> Directive:
    """Store the checked fields as a received directive, issued as it arrived, with its file,
    its milestones, and what each chosen unit owes under it (as issuing records it).

    ``campaign`` None starts one named ``campaign_title``, owned by the first chosen unit.
    ``implements``: the directives of its basis already in the portal (``basis_directives``).
    ``issuer``, a portal unit, is kept only if it could have sent to every chosen unit (its
    staff then follow and review the units' work); otherwise the directive is from an outside
    issuer, known by ``issuer_name``. Refused when one of the units already holds a directive
    with this number and date, when a milestone falls outside a chosen campaign, or when the
    import was confirmed or discarded meanwhile.
    """
    job = DirectiveImport.objects.select_for_update().filter(pk=job.pk).first()
    if job is None:
        raise ValidationError("Tệp này đã được xác nhận hoặc đã hủy.", code="gone")
    symbol = canonical_symbol(symbol) or ""
    parts = split_symbol(symbol)
    if parts is None:
        raise ValidationError("Số, ký hiệu phải viết dạng 32-HD/BTGĐUK.", code="bad_symbol")
    if not units:
        raise ValidationError("Chọn ít nhất một đơn vị nhận trên Cổng.", code="no_units")
    # Two imports of one document for one unit: the second waits here and sees the first.
    list(Unit.objects.select_for_update().filter(pk__in=[u.pk for u in units]).order_by("pk"))
    if issuer is not None and not sends_to(issuer, units, every=True):
        issuer = None
    deadlines = [_deadline(m) for m in milestones if m.due_date or m.due_month]
    if campaign is not None and any(
        not campaign.start_date <= day <= campaign.end_date for day in deadlines
    ):
        raise ValidationError(
            f"Có mốc thời gian nằm ngoài đợt sinh hoạt “{campaign.title}” "
            f"({campaign.start_date:%d/%m/%Y} – {campaign.end_date:%d/%m/%Y}): chọn đợt khác "
            "hoặc tạo đợt mới từ văn bản này.",
            code="milestone_outside_campaign",
        )
    duplicate = (
        DirectiveRecipient.objects.filter(
            unit__in=units,
            directive__symbol=symbol,
            directive__issue_date=issue_date,
        )
        .exclude(directive__status=Directive.Status.DRAFT)
        .select_related("directive", "unit")
        .first()
    )
    if duplicate is not None:
        raise ValidationError(
            f"{duplicate.unit.name} đã có văn bản số {duplicate.directive.symbol} ngày "
            f"{issue_date:%d/%m/%Y} trên Cổng: không nhập lại.",
            code="duplicate",
        )
    if campaign is None:
        last = max(deadlines, default=None)
        campaign = campaign_create(
            actor=actor,
            owner=units[0],
            title=_shorten(campaign_title or fields.get("subject") or symbol, 255),
            subject=fields.get("subject") or symbol,
            start_date=issue_date,
            end_date=max(last or issue_date, issue_date + datetime.timedelta(days=CAMPAIGN_DAYS)),
        )
        for material in job.data.get("materials") or []:
            _material_add(campaign, material)
    now = timezone.now()
    directive = Directive(
        campaign=campaign,
        kind=kind,
        issuer=issuer,
        number=parts[0],
        symbol=symbol,
        symbol_code=parts[2],
        issue_date=issue_date,
        status=Directive.Status.ISSUED,
        origin=Directive.Origin.IMPORTED,
        source_name=job.original_name,
        created_by=actor,
        issued_by=actor,
        issued_at=now,
        **{
            k: unicodedata.normalize("NFC", v) if isinstance(v, str) else v
            for k, v in fields.items()
        },
    )
    directive.source_file.name = job.file.name  # the upload stays where it is, now the record's
    directive.full_clean(exclude=["source_file", "issued_pdf"])
    directive.save()
    for data in milestones:  # one by one, so that each has its history record
        milestone_row(directive, data).save()
    recipients = DirectiveRecipient.objects.bulk_create(
        [
            DirectiveRecipient(
                directive=directive,
                unit=unit,
                unit_name=unit.name,
                member_count=counted_members(unit),
            )
            for unit in units
        ]
    )
    record_obligations(directive, recipients)
    directive.implements.set(implements)
    job.delete()  # the row only: its file now belongs to the directive
    return directive


def _deadline(data: MilestoneData) -> datetime.date:
    """The last day of a milestone: its date, or its month's last day."""
    return Milestone(due_date=data.due_date, due_month=data.due_month).deadline


def _material_add(campaign: Campaign, material: dict[str, Any]) -> None:
    """A study material named in the directive, if its link is a valid one ("www.…" gets a
    scheme); a title without a usable link is kept without it."""
    url = (material.get("url") or "").strip()
    if url and not re.match(r"^[a-z][a-z0-9+.-]*://", url, re.I):
        url = f"https://{url}"
    row = StudyMaterial(campaign=campaign, title=_shorten(material["title"], 500), url=url)
    try:
        row.full_clean()
    except ValidationError:
        row.url = ""
        row.full_clean()
    row.save()
