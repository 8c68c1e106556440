"""A progress report as printed: its plain context (a frozen dataclass) and the selector that
builds it, with every query done, so that the renderers only write it out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from django.utils import timezone

from campaigns.documents.body import Block, BlockKind, parse_body
from campaigns.documents.context import DocumentContext
from campaigns.documents.formatting import (
    date_line,
    draft_date_line,
    draft_number_line,
    subject_text,
)
from campaigns.documents.profiles import FormatProfile, get_profile
from campaigns.selectors import issuer_defaults, signer_defaults
from reports import selectors
from reports.figures import Figures, Format, Output, figures_for
from reports.models import ProgressReport
from units.models import Unit

__all__ = [
    "CELL_CODE",
    "COMMITTEE_CODE",
    "NO_TEXT",
    "NO_TEXT_DRAFT",
    "SECTIONS",
    "TYPE_CODE",
    "ChildRow",
    "FigureRow",
    "Prose",
    "ReportContext",
    "archive_line",
    "child_rows",
    "figure_rows",
    "report_document",
    "report_subject",
    "report_symbol_code",
]

TYPE_CODE = "BC"
# The issuer code when a unit has none of its own (FORMAT.md: ĐU a grassroots committee, CB a cell).
CELL_CODE, COMMITTEE_CODE = "CB", "ĐU"
NO_TEXT_DRAFT = "…"


def report_subject(kind_name: str, symbol: str, issuer_name: str) -> str:
    """A report's trích yếu, under "BÁO CÁO" and in the outgoing register."""
    return f"Kết quả thực hiện {kind_name} số {symbol} của {issuer_name}"


def report_symbol_code(unit: Unit) -> str:
    """The issuer code a unit's report is numbered under: its own, else ĐU or CB by kind."""
    return unit.symbol_code or (CELL_CODE if unit.kind.counts_members else COMMITTEE_CODE)


NO_TEXT = "Không có."
SECTIONS = (
    "Công tác lãnh đạo, chỉ đạo, tổ chức thực hiện",
    "Kết quả",
    "Đánh giá",
    "Kiến nghị, đề xuất",
)
_ROMAN = ("I", "II", "III", "IV")


@dataclass(frozen=True, slots=True)
class Prose:
    """A text the unit wrote, parsed like a directive's body (documents/_blocks.html reads it)."""

    blocks: tuple[Block, ...]


@dataclass(frozen=True, slots=True)
class FigureRow:
    """One line of the results table: "2 | Đảng viên tham gia / tổng số | 18/35 | 51,4"."""

    number: str  # "" for a breakdown line under the line above
    label: str
    value: str
    rate: str = ""

    @property
    def is_detail(self) -> bool:
        return not self.number


@dataclass(frozen=True, slots=True)
class ChildRow:
    """One row of the second table, from the report's figures: a unit below, the committee's
    own doings, or the total (no number)."""

    number: str  # "" for the total
    name: str
    organised: str  # "2/3"
    participants: str  # "18/35"
    rate: str  # "51,4"
    sessions: int
    reflections: int
    propaganda: int

    @property
    def is_total(self) -> bool:
        return not self.number


@dataclass(frozen=True, slots=True)
class ReportContext:
    """One progress report as printed: every line already written, no query left to do.

    `document` holds the header, title and closing block, laid out exactly as a directive's
    (documents/_header.html and _closing.html print it); the rest is the report's body.
    """

    document: DocumentContext
    sections: tuple[str, ...]  # "I- Công tác lãnh đạo, …", printed upper-case by the profile
    assessment: Prose
    as_of: str  # "20/10/2024": the day the figures were taken
    figures: tuple[FigureRow, ...]
    children: tuple[ChildRow, ...]
    not_reported: tuple[str, ...]
    strengths: Prose
    limits: Prose
    proposals: Prose

    @property
    def profile(self) -> FormatProfile:
        return self.document.profile

    @property
    def is_draft(self) -> bool:
        return self.document.is_draft


def _rate(value: float | None) -> str:
    """ "51,4", "75", or "–" when there is nothing to divide by: Vietnamese decimal comma."""
    if value is None:
        return "–"
    return f"{value:g}".replace(".", ",")


def _part(part: int, whole: int) -> str:
    return f"{part}/{whole}"


def _prose(text: str, *, empty: str) -> Prose:
    """The unit's text as blocks; a heading-like line stays a paragraph, so the report's own
    sections are the only headings."""
    blocks = []
    for block in parse_body(text or ""):
        if block.kind is BlockKind.SECTION:
            block = replace(
                block, kind=BlockKind.PARAGRAPH, marker="", text=f"{block.marker} {block.text}"
            )
        blocks.append(block)
    if not blocks:
        blocks.append(Block(kind=BlockKind.PARAGRAPH, marker="", level=0, text=empty))
    return Prose(blocks=tuple(blocks))


def _breakdown(counts: dict[str, int], labels: dict[str, str]) -> list[FigureRow]:
    """A line per kind that has any, in the order of the choices, unknown kinds last."""
    order = [key for key in labels if counts.get(key)]
    order += sorted(key for key in counts if key not in labels and counts[key])
    return [
        FigureRow(number="", label=f"- {labels.get(key, key)}", value=str(counts[key]))
        for key in order
    ]


def figure_rows(figures: Mapping[str, Any]) -> tuple[FigureRow, ...]:
    """The results table from a figures dict (selectors.report_figures, or its frozen copy): the
    figures the report prints (reports.figures.FIGURES), numbered, with the lines under them."""

    def get(name: str) -> int:
        return figures.get(name) or 0

    rows: list[FigureRow] = []
    for figure in figures_for(Output.PDF):
        if figure.printed_if and not get(figure.printed_if):
            continue
        value, rate = str(get(figure.key)), ""
        if figure.format is Format.RATIO:
            value = _part(get(figure.key), get(figure.whole))
            rate = _rate(figures.get(figure.rate))
        if figure.detail:
            rows.append(FigureRow(number="", label=f"- {figure.label}", value=value, rate=rate))
            continue
        number = str(sum(1 for row in rows if row.number) + 1)
        rows.append(FigureRow(number=number, label=figure.label, value=value, rate=rate))
        if figure.by_kind:
            labels = dict(figure.kinds.choices) if figure.kinds else {}
            rows += _breakdown(figures.get(figure.by_kind) or {}, labels)
    return tuple(rows)


# The second table's own and total rows, worded as the dashboard's export words them
# (reports.exports imports the registers, which import this module: so not imported from there).
OWN_SUFFIX = " (cấp ủy, trực tiếp)"
TOTAL_LABEL = "Tổng cộng"
# The second table's figures: all of them add up from the rows to the total.
_CHILD_COUNTS = (
    "organised_units",
    "expected_units",
    "participants",
    "members",
    "sessions",
    "reflections",
    "propaganda",
)


def _counts(figures: Mapping[str, Any]) -> Figures:
    result = Figures()
    for key in _CHILD_COUNTS:
        setattr(result, key, figures.get(key) or 0)
    return result


def _child_row(number: str, name: str, figures: Figures) -> ChildRow:
    return ChildRow(
        number=number,
        name=name,
        organised=_part(figures.organised_units, figures.expected_units),
        participants=_part(figures.participants, figures.members),
        rate=_rate(figures.participation_rate),
        sessions=figures.sessions,
        reflections=figures.reflections,
        propaganda=figures.propaganda,
    )


def child_rows(figures: Mapping[str, Any], *, own_name: str) -> tuple[ChildRow, ...]:
    """The second table, so that it adds up before the reader's eyes: a row per unit below (the
    figures' "children"), the committee's own row when it has figures of its own (its own
    sessions, or itself among the units that had to hold them), and the total, which is the
    results table's. The own row is what the total holds beyond the units below, so it also
    works on figures frozen before they listed it."""
    children = [_counts(child) for child in figures.get("children") or []]
    if not children:
        return ()
    names = [child.get("unit", "") for child in figures["children"]]
    total = _counts(figures)
    below = sum(children, Figures())
    own = Figures(**{key: getattr(total, key) - getattr(below, key) for key in _CHILD_COUNTS})
    rows = [
        _child_row(str(index), name, child)
        for index, (name, child) in enumerate(zip(names, children, strict=True), start=1)
    ]
    if own != Figures():
        rows.append(_child_row(str(len(rows) + 1), f"{own_name}{OWN_SUFFIX}", own))
    rows.append(_child_row("", TOTAL_LABEL, total))
    return tuple(rows)


def archive_line(unit: Unit) -> str:
    """The last line of "Nơi nhận": the reporting unit files its own copy, where the collective
    that signs ("T/M CHI BỘ", "T/M ĐẢNG ỦY") keeps it: a cell itself ("Lưu chi bộ.", as
    03-KH/CB writes it), a committee its office ("Lưu VP" in 28-BC/ĐUK, 107-KH/ĐUK)."""
    return "Lưu chi bộ." if unit.kind.counts_members else "Lưu Văn phòng Đảng ủy."


def _place(unit: Unit, place: str) -> str:
    """The unit's place name, else its nearest ancestor's."""
    if place:
        return place
    ancestors = [unit.path[: i * Unit.steplen] for i in range(1, unit.depth)]
    found = (
        Unit.objects.filter(path__in=ancestors)
        .exclude(place_name="")
        .order_by("-depth")
        .values_list("place_name", flat=True)
        .first()
    )
    return found or ""


def report_document(report: ProgressReport) -> ReportContext:
    """Everything printed on the report, every query done. A submitted report prints the
    figures frozen when it was sent, dated that day; a draft (or a returned one being
    corrected) prints today's, undated, with the DỰ THẢO mark."""
    profile = get_profile()
    unit, directive = report.unit, report.obligation.directive
    is_draft = report.is_editable or report.submitted_at is None
    day = timezone.localdate() if is_draft else timezone.localdate(report.submitted_at)
    # The header the unit's documents printed by that day, the author's corrections included
    # (campaigns.selectors.header_names): a later document does not change a sent report.
    header = issuer_defaults(unit, on=day)
    counts_members = unit.kind.counts_members
    symbol_code = report_symbol_code(unit)
    place = _place(unit, header["place"])

    # The unit's head on the day it was sent signs, as on its directives (when the portal knows
    # none, the one who sent it); a draft leaves the name blank.
    signature = signer_defaults(unit, day=day)
    signer = "" if is_draft else signature["signer_name"]
    if is_draft:
        figures = selectors.report_figures(report)
        dated = draft_date_line(place=place, year=day.year, profile=profile)
    else:
        figures = report.figures or selectors.report_figures(report)
        dated = date_line(place=place, day=day, profile=profile) if place else ""
        sender = report.submitted_by  # None (no query) when nobody is recorded
        if not signer and sender is not None:
            signer = sender.get_full_name()

    document = DocumentContext(
        profile=profile,
        superior_body=header["superior_body"],
        issuing_body=header["issuing_body"],
        # Numbered at the first submission; a draft leaves the number for the office to fill.
        number_line=(
            f"{profile.number_prefix} {report.symbol}"
            if report.symbol
            else draft_number_line(type_code=TYPE_CODE, issuer_code=symbol_code, profile=profile)
        ),
        date_line=dated,
        type_code=TYPE_CODE,
        type_name=profile.type_name(TYPE_CODE),
        subject=subject_text(
            report_subject(directive.kind.name, directive.symbol, directive.issuer_name), profile
        ),
        basis="",
        blocks=(),
        recipients=(f"{directive.issuer_name},", archive_line(unit)),
        signing_authority=(
            f"{profile.on_behalf_of_collective} {'CHI BỘ' if counts_members else 'ĐẢNG ỦY'}"
        ),
        signer_position=signature["signer_position"],
        signer_name=signer,
        is_draft=is_draft,
        title=f"bao-cao-{unit.code}",
    )
    empty = NO_TEXT_DRAFT if is_draft else NO_TEXT
    return ReportContext(
        document=document,
        sections=tuple(
            profile.section_number_format.format(roman=roman, title=title)
            for roman, title in zip(_ROMAN, SECTIONS, strict=True)
        ),
        assessment=_prose(report.assessment, empty=empty),
        as_of=f"{day:%d/%m/%Y}",
        figures=figure_rows(figures),
        children=child_rows(figures, own_name=unit.name),
        not_reported=tuple(figures.get("not_reported") or ()),
        strengths=_prose(report.strengths, empty=empty),
        limits=_prose(report.limits, empty=empty),
        proposals=_prose(report.proposals, empty=empty),
    )
