"""A progress report printed as an official BÁO CÁO: its printed context, HTML and PDF."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from campaigns.documents.body import Block, BlockKind, parse_body
from campaigns.documents.context import DocumentContext
from campaigns.documents.formatting import date_line
from campaigns.documents.profiles import FormatProfile, get_profile
from campaigns.documents.render import document_css
from campaigns.selectors import issuer_defaults
from reports import selectors
from reports.models import ProgressReport, PropagandaItem, StudySession
from units.models import Unit

__all__ = ["ReportContext", "render_report_html", "render_report_pdf", "report_document_html"]

TEMPLATE = "documents/report_page.html"
TYPE_CODE = "BC"
# The issuer code when a unit has none of its own (FORMAT.md: ĐU a grassroots committee, CB a cell).
CELL_CODE, COMMITTEE_CODE = "CB", "ĐU"
NO_TEXT_DRAFT = "…"
NO_TEXT = "Không có."
SECTIONS = (
    "Công tác lãnh đạo, chỉ đạo, tổ chức thực hiện",
    "Kết quả",
    "Đánh giá",
    "Kiến nghị, đề xuất",
)
_ROMAN = ("I", "II", "III", "IV")


# ---------------------------------------------------------------------------- the context


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


def figure_rows(figures: dict) -> tuple[FigureRow, ...]:
    """The results table from a figures dict (selectors.report_figures, or its frozen copy)."""
    f = figures

    def get(name: str) -> int:
        return f.get(name) or 0

    rows: list[FigureRow] = []

    def add(label: str, value: str, rate: str = "") -> None:
        number = str(sum(1 for row in rows if row.number) + 1)
        rows.append(FigureRow(number=number, label=label, value=value, rate=rate))

    add(
        "Đơn vị đã tổ chức sinh hoạt / đơn vị phải thực hiện",
        _part(get("organised_units"), get("expected_units")),
        _rate(f.get("organised_rate")),
    )
    add(
        "Đảng viên tham gia / tổng số đảng viên",
        _part(get("participants"), get("members")),
        _rate(f.get("participation_rate")),
    )
    add("Số buổi sinh hoạt", str(get("sessions")))
    rows += _breakdown(f.get("sessions_by_form") or {}, dict(StudySession.Form.choices))
    add("Bài thu hoạch", str(get("reflections")))
    add("Tin, bài tuyên truyền", str(get("propaganda")))
    rows += _breakdown(f.get("propaganda_by_kind") or {}, dict(PropagandaItem.Kind.choices))
    if get("plans_expected"):
        add(
            "Văn bản thực hiện đã ban hành / phải ban hành",
            _part(get("plans_issued"), get("plans_expected")),
            _rate(f.get("plans_rate")),
        )
    if get("reports_expected"):
        add("Báo cáo của đơn vị trực thuộc phải gửi", str(get("reports_expected")))
        rows += [
            FigureRow(number="", label=f"- {label}", value=str(get(name)))
            for name, label in (
                ("reports_on_time", "Đúng hạn"),
                ("reports_late", "Trễ hạn"),
                ("reports_missing", "Quá hạn chưa gửi"),
                ("reports_pending", "Chưa đến hạn"),
            )
        ]
    return tuple(rows)


def child_rows(children: list[dict]) -> tuple[ChildRow, ...]:
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


def report_context(report: ProgressReport) -> ReportContext:
    """Everything printed on the report. A submitted report prints the figures frozen when it
    was sent, dated that day; a draft (or a returned one being corrected) prints today's,
    undated, with the DỰ THẢO mark."""
    profile = get_profile()
    unit, directive = report.unit, report.obligation.directive
    is_draft = report.is_editable or report.submitted_at is None
    header = issuer_defaults(unit)
    counts_members = unit.kind.counts_members
    symbol_code = unit.symbol_code or (CELL_CODE if counts_members else COMMITTEE_CODE)
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
        signer = report.submitted_by.get_full_name() if report.submitted_by_id else ""

    document = DocumentContext(
        profile=profile,
        superior_body=header["superior_body"],
        issuing_body=header["issuing_body"],
        # Reports are not numbered by the portal yet: the number is left for the office to fill.
        number_line=f"{profile.number_prefix}      -{TYPE_CODE}/{symbol_code}",
        date_line=dated,
        type_code=TYPE_CODE,
        type_name=profile.type_name(TYPE_CODE),
        subject=(
            f"Kết quả thực hiện {directive.kind.name} số {directive.symbol} "
            f"của {directive.issuer_name}"
        ),
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


# ---------------------------------------------------------------------------- rendering


def _num(value: float) -> str:
    return f"{value:g}"


def _table_size_pt(profile: FormatProfile) -> float:
    """Tables one point below the body (13 pt for a 14 pt body), as reports set them: the
    profile has no table style of its own yet."""
    return profile.body.size_pt - 1


def report_css(profile: FormatProfile, *, standalone: bool) -> SafeString:
    """The directive's stylesheet plus the report's tables, every figure from the profile."""
    gap = f"{_num(profile.space_before_paragraph_pt)}pt"
    size = f"{_num(_table_size_pt(profile))}pt"
    rules = [
        (
            ".doc-table",
            f"width: 100%; border-collapse: collapse; margin-top: {gap}; font-size: {size}; "
            f"line-height: {_num(profile.line_height)}; table-layout: fixed",
        ),
        (
            ".doc-table th, .doc-table td",
            "border: 0.75pt solid #000; padding: 0.8mm 1.5mm; vertical-align: middle; "
            "text-align: center; text-indent: 0; font-weight: normal",
        ),
        (".doc-table th", "font-weight: bold"),
        (".doc-table tr", "break-inside: avoid"),
        (".doc-table .doc-label", "text-align: left"),
        (".doc-table .doc-detail .doc-label", "padding-left: 6mm; font-style: italic"),
        (".doc-subheading", "font-weight: bold; break-after: avoid"),
        # A draft's date keeps its blanks ("ngày      tháng      năm 2026") for the pen.
        (".doc-date", "white-space: pre-wrap"),
    ]
    extra = "\n".join(f"{selector} {{ {body} }}" for selector, body in rules)
    return mark_safe(f"{document_css(profile, standalone)}\n{extra}")  # noqa: S308 - profile numbers and fixed names, no user text


def _font_stylesheet_file(profile: FormatProfile) -> str:
    """The vendored font stylesheet as a file URL: its @font-face sources resolve next to it,
    so WeasyPrint never falls back to a system font."""
    found = finders.find(profile.font_stylesheet)
    if not isinstance(found, str):
        raise ImproperlyConfigured(f"font stylesheet {profile.font_stylesheet!r} not found")
    return Path(found).as_uri()


def render_report_html(ctx: ReportContext, *, standalone: bool = True) -> str:
    """The report as HTML: a print document for WeasyPrint, or a preview fragment whose fonts
    the browser loads from the static URL."""
    profile = ctx.profile
    html = render_to_string(
        TEMPLATE,
        {
            "report": ctx,
            "ctx": ctx.document,
            "profile": profile,
            "standalone": standalone,
            "font_stylesheet_url": (
                _font_stylesheet_file(profile) if standalone else static(profile.font_stylesheet)
            ),
            "css": report_css(profile, standalone=standalone),
            "pdf_title": f"{profile.type_name(TYPE_CODE)} – {ctx.document.issuing_body}",
        },
    )
    return html.strip()


def report_document_html(report: ProgressReport, *, standalone: bool = True) -> str:
    return render_report_html(report_context(report), standalone=standalone)


def render_report_pdf(report: ProgressReport) -> bytes:
    """The report as PDF, set only in the vendored fonts."""
    # WeasyPrint costs about a second to import: only processes that print pay for it.
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    ctx = report_context(report)
    html = HTML(
        string=render_report_html(ctx, standalone=True),
        base_url=_font_stylesheet_file(ctx.profile),
    )
    return html.write_pdf(font_config=FontConfiguration())
