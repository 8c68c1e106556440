"""Where the header and the closing block sit on the printed page, measured in real PDFs: each
line centred where the format profile puts its column, within 0.5 mm, for a committee, a
grassroots committee and a cell issuing a directive, an implementing plan and a report.

Words are read with `pdftotext -bbox-layout`; the rule under the party header, a drawing, is
found in the page's pixels (`pdftoppm`). Each PDF is rendered once, by the one test that
measures it.
"""

from __future__ import annotations

import datetime
import html
import itertools
import re
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pytest

from campaigns import services
from campaigns.documents.context import DocumentContext
from campaigns.documents.profiles import FormatProfile
from campaigns.documents.render import render_pdf
from campaigns.models import Directive, Milestone, Obligation
from campaigns.selectors.documents import directive_document
from reports import services as report_services
from reports.documents import render_report_pdf, report_document
from reports.models import ProgressReport
from tests.campaigns.reference_document import reference_subject
from tests.plugins.directives import BODY, directive_kind
from tests.reports.test_figures import HCM, log

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

TOLERANCE_MM = 0.5
PT_PER_MM = 72 / 25.4
SIGNER = "Lê Văn Sáu"
# Taller than any line of text: the letters of a draft's diagonal watermark.
WATERMARK_MM = 10
# The real directive's long trích yếu, without its author's line breaks: the renderer balances it.
LONG_SUBJECT = " ".join(reference_subject().split())


# ---------------------------------------------------------------------------- measuring


@dataclass(frozen=True)
class Word:
    """A word as pdftotext places it, in mm from the page's top left corner."""

    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


@dataclass(frozen=True)
class Line:
    """Words of one column on one baseline."""

    words: tuple[Word, ...]

    @property
    def x0(self) -> float:
        return min(w.x0 for w in self.words)

    @property
    def x1(self) -> float:
        return max(w.x1 for w in self.words)

    @property
    def y0(self) -> float:
        return min(w.y0 for w in self.words)

    @property
    def y1(self) -> float:
        return max(w.y1 for w in self.words)

    @property
    def centre(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


def pdf_words(path: Path) -> list[Word]:
    """Every word of the PDF but a draft watermark's letters."""
    layout = subprocess.run(
        ["pdftotext", "-bbox-layout", str(path), "-"],  # noqa: S607 - poppler-utils on PATH
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<'
    words = []
    for page, text in enumerate(layout.split("<page ")[1:], start=1):
        for found in re.finditer(pattern, text):
            x0, y0, x1, y1 = (float(value) / PT_PER_MM for value in found.groups()[:4])
            if y1 - y0 < WATERMARK_MM:
                words.append(Word(page, x0, y0, x1, y1, html.unescape(found[5])))
    return words


def lines(words: Iterable[Word]) -> list[Line]:
    """Words grouped by baseline (within 1 mm), top to bottom, each line left to right."""
    rows: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (w.y1, w.x0)):
        if rows and abs(rows[-1][0].y1 - word.y1) < 1:
            rows[-1].append(word)
        else:
            rows.append([word])
    return [Line(tuple(sorted(row, key=lambda w: w.x0))) for row in rows]


@dataclass(frozen=True)
class Columns:
    """The profile's text block and where its two columns' centres are."""

    left_edge: float
    middle: float
    left_centre: float
    right_centre: float

    @classmethod
    def of(cls, profile: FormatProfile) -> Columns:
        width = profile.paper_width_mm - profile.margin_left_mm - profile.margin_right_mm
        left = profile.margin_left_mm
        return cls(left, left + width / 2, left + width / 4, left + 3 * width / 4)

    def split(self, words: Iterable[Word]) -> tuple[list[Line], list[Line]]:
        left, right = [], []
        for word in words:
            (left if (word.x0 + word.x1) / 2 < self.middle else right).append(word)
        return lines(left), lines(right)


def rule_under(path: Path, line: Line, columns: Columns) -> tuple[float, float]:
    """Left and right ends (mm) of the longest dark horizontal run in the 3 mm under `line`,
    across the right column of page 1: the party header's rule as printed."""
    dpi = 300
    px_per_mm = dpi / 25.4
    x, y = round(columns.middle * px_per_mm), round(line.y1 * px_per_mm)
    width, height = round((columns.middle - columns.left_edge) * px_per_mm), round(3 * px_per_mm)
    pgm = subprocess.run(
        [
            *("pdftoppm", "-f", "1", "-l", "1", "-r", str(dpi), "-gray"),
            *("-x", str(x), "-y", str(y), "-W", str(width), "-H", str(height), str(path)),
        ],
        check=True,
        capture_output=True,
    ).stdout
    header = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", pgm)
    assert header, "pdftoppm wrote no greymap"
    columns_px, rows_px = int(header[1]), int(header[2])
    pixels = pgm[header.end() :]
    best = (0, 0)
    for row in range(rows_px):
        run_start = None
        for col in range(columns_px + 1):
            dark = col < columns_px and pixels[row * columns_px + col] < 128
            if dark and run_start is None:
                run_start = col
            elif not dark and run_start is not None:
                if col - run_start > best[1] - best[0]:
                    best = (run_start, col)
                run_start = None
    assert best[1] > best[0], "no rule under the party header"
    return (x + best[0]) / px_per_mm, (x + best[1]) / px_per_mm


def near(value: float, expected: float) -> bool:
    return abs(value - expected) <= TOLERANCE_MM


# ---------------------------------------------------------------------------- the documents


def draft_of(campaign, issuer, code: str, **fields) -> Directive:
    """A guidance (HD) of `issuer`, its header lines left to the tree, with a report due."""
    directive = services.directive_create(
        actor=None,
        campaign=campaign,
        kind=directive_kind("HD"),
        issuer=issuer,
        symbol_code=code,
        subject=LONG_SUBJECT,
        body=BODY,
        signer_position="Bí thư",
        signer_name=SIGNER,
        **fields,
    )
    services.milestones_replace(
        actor=None,
        directive=directive,
        milestones=[
            services.MilestoneData(
                kind=Milestone.Kind.REPORT_DUE,
                title="Báo cáo kết quả",
                due_date=datetime.date(2024, 10, 10),
            )
        ],
    )
    return directive


def issued_to(campaign, issuer, code: str, units) -> Directive:
    directive = draft_of(campaign, issuer, code, issue_date=datetime.date(2024, 3, 29))
    services.recipients_add(actor=None, directive=directive, units=units)
    return services.directive_issue(actor=None, directive=directive)


def plan_of(parent: Directive, unit) -> Directive:
    """`unit`'s implementing plan (KH) of a directive it received, issued."""
    plan = services.directive_implement(actor=None, recipient=parent.recipients.get(unit=unit))
    services.directive_update(
        actor=None,
        directive=plan,
        body=BODY,
        issue_date=datetime.date(2024, 4, 2),
        signer_position="Bí thư",
        signer_name=SIGNER,
    )
    return services.directive_issue(actor=None, directive=plan)


def report_of(parent: Directive, unit, signer) -> ProgressReport:
    """`unit`'s report on a directive, sent on 9/10/2024 by `signer`."""
    obligation = Obligation.objects.get(
        directive=parent, recipient__unit=unit, kind=Obligation.Kind.REPORT
    )
    report = report_services.report_start(actor=None, obligation=obligation)
    report_services.report_update(actor=None, report=report, assessment="Đã triển khai.")
    report = report_services.report_submit(actor=None, report=report)
    moment = datetime.datetime(2024, 10, 9, 23, 30, tzinfo=HCM)
    ProgressReport.objects.filter(pk=report.pk).update(
        first_submitted_at=moment, submitted_at=moment, submitted_by=signer
    )
    report.refresh_from_db()
    return report


def signer_user(users):
    users.leader.full_name = SIGNER
    users.leader.save(update_fields=["full_name"])
    return users.leader


@dataclass(frozen=True)
class Printed:
    """A document as printed: its context and its PDF."""

    document: DocumentContext
    pdf: bytes


def as_issued(directive: Directive) -> Printed:
    """An issued directive's PDF of record, printed when it was issued: no second rendering."""
    with directive.issued_pdf.open("rb") as stored:
        return Printed(directive_document(directive), stored.read())


def as_drafted(directive: Directive) -> Printed:
    document = directive_document(directive)
    return Printed(document, render_pdf(document))


def as_reported(report: ProgressReport) -> Printed:
    context = report_document(report)
    return Printed(context.document, render_report_pdf(context))


def check_layout(name: str, printed: Printed, folder: Path) -> None:
    """Header, title and closing block where the profile puts them, within 0.5 mm."""
    document, profile = printed.document, printed.document.profile
    path = folder / f"{name}.pdf"
    path.write_bytes(printed.pdf)
    words = pdf_words(path)
    columns = Columns.of(profile)
    # Page 1 inside the margins (a draft's mark sits in the top margin).
    first = [w for w in words if w.page == 1 and w.y0 >= profile.margin_top_mm - 1]

    # The header: from the top down to the row of the number and the date.
    left, right = columns.split(first)
    number = next(line for line in left if line.text.startswith(profile.number_prefix))
    header_left = [line for line in left if line.y1 <= number.y1 + 0.5]
    header_right = [line for line in right if line.y1 <= number.y1 + 0.5]
    party, date = header_right[0], header_right[-1]
    assert party.text == profile.party_header, name
    assert near(date.y1, number.y1), f"{name}: the date is level with the number"
    assert "ngày" in date.text, name
    issuing = " ".join(document.issuing_body.upper().split())
    assert issuing in " ".join(line.text for line in header_left), name
    assert profile.star in [line.text for line in header_left], name
    for line in header_left:  # superior body, issuing body, star, number
        assert near(line.centre, columns.left_centre), (name, line.text, line.centre)
    for line in header_right:  # party header, date
        assert near(line.centre, columns.right_centre), (name, line.text, line.centre)

    # The rule under the party header: as long as its text, so centred with it.
    start, end = rule_under(path, party, columns)
    assert near(start, party.x0), (name, "rule starts", start, party.x0)
    assert near(end, party.x1), (name, "rule ends", end, party.x1)

    # The subject prints on the lines its context balanced, not re-wrapped by the renderer.
    below = lines(w for w in first if w.y0 > number.y1 + 0.5)
    title = [line.text for line in below].index(document.type_name.upper())
    subject = document.subject.splitlines()
    printed_subject = [line.text for line in below[title + 1 : title + 1 + len(subject)]]
    assert printed_subject == subject, name
    assert below[title + 1 + len(subject)].text == profile.title_separator, name

    # The closing block, on the last page: "Nơi nhận:" at the text block's left edge, the
    # signature lines centred on the right column.
    last = [w for w in words if w.page == max(word.page for word in words)]
    closing_left, closing_right = columns.split(last)
    heading = next(line for line in closing_left if line.text == profile.recipients_heading)
    assert near(heading.x0, profile.margin_left_mm), (name, heading.x0)
    signature = [line for line in closing_right if line.y0 >= heading.y0 - TOLERANCE_MM]
    texts = [line.text for line in signature]
    # A draft report is not signed yet: no name under the position.
    expected = [document.signer_position.upper(), document.signer_name][
        : 2 if document.signer_name else 1
    ]
    assert texts[-len(expected) :] == expected, (name, texts)
    for line in signature:  # authority, position, name
        assert near(line.centre, columns.right_centre), (name, line.text, line.centre)

    if document.is_draft:  # the blanks left for the pen: in the date, and for the number
        step = profile.date_style.size_pt / 4 / PT_PER_MM  # a space, a quarter em
        gaps = _gaps(date.words, ("ngày", "tháng"))
        unnumbered = number.words[1].text.startswith("-")  # a returned report keeps its number
        gaps += _gaps(number.words, (profile.number_prefix,)) if unnumbered else []
        assert len(gaps) == 2 + unnumbered, (name, gaps)
        for gap in gaps:
            assert abs(gap - profile.draft_blank_mm) <= step / 2, (name, gaps)


def _gaps(words: tuple[Word, ...], after: tuple[str, ...]) -> list[float]:
    """The space between each of these words and the next one."""
    return [b.x0 - a.x1 for a, b in itertools.pairwise(words) if a.text in after]


# ---------------------------------------------------------------------------- the tests
# Three worlds, so that the directives issued on the way are measured too, from the PDF their
# issue stored: eleven PDFs in all for eleven documents.


def test_directives_of_a_committee_a_grassroots_committee_and_a_cell(campaign, tree, tmp_path):
    committee = issued_to(campaign, tree.bloc, "ĐUK", [tree.grassroots_a, tree.grassroots_b])
    grassroots = issued_to(campaign, tree.grassroots_a, "ĐU", [tree.cell_a1, tree.cell_a2])
    # Still a draft: its number and date keep their blanks, measured too.
    cell = draft_of(campaign, tree.grassroots_b, "CB")

    check_layout("directive-committee", as_issued(committee), tmp_path)
    check_layout("directive-grassroots", as_issued(grassroots), tmp_path)
    check_layout("directive-cell", as_drafted(cell), tmp_path)


def test_plans_and_reports_of_a_grassroots_committee_and_cells(
    cascade, campaign, tree, users, tmp_path
):
    """Down the cascade: the bloc's department's guidance, the grassroots committee's plan and
    a grassroots cell's, then the committee's report (with figures of its own and of its
    cells) and a cell's."""
    tree.grassroots_b.symbol_code = "CB"
    tree.grassroots_b.save(update_fields=["symbol_code"])
    cell_plan = plan_of(cascade.guidance, tree.grassroots_b)
    log(campaign, tree.cell_a1, datetime.date(2024, 5, 10), 18, reflections=15)
    log(campaign, tree.grassroots_a, datetime.date(2024, 4, 20), 30, form="conference")
    signer = signer_user(users)

    check_layout("directive-department", as_issued(cascade.guidance), tmp_path)
    check_layout("plan-grassroots", as_issued(cascade.plan), tmp_path)
    check_layout("plan-cell", as_issued(cell_plan), tmp_path)
    report = report_of(cascade.guidance, tree.grassroots_a, signer)
    check_layout("report-grassroots", as_reported(report), tmp_path)
    check_layout(
        "report-cell", as_reported(report_of(cascade.plan, tree.cell_a1, signer)), tmp_path
    )


def test_a_committees_plan_and_report(campaign, tree, users, tmp_path):
    """The bloc's committee answers the city's department: a plan, then a report."""
    parent = issued_to(campaign, tree.city_btg, "BTGTU", [tree.bloc])
    plan = plan_of(parent, tree.bloc)

    check_layout("directive-city-department", as_issued(parent), tmp_path)
    check_layout("plan-committee", as_issued(plan), tmp_path)
    check_layout(
        "report-committee", as_reported(report_of(parent, tree.bloc, signer_user(users))), tmp_path
    )
