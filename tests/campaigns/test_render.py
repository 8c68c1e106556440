"""The renderers print directive 32-HD/BTGĐUK as a reader expects: PDF, .docx and HTML preview."""

import dataclasses
import io
import re
import subprocess
import unicodedata
import zlib
from pathlib import Path

import pytest
from django.templatetags.static import static
from docx import Document
from docx.document import Document as DocxDocument
from docx.table import Table
from docx.text.paragraph import Paragraph
from fontTools.ttLib import TTFont

from campaigns.documents.profiles import TextStyle, get_profile
from campaigns.documents.render import render_docx, render_html, render_pdf
from tests.campaigns.reference_document import (
    DATE_LINE,
    NUMBER_LINE,
    SIGNER_NAME,
    reference_context,
    reference_recipients,
)

HEADINGS = ["I- MỤC ĐÍCH, YÊU CẦU", "II- NỘI DUNG SINH HOẠT", "III- TỔ CHỨC THỰC HIỆN"]
DRAFT_MARK = "DỰ THẢO"


def _tool(*args: str) -> str:
    """Output of a poppler command line tool."""
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def _pdf_text(path: Path, *, page: int | None = None, mode: str = "-layout") -> str:
    """The text pdftotext reads: "-layout" keeps columns side by side as printed, "-raw"
    keeps the drawing order (which holds rotated text together)."""
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return _tool("pdftotext", mode, *pages, str(path), "-")


def _words(path: Path, *, page: int) -> list[tuple[float, float, float, float, str]]:
    """(x min, y min, x max, y max, word) in points from the page's top left corner."""
    bbox = _tool("pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(path), "-")
    pattern = r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<'
    return [(*map(float, found[:4]), found[4]) for found in re.findall(pattern, bbox)]


def _mm(points: float) -> float:
    return points * 25.4 / 72


def _folded(text: str) -> str:
    """NFC text with runs of spaces folded, as justified lines and two columns leave them."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def _first_line(text: str) -> str:
    return next(line.strip() for line in text.splitlines() if line.strip())


def _docx_lines(document: DocxDocument) -> list[str]:
    """Every paragraph's text in reading order, table cells left to right, row by row."""
    lines: list[str] = []
    for child in document.element.body.iterchildren():
        if child.tag.endswith("}p"):
            lines.append(Paragraph(child, document).text)
        elif child.tag.endswith("}tbl"):
            for row in Table(child, document).rows:
                lines += [p.text for cell in row.cells for p in cell.paragraphs]
    return lines


def _embedded_font_families(pdf: bytes) -> set[str]:
    """Family names read from the font programs themselves, not from the PDF's font names."""
    families = set()
    for match in re.finditer(rb"stream\r?\n", pdf):
        try:
            data = zlib.decompressobj().decompress(pdf[match.end() :])
        except zlib.error:
            continue
        if data[:4] in {b"\x00\x01\x00\x00", b"true", b"OTTO"}:
            families.add(TTFont(io.BytesIO(data))["name"].getDebugName(1))
    return families


@pytest.fixture(scope="module")
def issued_pdf(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("render") / "issued.pdf"
    path.write_bytes(render_pdf(reference_context()))
    return path


@pytest.fixture(scope="module")
def draft_pdf(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("render") / "draft.pdf"
    path.write_bytes(render_pdf(reference_context(is_draft=True)))
    return path


@pytest.fixture(scope="module")
def issued_text(issued_pdf) -> str:
    return _pdf_text(issued_pdf)


@pytest.fixture(scope="module")
def issued_docx() -> DocxDocument:
    return Document(io.BytesIO(render_docx(reference_context())))


# The reference directive's data -----------------------------------------------------------


def test_reference_recipients_join_the_hard_wrapped_line():
    recipients = reference_recipients()
    assert recipients[1] == "Đ/c Trịnh Minh Thắng, UVBTV, Chủ nhiệm Ủy ban Kiểm tra Thành ủy,"
    assert recipients[-1] == "Lưu Ban Tuyên giáo Đảng ủy Khối."
    assert len(recipients) == 8  # nine lines in the file, one of them wrapped


# PDF ---------------------------------------------------------------------------------------


@pytest.mark.slow
def test_pdf_shows_header_lines_and_title(issued_text):
    text = _folded(issued_text)
    for expected in (
        NUMBER_LINE,
        DATE_LINE,
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "BAN TUYÊN GIÁO",
        "HƯỚNG DẪN",
        "-----",
        SIGNER_NAME,
        "TRƯỞNG BAN",
        "Nơi nhận:",
    ):
        assert expected in text, expected


@pytest.mark.slow
def test_pdf_prints_number_and_date_on_the_same_line(issued_text):
    (line,) = [line for line in issued_text.splitlines() if NUMBER_LINE in line]
    assert DATE_LINE in line


@pytest.mark.slow
def test_pdf_prints_section_headings_in_order(issued_text):
    text = _folded(issued_text)
    positions = [text.find(heading) for heading in HEADINGS]
    assert -1 not in positions
    assert positions == sorted(positions)


@pytest.mark.slow
def test_pdf_prints_every_recipient_with_its_dash(issued_text):
    text = _folded(issued_text)
    for recipient in reference_recipients():
        first_words = " ".join(recipient.split()[:4])
        assert f"- {first_words}" in text, recipient


@pytest.mark.slow
def test_pdf_keeps_vietnamese_diacritics(issued_text):
    assert unicodedata.is_normalized("NFC", issued_text)
    text = _folded(issued_text)
    assert "Nguyễn Văn Sẵn" in text
    assert "ĐẢNG ỦY KHỐI CƠ QUAN" in text
    assert "Cần Thơ, ngày 29 tháng 3 năm 2024" in text
    assert "thấm đượm tâm hồn, cốt cách và khí phách" in text


@pytest.mark.slow
def test_pdf_embeds_only_the_vendored_liberation_serif(issued_pdf):
    rows = _tool("pdffonts", str(issued_pdf)).splitlines()[2:]
    assert rows
    for row in rows:
        name, *_, embedded, _subset, _unicode, _obj, _gen = row.split()
        # The project's own family name, which only the vendored files carry.
        assert re.fullmatch(r"[A-Z]{6}\+Portal-Serif(-Bold|-Italic|-BoldItalic)?", name), row
        assert embedded == "yes", row
    assert _embedded_font_families(issued_pdf.read_bytes()) == {"Liberation Serif"}


@pytest.mark.slow
def test_pdf_text_block_sits_inside_the_profile_margins(issued_pdf):
    profile = get_profile()
    words = _words(issued_pdf, page=2)
    number, body = words[0], words[1:]
    assert _mm(min(w[0] for w in body)) == pytest.approx(profile.margin_left_mm, abs=0.3)
    right_mm = profile.paper_width_mm - profile.margin_right_mm
    assert _mm(max(w[2] for w in body)) == pytest.approx(right_mm, abs=0.3)  # justified
    assert _mm(min(w[1] for w in body)) >= profile.margin_top_mm
    assert _mm(number[3]) < profile.margin_top_mm  # the page number sits in the top margin
    centre_mm = (profile.margin_left_mm + right_mm) / 2
    assert _mm((number[0] + number[2]) / 2) == pytest.approx(centre_mm, abs=0.5)


@pytest.mark.slow
def test_pdf_is_a4(issued_pdf):
    info = _tool("pdfinfo", str(issued_pdf))
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info).groups())
    assert (round(width), round(height)) == (595, 842)


@pytest.mark.slow
def test_pdf_title_is_the_context_title(issued_pdf):
    assert re.search(r"^Title:\s+32-HD-BTGĐUK$", _tool("pdfinfo", str(issued_pdf)), re.MULTILINE)


@pytest.mark.slow
def test_page_numbers_start_on_page_two_at_the_top(issued_pdf):
    first_page = _pdf_text(issued_pdf, page=1)
    assert not re.fullmatch(r"\d+", _first_line(first_page))
    assert not any(re.fullmatch(r"\d+", line.strip()) for line in first_page.splitlines())
    assert _first_line(_pdf_text(issued_pdf, page=2)) == "2"
    assert _first_line(_pdf_text(issued_pdf, page=3)) == "3"


@pytest.mark.slow
def test_signature_page_also_carries_body_text(issued_pdf):
    pages = int(re.search(r"Pages:\s+(\d+)", _tool("pdfinfo", str(issued_pdf)))[1])
    last = _pdf_text(issued_pdf, page=pages)
    body_lines = last.split("Nơi nhận:")[0].splitlines()[1:]  # after the page number
    assert any(line.strip() for line in body_lines)


@pytest.mark.slow
def test_draft_pdf_shows_the_draft_mark_on_every_page(draft_pdf):
    pages = int(re.search(r"Pages:\s+(\d+)", _tool("pdfinfo", str(draft_pdf)))[1])
    for page in range(1, pages + 1):
        # The watermark is set diagonally: read it in drawing order, not as laid out.
        assert DRAFT_MARK in _folded(_pdf_text(draft_pdf, page=page, mode="-raw")), page


@pytest.mark.slow
def test_issued_pdf_has_no_draft_mark(issued_text):
    assert DRAFT_MARK not in _folded(issued_text)


# .docx -------------------------------------------------------------------------------------


def test_docx_holds_the_header_lines_headings_recipients_and_signer(issued_docx):
    lines = _docx_lines(issued_docx)
    assert NUMBER_LINE in lines
    assert DATE_LINE in lines
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in lines
    assert "HƯỚNG DẪN" in lines
    positions = [lines.index(heading) for heading in HEADINGS]
    assert positions == sorted(positions)
    recipients = [f"- {line}" for line in reference_recipients()]
    start = lines.index("Nơi nhận:") + 1
    assert lines[start : start + len(recipients)] == recipients
    assert SIGNER_NAME in lines
    assert lines.index("TRƯỞNG BAN") < lines.index(SIGNER_NAME)


def test_docx_is_a4_with_the_profile_margins(issued_docx):
    profile = get_profile()
    section = issued_docx.sections[0]
    measured = [
        section.page_width.mm,
        section.page_height.mm,
        section.top_margin.mm,
        section.bottom_margin.mm,
        section.left_margin.mm,
        section.right_margin.mm,
    ]
    expected = [
        profile.paper_width_mm,
        profile.paper_height_mm,
        profile.margin_top_mm,
        profile.margin_bottom_mm,
        profile.margin_left_mm,
        profile.margin_right_mm,
    ]
    assert measured == pytest.approx(expected, abs=0.1)


def test_docx_numbers_pages_from_two_in_the_header(issued_docx):
    section = issued_docx.sections[0]
    assert section.different_first_page_header_footer
    assert not "".join(p.text for p in section.first_page_header.paragraphs).strip()
    header_xml = section.header.paragraphs[0]._p.xml
    assert "PAGE" in header_xml
    assert "fldChar" in header_xml


def test_docx_sets_times_new_roman_for_every_script(issued_docx):
    fonts = issued_docx.styles["Normal"].element.rPr.rFonts
    for script in ("ascii", "hAnsi", "eastAsia", "cs"):
        assert fonts.get(f"{{{fonts.nsmap['w']}}}{script}") == "Times New Roman"


def test_draft_docx_shows_the_draft_mark_and_issued_does_not(issued_docx):
    draft = Document(io.BytesIO(render_docx(reference_context(is_draft=True))))
    draft_header = [p.text for p in draft.sections[0].first_page_header.paragraphs]
    assert DRAFT_MARK in draft_header
    issued_header = [p.text for p in issued_docx.sections[0].first_page_header.paragraphs]
    assert DRAFT_MARK not in issued_header + _docx_lines(issued_docx)


def test_docx_upper_cases_the_signing_authority():
    ctx = dataclasses.replace(reference_context(), signing_authority="T/M Ban Thường vụ")
    lines = _docx_lines(Document(io.BytesIO(render_docx(ctx))))
    assert lines.index("T/M BAN THƯỜNG VỤ") < lines.index("TRƯỞNG BAN")


# The profile drives the layout -------------------------------------------------------------


@pytest.fixture(scope="module")
def changed_profile():
    return dataclasses.replace(
        get_profile(),
        name="test-bigger",
        body=TextStyle(15, align="justify"),
        margin_top_mm=25,
        margin_left_mm=35,
        first_line_indent_mm=12.5,
        signature_blank_lines=2,
    )


def test_profile_values_reach_the_html_stylesheet(changed_profile):
    default = render_html(reference_context())
    changed = render_html(reference_context(profile=changed_profile))
    assert "margin: 20mm 15mm 20mm 30mm" in default
    assert "margin: 25mm 15mm 20mm 35mm" in changed
    body_rule = r"\.doc-p \{[^}]*font-size: (\d+)pt[^}]*text-indent: ([\d.]+)mm"
    assert re.search(body_rule, default).groups() == ("14", "10")
    assert re.search(body_rule, changed).groups() == ("15", "12.5")


def test_profile_values_reach_the_docx(changed_profile):
    document = Document(io.BytesIO(render_docx(reference_context(profile=changed_profile))))
    section = document.sections[0]
    assert section.top_margin.mm == pytest.approx(25, abs=0.1)
    assert section.left_margin.mm == pytest.approx(35, abs=0.1)
    basis = next(p for p in document.paragraphs if p.text.startswith("Thực hiện Hướng dẫn"))
    assert basis.paragraph_format.first_line_indent.mm == pytest.approx(12.5, abs=0.1)
    assert basis.runs[0].font.size.pt == 15
    signature = document.tables[-1].rows[0].cells[1]
    assert [p.text for p in signature.paragraphs] == ["TRƯỞNG BAN", "", "", SIGNER_NAME]


@pytest.mark.slow
def test_profile_values_reach_the_pdf(changed_profile, issued_pdf, tmp_path):
    path = tmp_path / "bigger.pdf"
    path.write_bytes(render_pdf(reference_context(profile=changed_profile)))
    for pdf, left_mm, size_pt in ((issued_pdf, 30, 14), (path, 35, 15)):
        words = _words(pdf, page=2)[1:]  # after the page number
        # Body lines start at the left margin; a word's box is about 1.1 em tall.
        assert _mm(min(word[0] for word in words)) == pytest.approx(left_mm, abs=0.3)
        heights = sorted(word[3] - word[1] for word in words)
        assert heights[len(heights) // 2] / size_pt == pytest.approx(1.107, abs=0.01)


# HTML --------------------------------------------------------------------------------------


def test_preview_fragment_only_styles_doc_classes():
    html = render_html(reference_context(is_draft=True), standalone=False)
    assert html.count('<div class="doc-page"') == 1
    assert "<html" not in html
    assert "<body" not in html
    (css,) = re.findall(r"<style>(.*?)</style>", html, re.DOTALL)
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
    # Drop at-rules that hold declarations, not selectors (nested braces one level deep).
    css = re.sub(r"@(font-face|page)[^{]*\{(?:[^{}]|\{[^{}]*\})*\}", "", css)
    selectors = [s.strip() for group in re.findall(r"([^{}]+)\{", css) for s in group.split(",")]
    assert selectors
    assert [s for s in selectors if not s.startswith(".doc-")] == []


def test_preview_fragment_loads_the_fonts_from_static():
    html = render_html(reference_context(), standalone=False)
    assert f'href="{static("fonts/portal-fonts.css")}"' in html
    assert "@page" not in html


def test_standalone_html_is_a_document_with_page_rules():
    html = render_html(reference_context())
    assert html.startswith("<!DOCTYPE html>")
    assert "@page" in html
    assert "<title>32-HD-BTGĐUK</title>" in html


def test_html_escapes_the_authors_text():
    ctx = dataclasses.replace(reference_context(), subject="Về <script>alert(1)</script>")
    html = render_html(ctx, standalone=False)
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_cong_van_puts_its_subject_under_the_number_and_prints_no_type_name():
    ctx = dataclasses.replace(
        reference_context(),
        type_code="CV",
        type_name="",
        subject="V/v triển khai đợt sinh hoạt chính trị",
    )
    html = render_html(ctx, standalone=False)
    header = html.split('class="doc-header"')[1].split("</table>")[0]
    assert 'class="doc-cv-subject">V/v triển khai đợt sinh hoạt chính trị' in header
    assert 'class="doc-type-name"' not in html
    lines = _docx_lines(Document(io.BytesIO(render_docx(ctx))))
    assert lines.index("V/v triển khai đợt sinh hoạt chính trị") < lines.index(DATE_LINE)
    assert "HƯỚNG DẪN" not in lines
