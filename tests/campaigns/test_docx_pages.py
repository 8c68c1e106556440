"""The .docx is laid out like the PDF: the same exact line spacing, headings kept with what
follows them, and - printed by LibreOffice in Liberation Serif, Times New Roman's metrics - the
same pages as the PDF of the demo's guidance, a draft and a grassroots committee's plan."""

import dataclasses
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document
from docx.enum.text import WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from campaigns import services
from campaigns.demo import REFERENCE, reference_parts
from campaigns.documents.context import DocumentContext
from campaigns.documents.render import render_docx, render_pdf
from campaigns.selectors.documents import directive_document
from tests.campaigns.reference_document import reference_context
from tests.plugins.directives import make_draft

# Absolute paths, looked up once; the LibreOffice test is skipped where soffice is missing.
SOFFICE = shutil.which("soffice")
PDFINFO, PDFTOTEXT, PDFFONTS = (shutil.which(t) or t for t in ("pdfinfo", "pdftotext", "pdffonts"))


def _paragraphs(document) -> list[Paragraph]:
    """Every paragraph of the document: body, table cells and page headers."""
    stories = [(document.element.body, document)]
    stories += [(s.header._element, s.header) for s in document.sections]
    stories += [(s.first_page_header._element, s.first_page_header) for s in document.sections]
    return [Paragraph(p, story) for element, story in stories for p in element.iter(qn("w:p"))]


@pytest.fixture(scope="module")
def reference_docx():
    return Document(io.BytesIO(render_docx(reference_context())))


def test_every_line_is_exactly_as_far_apart_as_in_the_pdf(reference_docx):
    """18.2 pt for 14 pt text, 15.6 pt for the 12 pt recipients: 1.3 times the size, as the
    PDF's line-height; Word's "multiple 1.3" would give 20.8 pt and one page more."""
    spacings = {}
    for paragraph in _paragraphs(reference_docx):
        sizes = {run.font.size.pt for run in paragraph.runs if run.font.size is not None}
        fmt = paragraph.paragraph_format
        assert fmt.line_spacing_rule == WD_LINE_SPACING.EXACTLY, paragraph.text
        spacings[max(sizes, default=14)] = round(fmt.line_spacing.pt, 2)
    assert spacings == {12: 15.6, 14: 18.2, 15: 19.5}
    normal = reference_docx.styles["Normal"].paragraph_format
    assert (normal.line_spacing_rule, normal.line_spacing.pt) == (WD_LINE_SPACING.EXACTLY, 18.2)
    assert normal.widow_control is True


def test_headings_of_every_level_keep_with_the_next_paragraph(reference_docx):
    kept = [
        " ".join(p.text.split()[:4])
        for p in reference_docx.paragraphs
        if p.paragraph_format.keep_with_next
    ]
    body = kept[kept.index("-----") + 1 :]
    assert body == [
        "I- MỤC ĐÍCH, YÊU",
        "II- NỘI DUNG SINH",
        "1. Những nội dung",
        "1.1. Phần thứ nhất:",
        "1.2. Phần thứ hai:",
        "1.3. Phần thứ ba:",
        "2. Giá trị của",
        "III- TỔ CHỨC THỰC",
        # The last paragraph goes with the closing block, which never stands alone on a page.
        "2. Căn cứ nội",
    ]


def test_recipients_start_at_the_text_block_edge(reference_docx):
    recipients = reference_docx.tables[-1].rows[0].cells[0]
    margin = recipients._tc.tcPr.find(qn("w:tcMar")).find(qn("w:left"))
    assert margin.get(qn("w:w")) == "0"
    assert recipients.paragraphs[0].text == "Nơi nhận:"


def test_a_drafts_blanks_keep_every_space_in_word():
    ctx = dataclasses.replace(
        reference_context(is_draft=True), date_line="Cần Thơ, ngày      tháng      năm 2024"
    )
    document = Document(io.BytesIO(render_docx(ctx)))
    date = document.tables[0].rows[1].cells[1].paragraphs[0]
    assert date.text == "Cần Thơ, ngày      tháng      năm 2024"
    texts = date._p.findall(f".//{qn('w:t')}")
    assert [t.get(qn("xml:space")) for t in texts] == ["preserve"] * len(texts)


# LibreOffice pages the .docx as the PDF ----------------------------------------------------


def _page_starts(pdf: Path) -> list[str]:
    """The first five words on each page, the page number left out."""
    info = subprocess.run([PDFINFO, str(pdf)], check=True, capture_output=True, text=True)
    count = int(next(line for line in info.stdout.splitlines() if line.startswith("Pages:"))[6:])
    starts = []
    for page in range(1, count + 1):
        text = subprocess.run(
            [PDFTOTEXT, "-layout", "-f", str(page), "-l", str(page), str(pdf), "-"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        lines = [line.split() for line in text.splitlines() if line.strip()]
        first = next(words for words in lines if not (len(words) == 1 and words[0].isdigit()))
        starts.append(" ".join(first[:5]))
    return starts


def _last_block(ctx: DocumentContext) -> str:
    block = ctx.blocks[-1]
    return " ".join(f"{block.marker} {block.text}".split())


@pytest.fixture
def demo_documents(issued, campaign, tree, users) -> dict[str, DocumentContext]:
    """The demo's 32-HD guidance; a draft of the bloc's Propaganda Department and Đảng bộ Sở Tài
    chính's issued plan, both with the guidance's text, so that each runs over several pages."""
    text = reference_parts(REFERENCE.read_text(encoding="utf-8"))
    draft = make_draft(campaign, tree.bloc_btg, users.staff, body=text["body"], issue_date=None)
    recipient = issued.recipients.get(unit=tree.grassroots_a)
    plan = services.directive_implement(actor=users.secretary, recipient=recipient)
    services.directive_update(
        actor=users.secretary,
        directive=plan,
        basis=text["basis"],
        body=text["body"],
        symbol_code="ĐU",
        signer_name="Huỳnh Văn Tâm",
    )
    plan = services.directive_issue(actor=users.secretary, directive=plan)
    return {
        "guidance": reference_context(),
        "draft": directive_document(draft),
        "plan": directive_document(plan),
    }


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_docx_printed_by_libreoffice_has_the_pdfs_pages(demo_documents, tmp_path):
    for name, ctx in demo_documents.items():
        (tmp_path / f"{name}.pdf").write_bytes(render_pdf(ctx))
        (tmp_path / f"{name}.docx").write_bytes(render_docx(ctx))
    word = tmp_path / "word"
    # One LibreOffice start for every file, with a profile of its own so parallel runs never
    # share one.
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(word),
            *(str(tmp_path / f"{name}.docx") for name in demo_documents),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    fonts = subprocess.run(
        [PDFFONTS, str(word / "guidance.pdf")], check=True, capture_output=True, text=True
    ).stdout
    assert "LiberationSerif" in fonts  # Times New Roman's metrics, as the PDF's vendored face

    pages = {}
    for name, ctx in demo_documents.items():
        pdf, docx = _page_starts(tmp_path / f"{name}.pdf"), _page_starts(word / f"{name}.pdf")
        pages[name] = (len(pdf), len(docx))
        # Every page but the last starts with the same line.
        assert docx[:-1] == pdf[:-1], name
        # The last page starts on the same line too, except where the body's last paragraph is
        # split: LibreOffice moves the whole of it to the signature page (it keeps a "keep with
        # next" paragraph in one piece), where the PDF (and Word) carry only its last lines.
        assert docx[-1] == pdf[-1] or (
            pdf[-1] in _last_block(ctx) and docx[-1] in _last_block(ctx)
        ), name
    assert all(pdf == docx for pdf, docx in pages.values()), pages
    assert pages["guidance"] == (5, 5)  # Word had made it 6 with "multiple 1.3" line spacing
