"""A progress report as printed: its plain context (a frozen dataclass) and the selector that
builds it, with every query done, so that the renderers only write it out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from django.utils import timezone

from campaigns.documents.body import Block, BlockKind, parse_body
from campaigns.documents.context import DocumentContext
from campaigns.documents.formatting import date_line
from campaigns.documents.profiles import FormatProfile, get_profile
from campaigns.selectors import issuer_defaults
from reports import selectors
from reports.figures import Format, Output, figures_for
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
    """One unit below in the second table, from the report's figures."""

    number: int
    name: str
    organised: str  # "2/3"
    participants: str  # "18/35"
    rate: str  # "51,4"
    sessions: int
    reflections: int
    propaganda: int


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


def child_rows(children: list[dict]) -> tuple[ChildRow, ...]:
    """The second table: a row per unit below, from the figures' "children"."""
    return tuple(
        ChildRow(
            number=index,
            name=child.get("unit", ""),
            organised=_part(child.get("organised_units", 0), child.get("expected_units", 0)),
            participants=_part(child.get("participants", 0), child.get("members", 0)),
            rate=_rate(child.get("participation_rate")),
            sessions=child.get("sessions", 0),
            reflections=child.get("reflections", 0),
            propaganda=child.get("propaganda", 0),
        )
        for index, child in enumerate(children, start=1)
    )


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
    header = issuer_defaults(unit)
    counts_members = unit.kind.counts_members
    symbol_code = report_symbol_code(unit)
    place = _place(unit, header["place"])

    if is_draft:
        figures = selectors.report_figures(report)
        day = timezone.localdate()
        blank = f"ngày      tháng      năm {day.year}"
        dated = f"{place}, {blank}" if place else blank.capitalize()
        signer = ""
    else:
        figures = report.figures or selectors.report_figures(report)
        day = timezone.localdate(report.submitted_at)
        dated = date_line(place=place, day=day, profile=profile) if place else ""
        sender = report.submitted_by  # None (no query) when nobody is recorded
        signer = sender.get_full_name() if sender is not None else ""

    document = DocumentContext(
        profile=profile,
        superior_body=header["superior_body"],
        issuing_body=header["issuing_body"],
        # Numbered at the first submission; a draft leaves the number for the office to fill.
        number_line=(
            f"{profile.number_prefix} {report.symbol}"
            if report.symbol
            else f"{profile.number_prefix}      -{TYPE_CODE}/{symbol_code}"
        ),
        date_line=dated,
        type_code=TYPE_CODE,
        type_name=profile.type_name(TYPE_CODE),
        subject=report_subject(directive.kind.name, directive.symbol, directive.issuer_name),
        basis="",
        blocks=(),
        recipients=(f"{directive.issuer_name},", "Lưu."),
        signing_authority=(
            f"{profile.on_behalf_of_collective} {'CHI BỘ' if counts_members else 'ĐẢNG ỦY'}"
        ),
        signer_position="Bí thư",
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
        children=child_rows(figures.get("children") or []),
        not_reported=tuple(figures.get("not_reported") or ()),
        strengths=_prose(report.strengths, empty=empty),
        limits=_prose(report.limits, empty=empty),
        proposals=_prose(report.proposals, empty=empty),
    )
