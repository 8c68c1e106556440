"""The directive as an editable Word file (python-docx), laid out like its PDF."""

from __future__ import annotations

import io
from collections.abc import Iterable

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.section import Section
from docx.shared import Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from docx.types import ProvidesStoryPart

from campaigns.documents.body import Block, BlockKind
from campaigns.documents.context import DocumentContext
from campaigns.documents.formatting import column_width_mm
from campaigns.documents.profiles import Align, FormatProfile, TextStyle
from campaigns.documents.render.fonts import text_width_pt
from campaigns.documents.render.layout import CELL_PADDING_MM

__all__ = ["DOCX_FONT", "render_docx"]

# Word users have Times New Roman; the profile's "Portal Serif" is the vendored web face with
# the same metrics, which Word would not find.
DOCX_FONT = "Times New Roman"
_PT_PER_MM = 72 / 25.4

_ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
}


def render_docx(ctx: DocumentContext) -> bytes:
    """The directive as an editable Word file laid out like the PDF."""
    p = ctx.profile
    document = Document()
    document.core_properties.title = ctx.title or ctx.number_line
    _set_default_font(document, p)

    section = document.sections[0]
    _set_page(section, p)
    _set_page_numbers(section, p)
    if ctx.is_draft:
        _add_draft_mark(section, p)

    # The default template opens with an empty paragraph: reuse it or drop it.
    for stray in document.paragraphs:
        stray._element.getparent().remove(stray._element)

    _add_header(document, ctx)
    if ctx.has_title:
        type_name = _paragraph(document, p.type_name_style, space_before_pt=_line_pt(p))
        _add_run(type_name, ctx.type_name, p.type_name_style)
        type_name.paragraph_format.keep_with_next = True
        subject = _paragraph(document, p.subject_style)
        _add_lines(subject, ctx.subject.splitlines() or [""], p.subject_style)
        subject.paragraph_format.keep_with_next = True
        separator = _paragraph(document, p.body, align="center")
        _add_run(separator, p.title_separator, p.body)
        separator.paragraph_format.keep_with_next = True
    if ctx.basis:
        _add_body_paragraph(document, p, [(ctx.basis, False)])
    for block in ctx.blocks:
        _add_block(document, p, block)
    if document.paragraphs:
        # The closing block never starts a page on its own (the PDF's break-before: avoid).
        document.paragraphs[-1].paragraph_format.keep_with_next = True
    _add_closing(document, ctx)
    _set_exact_line_spacing(document, p)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _line_pt(profile: FormatProfile) -> float:
    return profile.line_spacing_pt


def _set_exact_line_spacing(document: DocxDocument, profile: FormatProfile) -> None:
    """Every paragraph's lines exactly as far apart as in the PDF: its text size times the
    profile's ratio (18.2 pt for 14 pt body text, 15.6 pt for 12 pt recipients).

    Word's "multiple" spacing would scale the font's own line height instead (1.15 em for Times
    New Roman), so the same text took a page more in Word than as PDF.
    """
    stories: list[tuple[BaseOxmlElement, ProvidesStoryPart]] = [(document.element.body, document)]
    stories += [
        (header._element, header)
        for section in document.sections
        for header in (section.header, section.first_page_header)
        if not header.is_linked_to_previous
    ]
    for element, story in stories:
        for p_element in element.iter(qn("w:p")):
            paragraph = Paragraph(p_element, story)
            sizes = [run.font.size.pt for run in paragraph.runs if run.font.size is not None]
            size = max(sizes, default=profile.body.size_pt)
            paragraph.paragraph_format.line_spacing = Pt(size * profile.line_height)
            paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY


def _set_default_font(document: DocxDocument, profile: FormatProfile) -> None:
    """Times New Roman for every script, so Vietnamese never falls to a theme font."""
    normal = document.styles["Normal"]
    normal.font.name = DOCX_FONT
    normal.font.size = Pt(profile.body.size_pt)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = Pt(profile.line_spacing_pt)
    normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    # Two lines at least either side of a page break, as the PDF's orphans and widows.
    normal.paragraph_format.widow_control = True
    defaults = document.styles.element.find(qn("w:docDefaults"))
    fonts = [normal.element.get_or_add_rPr().get_or_add_rFonts()]
    if defaults is not None:
        fonts += defaults.iter(qn("w:rFonts"))
    for r_fonts in fonts:
        for attribute in ("ascii", "hAnsi", "eastAsia", "cs"):
            r_fonts.set(qn(f"w:{attribute}"), DOCX_FONT)
            # A theme font attribute would win over the name.
            r_fonts.attrib.pop(qn(f"w:{attribute}Theme"), None)


def _set_page(section: Section, profile: FormatProfile) -> None:
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width = Mm(profile.paper_width_mm)
    section.page_height = Mm(profile.paper_height_mm)
    section.top_margin = Mm(profile.margin_top_mm)
    section.bottom_margin = Mm(profile.margin_bottom_mm)
    section.left_margin = Mm(profile.margin_left_mm)
    section.right_margin = Mm(profile.margin_right_mm)
    # Centre a line of page-number text vertically in the top margin.
    number_height_mm = profile.page_number.size_pt * profile.line_height / _PT_PER_MM
    section.header_distance = Mm(max((profile.margin_top_mm - number_height_mm) / 2, 0))
    section.footer_distance = Mm(profile.margin_bottom_mm / 2)


def _set_page_numbers(section: Section, profile: FormatProfile) -> None:
    """A centred PAGE field in the header; page 1 gets its own, empty, header.

    Word can only tell the first page apart, so any ``page_number_from`` above 1 starts at 2.
    """
    section.different_first_page_header_footer = profile.page_number_from > 1
    section.first_page_header.is_linked_to_previous = False
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = _ALIGN[profile.page_number.align]
    for kind, text in (("begin", ""), ("instr", " PAGE "), ("separate", ""), ("text", "2")):
        run = paragraph.add_run()
        _format_run(run, profile.page_number)
        if kind == "instr":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        elif kind == "text":
            run.text = text
        else:
            run._r.append(_fld_char(kind))
    end = paragraph.add_run()
    end._r.append(_fld_char("end"))


def _fld_char(kind: str) -> BaseOxmlElement:
    element = OxmlElement("w:fldChar")
    element.set(qn("w:fldCharType"), kind)
    return element


def _add_draft_mark(section: Section, profile: FormatProfile) -> None:
    """A bold boxed label at the top right of page 1, in the margin the page number leaves."""
    header = section.first_page_header if profile.page_number_from > 1 else section.header
    paragraph = header.add_paragraph() if header.paragraphs[0].text else header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = paragraph.add_run(profile.draft_mark)
    _format_run(run, TextStyle(profile.body.size_pt, bold=True))
    border = OxmlElement("w:bdr")
    for key, value in (("val", "single"), ("sz", "12"), ("space", "2"), ("color", "000000")):
        border.set(qn(f"w:{key}"), value)
    run._r.get_or_add_rPr().insert_element_before(
        border, "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang"
    )


def _format_run(run: Run, style: TextStyle) -> None:
    run.font.size = Pt(style.size_pt)
    run.font.bold = style.bold
    run.font.italic = style.italic
    run.font.underline = style.underline


def _add_run(paragraph: Paragraph, text: str, style: TextStyle, *, bold: bool | None = None) -> Run:
    run = paragraph.add_run(text.upper() if style.uppercase else text)
    _format_run(run, style)
    if bold is not None:
        run.font.bold = bold
    # A draft's blanks for the pen ("ngày      tháng"): Word keeps every space it is told to.
    for t in run._r.findall(qn("w:t")):
        t.set(qn("xml:space"), "preserve")
    return run


def _add_lines(paragraph: Paragraph, lines: Iterable[str], style: TextStyle) -> None:
    """Lines the author broke by hand, as line breaks inside one paragraph."""
    for index, line in enumerate(lines):
        run = _add_run(paragraph, line, style)
        if index:
            run._r.addprevious(_break())


def _break() -> BaseOxmlElement:
    run = OxmlElement("w:r")
    run.append(OxmlElement("w:br"))
    return run


def _paragraph(
    container: DocxDocument | _Cell,
    style: TextStyle,
    *,
    align: Align | None = None,
    space_before_pt: float = 0,
    first: bool = False,
) -> Paragraph:
    """A new paragraph (or a cell's first, empty one) aligned as the style says."""
    if first and isinstance(container, _Cell):
        paragraph = container.paragraphs[0]
    else:
        paragraph = container.add_paragraph()
    paragraph.alignment = _ALIGN[align or style.align]
    paragraph.paragraph_format.space_before = Pt(space_before_pt)
    paragraph.paragraph_format.space_after = Pt(0)
    return paragraph


def _borderless_table(document: DocxDocument, profile: FormatProfile, rows: int) -> Table:
    """Two equal columns across the text width, with no rules: the header and closing grids."""
    table = document.add_table(rows=rows, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    text_width_mm = profile.text_width_mm
    table_width = table._tbl.tblPr.find(qn("w:tblW"))
    table_width.set(qn("w:type"), "dxa")
    table_width.set(qn("w:w"), str(round(text_width_mm * _PT_PER_MM * 20)))
    for column in table.columns:
        column.width = Mm(text_width_mm / 2)
        for cell in column.cells:
            cell.width = Mm(text_width_mm / 2)
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    margins = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:w"), str(round(CELL_PADDING_MM * _PT_PER_MM * 20)))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    tbl_pr = table._tbl.tblPr
    tbl_pr.insert_element_before(
        borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption"
    )
    tbl_pr.insert_element_before(margins, "w:tblLook", "w:tblCaption", "w:tblDescription")
    return table


def _add_header(document: DocxDocument, ctx: DocumentContext) -> None:
    """Issuing bodies left, party header right; the date on the number's row so they align."""
    p = ctx.profile
    table = _borderless_table(document, p, rows=2)
    left, right = table.rows[0].cells
    first = True
    # Each name on the lines the PDF prints (ctx.*_lines), as breaks inside one paragraph.
    for lines, style in (
        (ctx.superior_lines, p.superior_body),
        (ctx.issuing_lines, p.issuing_body),
        ((p.star,), p.star_style),
    ):
        if any(lines):
            _add_lines(_paragraph(left, style, align="center", first=first), lines, style)
            first = False

    party = _paragraph(right, p.party_header_style, align="center", first=True)
    _add_run(party, p.party_header, p.party_header_style)
    _rule_under(party, p)

    number_cell, date_cell = table.rows[1].cells
    _add_run(
        _paragraph(number_cell, p.number_style, align="center", first=True),
        ctx.number_line,
        p.number_style,
    )
    if not ctx.has_title and ctx.subject:
        subject = _paragraph(number_cell, p.cv_subject_style, align="center")
        _add_lines(subject, ctx.subject.splitlines(), p.cv_subject_style)
    _add_run(
        _paragraph(date_cell, p.date_style, align="center", first=True), ctx.date_line, p.date_style
    )


def _rule_under(paragraph: Paragraph, profile: FormatProfile) -> None:
    """A bottom border indented on both sides so that it is as long as the party header."""
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", "6"), ("space", "1"), ("color", "000000")):
        bottom.set(qn(f"w:{key}"), value)
    border.append(bottom)
    paragraph._p.get_or_add_pPr().insert_element_before(
        border, "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:spacing", "w:ind", "w:jc"
    )
    style = profile.party_header_style
    text = profile.party_header.upper() if style.uppercase else profile.party_header
    width_pt = text_width_pt(text, style, profile)
    if width_pt is None:
        return
    column_pt = column_width_mm(profile) * _PT_PER_MM
    indent = max((column_pt - width_pt) / 2 - 1, 0)
    paragraph.paragraph_format.left_indent = Pt(indent)
    paragraph.paragraph_format.right_indent = Pt(indent)


def _add_body_paragraph(
    document: DocxDocument, profile: FormatProfile, parts: list[tuple[str, bool]]
) -> Paragraph:
    """A justified body paragraph with the first-line indent; parts are (text, bold) runs."""
    paragraph = _paragraph(
        document, profile.body, space_before_pt=profile.space_before_paragraph_pt
    )
    paragraph.paragraph_format.first_line_indent = Mm(profile.first_line_indent_mm)
    for text, bold in parts:
        _add_run(paragraph, text, profile.body, bold=bold or profile.body.bold)
    return paragraph


def _add_block(document: DocxDocument, profile: FormatProfile, block: Block) -> None:
    if block.kind is BlockKind.SECTION:
        style = profile.section_heading
        heading = _paragraph(document, style, space_before_pt=profile.space_before_paragraph_pt)
        heading.paragraph_format.keep_with_next = True
        _add_run(heading, f"{block.marker} {block.text}", style)
    elif block.kind is BlockKind.ITEM:
        parts = [(block.marker, profile.item_number_bold)]
        if block.text:
            parts.append((f" {block.text}", False))
        item = _add_body_paragraph(document, profile, parts)
        if block.is_heading:  # "1. Những nội dung cốt lõi của tác phẩm" never ends a page
            item.paragraph_format.keep_with_next = True
    elif block.kind is BlockKind.BULLET:
        _add_body_paragraph(document, profile, [(f"{block.marker} {block.text}", False)])
    else:
        _add_body_paragraph(document, profile, [(block.text, False)])


def _add_closing(document: DocxDocument, ctx: DocumentContext) -> None:
    """Recipients left, signature right, in one row that Word may not split across pages."""
    p = ctx.profile
    table = _borderless_table(document, p, rows=1)
    row = table.rows[0]
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    recipients, signature = row.cells
    _flush_left(recipients)

    heading = _paragraph(recipients, p.recipients_heading_style, first=True)
    heading.paragraph_format.space_before = Pt(_line_pt(p))
    _add_run(heading, p.recipients_heading, p.recipients_heading_style)
    for line in ctx.recipients:
        paragraph = _paragraph(recipients, p.recipient_line_style)
        _add_run(paragraph, f"{p.recipient_line_prefix}{line}", p.recipient_line_style)

    lines: list[tuple[str, TextStyle]] = []
    if ctx.signing_authority:
        lines.append((ctx.signing_authority, p.signing_authority_style))
    lines.append((ctx.signer_position, p.signer_position_style))
    lines += [("", p.body)] * p.signature_blank_lines
    lines.append((ctx.signer_name, p.signer_name_style))
    for index, (text, style) in enumerate(lines):
        paragraph = _paragraph(signature, style, align="center", first=index == 0)
        if index == 0:
            paragraph.paragraph_format.space_before = Pt(_line_pt(p))
        paragraph.paragraph_format.keep_with_next = index < len(lines) - 1
        _add_run(paragraph, text, style)


def _flush_left(cell: _Cell) -> None:
    """No left margin in the cell, so "Nơi nhận:" starts at the text block's edge like the body
    (the PDF's recipients column has no left padding either)."""
    margins = OxmlElement("w:tcMar")
    left = OxmlElement("w:left")
    left.set(qn("w:w"), "0")
    left.set(qn("w:type"), "dxa")
    margins.append(left)
    cell._tc.get_or_add_tcPr().insert_element_before(
        margins, "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark"
    )
