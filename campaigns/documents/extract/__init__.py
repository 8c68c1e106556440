"""Reading a directive from its file and extracting its fields (header, basis, deadlines…) as data.

``read_directive_file`` turns a .txt, .md, .docx or text-layer PDF into plain text;
``extract_directive_text`` finds in that text what a person would retype: the superior and issuing
bodies, the type, number and symbol, place and date, the subject, the documents it implements, the
body and its sections, deadlines, study materials, recipients and the signature block. The result
is plain data (``ExtractedDirective.as_dict()``), ready for JSON.

Two layouts are read, and ``layout`` says which: the party's ("ĐẢNG CỘNG SẢN VIỆT NAM", "Số
32-HD/BTGĐUK", "T/M BAN THƯỜNG VỤ") and that of state bodies and the Front under Nghị định
30/2020/NĐ-CP (the Quốc hiệu, "Số: 45/KH-UBND" or "Số: 123/UBND-VX" for a công văn, "V/v …" in the
left column, "Kính gửi:", "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"). What a copy leaves
blank ("Số:      /UBND-VX", "ngày    tháng 3 năm 2024") comes out empty (None) for the reader to
fill in; only a text with neither number, type name nor either layout's header is refused.

The text may come from Word ("Save as plain text": tab-led right-column lines, blank lines inside
wrapped names), from pandoc (Markdown marks, escapes, tables, hard-wrapped lines), from
``pdftotext -layout`` (two columns side by side, page numbers, every line hard-wrapped) or from a
web page (table cells between "|" lines or in "… | … |" rows, cells wrapped, column gaps lost). The header
and closing block are read by what each line *is* (a date line, a number line, an upper-case
position…) rather than by where it stands, so all three layouts give the same result.

Package layout (each module imports only from those listed above it)::

    errors       DirectiveImportError
    reading      files -> text (.txt/.md, .docx, PDF text layer); MAX_BYTES
    normalise    text cleaning, folding, column fragments, stray-space keyword repair
    vocabulary   document kinds, compiled patterns, dates
    paragraphs   hard wraps joined, line kinds, sentences
    header       bodies, number and symbol, place and date, subject, "Kính gửi"
    basis        "Thực hiện…" / "Căn cứ…" and the documents they name
    deadlines    dates and months set by the text
    materials    study materials and links
    closing      "Nơi nhận" and the signature block
    directive    extract_directive(_text) and ExtractedDirective
"""

from campaigns.documents.extract.basis import BasisReference
from campaigns.documents.extract.deadlines import Deadline
from campaigns.documents.extract.directive import (
    ExtractedDirective,
    Section,
    extract_directive,
    extract_directive_text,
)
from campaigns.documents.extract.errors import DirectiveImportError
from campaigns.documents.extract.materials import Material
from campaigns.documents.extract.normalise import normalise_text
from campaigns.documents.extract.reading import MAX_BYTES, read_directive_file

__all__ = [
    "MAX_BYTES",
    "BasisReference",
    "Deadline",
    "DirectiveImportError",
    "ExtractedDirective",
    "Material",
    "Section",
    "extract_directive",
    "extract_directive_text",
    "normalise_text",
    "read_directive_file",
]
