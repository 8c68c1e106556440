"""Reading a directive from its file and extracting its fields (header, basis, deadlines…) as data.

``read_directive_file`` turns a .txt, .md, .docx or text-layer PDF into plain text;
``extract_directive_text`` finds in that text what a person would retype: the superior and issuing
bodies, the type, number and symbol, place and date, the subject, the documents it implements, the
body and its sections, deadlines, study materials, recipients and the signature block. The result
is plain data (``ExtractedDirective.as_dict()``), ready for JSON.

The text may come from Word ("Save as plain text": tab-led right-column lines, blank lines inside
wrapped names), from pandoc (Markdown marks, escapes, tables, hard-wrapped lines) or from
``pdftotext -layout`` (two columns side by side, page numbers, every line hard-wrapped). The header
and closing block are read by what each line *is* (a date line, a number line, an upper-case
position…) rather than by where it stands, so all three layouts give the same result.
"""

from __future__ import annotations

import datetime
import html
import io
import os
import re
import shutil
import subprocess
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, TypedDict

import docx
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.hyperlink import Hyperlink
from docx.text.paragraph import Paragraph

from campaigns.documents.body import BlockKind, ends_sentence, is_mostly_upper, parse_body
from campaigns.documents.profiles import get_profile

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

MAX_BYTES = 20 * 1024 * 1024
TEXT_SUFFIXES = frozenset({".txt", ".text", ".md", ".markdown"})
SUPPORTED = ".docx, .txt, .md hoặc .pdf có lớp chữ"
PDF_TIMEOUT_SECONDS = 60


class DirectiveImportError(ValueError):
    """A file or text that cannot be read as a directive; the message is for the user."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


# --------------------------------------------------------------------------------------------
# Result
# --------------------------------------------------------------------------------------------


class BasisReference(TypedDict):
    """A document the directive implements: "Hướng dẫn số 52-HD/BTGTU ngày 14/3/2024 của …"."""

    kind: str | None
    symbol: str
    date: str | None
    issuer: str | None


class Deadline(TypedDict):
    """A date ("2024-10-10") or a month ("2024-04") stated in the text, with its sentence."""

    text: str
    date: str | None
    month: str | None


class Material(TypedDict):
    title: str
    url: str | None


class Section(TypedDict):
    marker: str  # "I-", "II."
    title: str  # "MỤC ĐÍCH, YÊU CẦU"


@dataclass(frozen=True, slots=True)
class ExtractedDirective:
    """Everything read from one directive; strings are NFC and trimmed, None when not found."""

    superior_body: str | None
    issuing_body: str | None
    kind: str | None
    number: int | None
    symbol: str | None
    place: str | None
    date: str | None
    subject: str | None
    addressees: list[str]  # "Kính gửi" lines of a công văn
    basis: list[BasisReference]
    basis_text: str | None  # the "Thực hiện…" / "Căn cứ…" paragraphs as written
    body: str  # between the basis and "Nơi nhận", one paragraph a line, ready for parse_body
    sections: list[Section]
    deadlines: list[Deadline]
    materials: list[Material]
    recipients: list[str]
    signing_authority: str | None  # "T/M BAN THƯỜNG VỤ"; None when the head signs in person
    signer_position: str | None
    signer_name: str | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# --------------------------------------------------------------------------------------------
# Reading files
# --------------------------------------------------------------------------------------------


def read_directive_file(
    source: str | os.PathLike[str] | bytes | BinaryIO, filename: str | None = None
) -> str:
    """The text of a directive file: .txt / .md as written, .docx paragraphs and table cells in
    document order, a PDF's text layer laid out as on the page.

    ``source`` is a path, the file's bytes or an open binary file (an upload); ``filename`` gives
    the type when ``source`` is not a path. Files above ``MAX_BYTES`` are refused before they are
    read. Raises ``DirectiveImportError`` (a ValueError) with a Vietnamese message.
    """
    name = filename or _source_name(source)
    data = _read_bytes(source)
    if not data.strip():
        raise DirectiveImportError("Tệp rỗng: không có nội dung nào để đọc.", code="empty")
    suffix = Path(name).suffix.lower() if name else _sniff_suffix(data)
    if suffix == ".docx":
        text = _docx_text(data)
    elif suffix == ".pdf":
        text = _pdf_text(data)
    elif suffix in TEXT_SUFFIXES:
        text = _plain_text(data)
    elif suffix == ".doc":
        raise DirectiveImportError(
            "Tệp Word cũ (.doc) chưa được hỗ trợ: hãy mở bằng Word và lưu lại thành .docx.",
            code="old_doc",
        )
    else:
        raise DirectiveImportError(
            f"Chưa hỗ trợ loại tệp “{suffix or name}”: chỉ nhận {SUPPORTED}.", code="bad_type"
        )
    if not text.strip():
        raise DirectiveImportError("Tệp không có chữ nào để đọc.", code="empty")
    return text


def _source_name(source: object) -> str:
    if isinstance(source, str | os.PathLike):
        return os.fspath(source)
    return str(getattr(source, "name", "") or "")


def _too_big(size: int) -> DirectiveImportError:
    megabytes = f"{size / 1024 / 1024:.1f}".replace(".", ",")
    return DirectiveImportError(
        f"Tệp quá lớn ({megabytes} MB): chỉ nhận tệp đến {MAX_BYTES // (1024 * 1024)} MB.",
        code="too_big",
    )


def _read_bytes(source: str | os.PathLike[str] | bytes | BinaryIO) -> bytes:
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        if len(data) > MAX_BYTES:
            raise _too_big(len(data))
        return data
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        try:
            size = path.stat().st_size
        except OSError:
            raise DirectiveImportError(f"Không tìm thấy tệp {path}.", code="not_found") from None
        if size > MAX_BYTES:
            raise _too_big(size)
        return path.read_bytes()
    size = getattr(source, "size", None)  # Django's UploadedFile knows its size
    if isinstance(size, int) and size > MAX_BYTES:
        raise _too_big(size)
    data = source.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise _too_big(size if isinstance(size, int) else len(data))
    return data


def _sniff_suffix(data: bytes) -> str:
    if data.lstrip()[:5] == b"%PDF-":
        return ".pdf"
    if data[:4] == b"PK\x03\x04":
        return ".docx"
    if data[:4] == b"\xd0\xcf\x11\xe0":
        return ".doc"
    return ".txt"


def _not_text(suffix: str = "") -> DirectiveImportError:
    what = f" (có đuôi {suffix})" if suffix else ""
    return DirectiveImportError(
        f"Tệp{what} không phải văn bản chữ mà là dữ liệu nhị phân: chỉ nhận {SUPPORTED}.",
        code="binary",
    )


def _plain_text(data: bytes) -> str:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        text = data.decode("utf-16", errors="replace")
    elif b"\x00" in data[:4096] or _sniff_suffix(data) != ".txt":
        raise _not_text(".txt")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            # Old Vietnamese Windows files: cp1258 stores tone marks as combining characters.
            text = data.decode("cp1258", errors="replace")
    odd = sum(
        1
        for ch in text
        if ch == "\ufffd" or (unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f\v")
    )
    if odd > max(8, len(text) // 100):
        raise _not_text()
    return text


def _docx_text(data: bytes) -> str:
    if data[:4] == b"\xd0\xcf\x11\xe0":
        raise DirectiveImportError(
            "Tệp là Word cũ (.doc) hoặc đã đặt mật khẩu: hãy mở bằng Word và lưu lại thành .docx "
            "không mật khẩu.",
            code="old_doc",
        )
    not_word = DirectiveImportError(
        "Tệp có đuôi .docx nhưng không phải tệp Word hợp lệ (có thể là tệp khác bị đổi tên).",
        code="bad_docx",
    )
    if data[:4] != b"PK\x03\x04":
        raise not_word
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds (zip, XML, content type, missing part)
        raise not_word from exc
    numbering = _Numbering(document)
    return "\n".join(_docx_lines(document.iter_inner_content(), numbering))


def _docx_lines(items: Iterable[Paragraph | Table], numbering: _Numbering) -> Iterator[str]:
    """Paragraphs and table cells in document order; a cell's paragraphs before the next cell."""
    for item in items:
        if isinstance(item, Paragraph):
            yield from _paragraph_text(item, numbering).split("\n")
            continue
        # A merged cell is listed once per grid column. Keep the elements themselves: the id of
        # a proxy that was let go can come back for another cell.
        seen: list[Any] = []
        for row in item.rows:
            for cell in row.cells:
                if any(cell._tc is element for element in seen):
                    continue
                seen.append(cell._tc)
                yield from _docx_lines(cell.iter_inner_content(), numbering)


def _paragraph_text(paragraph: Paragraph, numbering: _Numbering) -> str:
    parts: list[str] = []
    style_caps = bool(paragraph.style is not None and paragraph.style.font.all_caps)
    for item in paragraph.iter_inner_content():
        if isinstance(item, Hyperlink):
            text, url = item.text, item.url
            parts.append(text if not url or url in text else f"{text} ({url})" if text else url)
            continue
        caps = item.font.all_caps
        # "All caps" formatting shows upper case that the file stores in lower case.
        parts.append(item.text.upper() if caps or (caps is None and style_caps) else item.text)
    text = "".join(parts)
    prefix = numbering.prefix(paragraph)
    return f"{prefix} {text}" if prefix else text


class _Numbering:
    """Word's automatic list numbers ("1.", "a)", bullets), which are not part of the text."""

    def __init__(self, document: Any) -> None:
        self._levels: dict[str, dict[int, tuple[str, str, int]]] = {}
        self._abstract_of: dict[str, str] = {}
        self._counters: dict[str, dict[int, int]] = {}
        try:
            root = document.part.numbering_part.element
        except (NotImplementedError, KeyError, AttributeError):
            return
        abstracts = {a.get(qn("w:abstractNumId")): a for a in root.findall(qn("w:abstractNum"))}
        for num in root.findall(qn("w:num")):
            num_id = num.get(qn("w:numId"))
            ref = num.find(qn("w:abstractNumId"))
            abstract_id = ref.get(qn("w:val")) if ref is not None else None
            abstract = abstracts.get(abstract_id)
            if num_id is None or abstract is None:
                continue
            levels = {
                int(lvl.get(qn("w:ilvl"), "0")): (
                    _val(lvl, "w:numFmt") or "decimal",
                    _val(lvl, "w:lvlText") or "",
                    int(_val(lvl, "w:start") or 1),
                )
                for lvl in abstract.findall(qn("w:lvl"))
            }
            for override in num.findall(qn("w:lvlOverride")):
                ilvl = int(override.get(qn("w:ilvl"), "0"))
                start = override.find(qn("w:startOverride"))
                if start is not None and ilvl in levels:
                    fmt, text, _ = levels[ilvl]
                    levels[ilvl] = (fmt, text, int(start.get(qn("w:val"))))
            self._levels[num_id] = levels
            self._abstract_of[num_id] = abstract_id

    def prefix(self, paragraph: Paragraph) -> str:
        num_id, ilvl = _num_pr(paragraph)
        levels = self._levels.get(num_id or "")
        if not levels or ilvl not in levels:
            return ""
        fmt, pattern, start = levels[ilvl]
        # Lists sharing an abstract definition continue one another's numbers, as in Word.
        counters = self._counters.setdefault(self._abstract_of[num_id or ""], {})
        counters[ilvl] = counters.get(ilvl, start - 1) + 1
        for deeper in [level for level in counters if level > ilvl]:
            del counters[deeper]
        if fmt == "bullet":
            return "+" if pattern.strip() == "+" else "-"
        if fmt == "none":
            return ""

        def number(match: re.Match[str]) -> str:
            level = int(match[1]) - 1
            level_fmt, _, level_start = levels.get(level, ("decimal", "", 1))
            return _format_number(counters.get(level, level_start), level_fmt)

        return re.sub(r"%(\d)", number, pattern).strip()


def _val(element: Any, tag: str) -> str | None:
    child = element.find(qn(tag))
    return child.get(qn("w:val")) if child is not None else None


def _num_pr(paragraph: Paragraph) -> tuple[str | None, int]:
    ppr = paragraph._p.pPr
    num_pr = ppr.numPr if ppr is not None else None
    style = paragraph.style
    while num_pr is None and style is not None:  # list styles ("List Bullet") number by style
        style_ppr = style.element.pPr
        num_pr = style_ppr.numPr if style_ppr is not None else None
        style = style.base_style
    if num_pr is None or num_pr.numId is None:
        return None, 0
    return str(num_pr.numId.val), int(num_pr.ilvl.val) if num_pr.ilvl is not None else 0


def _format_number(value: int, fmt: str) -> str:
    if fmt in ("upperRoman", "lowerRoman"):
        roman = _roman(value)
        return roman if fmt == "upperRoman" else roman.lower()
    if fmt in ("upperLetter", "lowerLetter"):
        letter = chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt == "decimalZero":
        return f"{value:02d}"
    return str(value)


def _roman(value: int) -> str:
    numerals = (
        (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
        (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
    )  # fmt: skip
    out = []
    for amount, numeral in numerals:
        count, value = divmod(value, amount)
        out.append(numeral * count)
    return "".join(out)


def _pdf_text(data: bytes) -> str:
    if b"%PDF-" not in data[:1024]:
        raise DirectiveImportError(
            "Tệp có đuôi .pdf nhưng không phải tệp PDF hợp lệ.", code="bad_pdf"
        )
    tool = shutil.which("pdftotext")
    if tool is None:
        raise DirectiveImportError(
            "Máy chủ chưa cài pdftotext (poppler-utils) nên chưa đọc được tệp PDF.",
            code="pdf_tool_missing",
        )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "directive.pdf"
        path.write_bytes(data)
        try:
            # Fixed arguments; the only input is the temporary file written just above.
            result = subprocess.run(  # noqa: S603
                [tool, "-layout", "-enc", "UTF-8", str(path), "-"],
                capture_output=True,
                timeout=PDF_TIMEOUT_SECONDS,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise DirectiveImportError(
                "Đọc tệp PDF quá lâu: tệp có thể hỏng hoặc quá phức tạp.", code="bad_pdf"
            ) from None
    if result.returncode != 0:
        raise DirectiveImportError(
            "Không đọc được tệp PDF: tệp hỏng hoặc đã đặt mật khẩu.", code="bad_pdf"
        )
    text = result.stdout.decode("utf-8", errors="replace")
    if not text.replace("\f", "").strip():
        raise DirectiveImportError(
            "Tệp PDF không có lớp chữ (có thể là bản scan hoặc ảnh chụp). Hệ thống chưa hỗ trợ đọc "
            "văn bản scan: hãy tải lên tệp .docx, hoặc PDF xuất trực tiếp từ Word.",
            code="pdf_no_text",
        )
    return text


# --------------------------------------------------------------------------------------------
# Normalising text
# --------------------------------------------------------------------------------------------

_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u2060\u00ad"))
# Look-alikes from old encodings: Icelandic eth for Đ/đ; Unicode spaces for a space.
_LOOKALIKES = {
    ord("\u00d0"): "Đ",
    ord("\u00f0"): "đ",
    **{ord(space): " " for space in "\u00a0\u2007\u202f\u205f\u3000"},
    **dict.fromkeys(range(8192, 8203), " "),
}
_SPACE_BEFORE_MARK = re.compile(r"[ \t]+(?=[\u0300-\u036f])")
_PAGE_NUMBER = re.compile(r"(?:[-–]\s*)?\d{1,3}(?:\s*[-–])?|Trang\s+\d{1,3}(?:\s*/\s*\d{1,3})?")
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")
_PLACEHOLDER_BASE = 0xF0000  # a private-use plane: escaped characters wait here, unread
_TABLE_RULE = re.compile(r"^\s*(?:\+[-=:+]+\+|\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?)\s*$")
_TABLE_ROW = re.compile(r"^\s*\|(.*)\|\s*$")
_LINE_BLOCK = re.compile(r"^\s*\|\s(?=.*[^|\s]\s*$)")
_HEADING = re.compile(r"^ {0,3}#{1,6}(?:[ \t]+|$)|[ \t]+#+[ \t]*$")
_QUOTE = re.compile(r"^\s*(?:>\s?)+")
# "* item"; a lone star followed by a wide gap is the header's star beside the date column.
_STAR_BULLET = re.compile(r"^(\s*)\*( {1,4}|\t)(?=\S)")
_SETEXT = re.compile(r"^\s*=+\s*$")
_SPAN = r"((?:[^*\n]|\n(?![ \t]*\n))+?)"
_EMPHASIS = (
    re.compile(rf"\*\*\*(?=\S){_SPAN}(?<=\S)\*\*\*"),
    re.compile(rf"\*\*(?=\S){_SPAN}(?<=\S)\*\*"),
    re.compile(r"__(?=\S)((?:[^_\n]|\n(?![ \t]*\n))+?)(?<=\S)__"),
    re.compile(rf"(?<![*\w])\*(?=[^\s*]){_SPAN}(?<=[^\s*])\*(?![*\w])"),
)
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_ATTRIBUTE_SPAN = re.compile(r"\[([^\]]*)\]\{[^}]*\}")
_AUTOLINK = re.compile(r"<((?:https?|ftp)://[^>\s]+|[^@>\s]+@[^>\s]+)>")
_BREAK_TAG = re.compile(r"<br\s*/?>", re.I)
_INLINE_TAG = re.compile(r"</?(?:u|b|i|em|strong|span|sup|sub|p|div|font|mark)\b[^>]*>", re.I)
_ENTITY = re.compile(r"&(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);")
_FOLD = re.compile(r"\s+")
_SPACE_BEFORE_PUNCT = re.compile(r" +(?=[,;.:!?](?:\s|$))")
_COLUMN_GAP = re.compile(r"\t+| {3,}")


def normalise_text(text: str) -> str:
    """Text as the extractor reads it: NFC, no invisible characters or Markdown marks, one line a
    paragraph or line of the source, white space folded, blank-line runs collapsed."""
    lines = [_fold(line) for line in _clean(text).split("\n")]
    return "\n".join(_collapse_blank_runs(lines)).strip("\n")


def _fold(text: str) -> str:
    return _SPACE_BEFORE_PUNCT.sub("", _FOLD.sub(" ", text)).strip()


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _clean(text: str) -> str:
    """Characters and Markdown cleaned; tabs and runs of spaces kept (they separate columns)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n").replace("\v", "\n")
    text = text.translate(_INVISIBLE).translate(_LOOKALIKES)
    text = _nfc(_SPACE_BEFORE_MARK.sub("", unicodedata.normalize("NFD", text)))
    text = _drop_page_furniture(text)
    text = _ESCAPED.sub(lambda m: chr(_PLACEHOLDER_BASE + ord(m[1])), text)
    text = "\n".join(_markdown_line(line) for line in text.split("\n"))
    text = _BREAK_TAG.sub("\n", text)
    text = _IMAGE.sub("", text)
    text = _LINK.sub(lambda m: m[2] if m[1].strip() in ("", m[2]) else f"{m[1]} ({m[2]})", text)
    text = _ATTRIBUTE_SPAN.sub(r"\1", text)
    text = _AUTOLINK.sub(r"\1", text)
    for pattern in _EMPHASIS:
        text = pattern.sub(r"\1", text)
    text = re.sub(r"\*{4,}", "", text)
    text = _INLINE_TAG.sub("", text)
    text = _ENTITY.sub(lambda m: html.unescape(m[0]), text).translate(_LOOKALIKES)
    text = re.sub(r"\\[ \t]*$", "", text, flags=re.M)  # Markdown hard line break
    text = re.sub("[\U000f0000-\U000f007f]", lambda m: chr(ord(m[0]) - _PLACEHOLDER_BASE), text)
    text = _KEYWORD_RE.sub(_canonical_keyword, _nfc(text))
    return "\n".join(line.rstrip() for line in text.split("\n"))


def _canonical_keyword(match: re.Match[str]) -> str:
    """A structural word split by a stray space ("Thự c hiện", "N ơi nhận") written whole."""
    found = match[0]
    for word, loose in _KEYWORD_FORMS:
        if found.casefold() == word.casefold():
            return found
        if loose.fullmatch(found):
            if found.isupper():
                return word.upper()
            return word[0].upper() + word[1:] if found[0].isupper() else word
    return found


def _drop_page_furniture(text: str) -> str:
    """Join the pages of a PDF's text: page numbers and blank edges of each page go."""
    if "\f" not in text:
        return text
    pages = []
    for page in text.split("\f"):
        lines = page.split("\n")
        while lines and (not lines[0].strip() or _PAGE_NUMBER.fullmatch(lines[0].strip())):
            lines.pop(0)
        while lines and (not lines[-1].strip() or _PAGE_NUMBER.fullmatch(lines[-1].strip())):
            lines.pop()
        if lines:
            pages.append("\n".join(lines))
    return "\n".join(pages)


def _markdown_line(line: str) -> str:
    if _TABLE_RULE.match(line) and ("|" in line or "+" in line):
        return ""
    if match := _TABLE_ROW.match(line):
        cells = [cell.strip() for cell in match[1].split("|")]
        if any(_BREAK_TAG.search(cell) for cell in cells):
            # A pipe-table row holds whole cells, lines split by <br>: one cell after the
            # other, as Word lists them.
            return "\n".join(_BREAK_TAG.sub("\n", cell) for cell in cells if cell)
        # A grid-table line holds one line of each cell: columns, as pdftotext gives them.
        return "\t".join(cell for cell in cells if cell)
    line = _LINE_BLOCK.sub("", line)
    if _SETEXT.match(line):
        return ""
    line = _QUOTE.sub("", line)
    line = _HEADING.sub("", line)
    return _STAR_BULLET.sub(r"\1-\2", line)


def _collapse_blank_runs(lines: Iterable[str]) -> list[str]:
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    while out and not out[-1]:
        out.pop()
    return out


# --------------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------------

# Old-style tone placement ("Uỷ", "hoà") compares equal to the new one ("Ủy", "hòa").
_TONE_PLACEMENT = {
    "UỶ": "ỦY", "UÝ": "ÚY", "UỲ": "ÙY", "UỸ": "ŨY", "UỴ": "ỤY",
    "OÀ": "ÒA", "OÁ": "ÓA", "OẢ": "ỎA", "OÃ": "ÕA", "OẠ": "ỌA",
    "OÈ": "ÒE", "OÉ": "ÓE", "OẺ": "ỎE", "OẼ": "ÕE", "OẸ": "ỌE",
}  # fmt: skip
_TONE_RE = re.compile("|".join(_TONE_PLACEMENT))


def _key(text: str) -> str:
    """Upper case, folded, with old-style tone placement: for comparing, never for output."""
    return _TONE_RE.sub(lambda m: _TONE_PLACEMENT[m[0]], _fold(text).upper())


def _loose(phrase: str) -> str:
    """A regex for ``phrase`` that tolerates one stray space inside each word ("Thự c hiện")."""
    words = [" ?".join(map(re.escape, word)) for word in phrase.split()]
    return r"\s+".join(words)


_KEYWORDS = (
    "Thực hiện", "Căn cứ", "Kính gửi", "Nơi nhận", "ngày", "tháng", "năm",
    *(t.name for t in get_profile().document_types),
)  # fmt: skip
_KEYWORD_FORMS = tuple((word, re.compile(_loose(word), re.I)) for word in _KEYWORDS)
# Each keyword on its own, tolerating a stray space inside a word but never across words.
_KEYWORD_RE = re.compile(
    r"(?<!\w)(?P<word>"
    + "|".join(
        "(?:" + r"[ ]".join(" ?".join(map(re.escape, part)) for part in word.split()) + ")"
        for word in sorted(_KEYWORDS, key=len, reverse=True)
    )
    + r")(?!\w)",
    re.I,
)


def _type_names() -> dict[str, str]:
    names = {_key(t.name).replace(" ", ""): t.code for t in get_profile().document_types}
    names |= {"QUYĐỊNH": "QĐ", "THÔNGBÁOKẾTLUẬN": "TB"}
    return names


_TYPE_NAMES = _type_names()
_KIND_WORDS = sorted(
    [t.name for t in get_profile().document_types] + ["Quy định", "Thông báo kết luận"],
    key=len,
    reverse=True,
)
_KIND_BY_WORD = {
    _key(word): code
    for word, code in zip(
        _KIND_WORDS, [_TYPE_NAMES[_key(w).replace(" ", "")] for w in _KIND_WORDS], strict=True
    )
}
_KIND_WORD_RE = "|".join(_loose(word) for word in _KIND_WORDS)

_DAY = r"(?P<d>\d{1,2})"
_MONTH = r"(?P<m>\d{1,2})"
_YEAR = r"(?P<y>\d{4})"
_NGAY, _THANG, _NAM = _loose("ngày"), _loose("tháng"), _loose("năm")
_SYMBOL = r"(?P<num>\d{1,6})?\s*[-–]\s*(?P<code>[A-Za-zĐđ]{1,4})\s*/\s*(?P<issuer>[A-ZĐa-zđ0-9]+(?:[-.][A-ZĐa-zđ0-9]+)*)"
_STATE_SYMBOL = r"(?P<snum>\d{1,6})\s*/\s*(?:(?P<syear>\d{4})\s*/\s*)?(?P<scode>[A-ZĐ][A-Za-zĐđ]{0,3})\s*[-–]\s*(?P<sissuer>[A-ZĐ0-9]+(?:-[A-ZĐ0-9]+)*)"
_NUMBER_LINE = re.compile(
    rf"^{_loose('Số')}\s*:?\s*(?:{_SYMBOL}|{_STATE_SYMBOL})(?P<rest>.*)$", re.I
)
_DATE_LINE = re.compile(
    rf"^(?P<place>[^\d]*?)\s*,?\s*{_NGAY}\s*{_DAY}\s*{_THANG}\s*{_MONTH}\s*{_NAM}\s*{_YEAR}\s*\.?$",
    re.I,
)
_DATE_LINE_SHORT = re.compile(
    rf"^(?P<place>[^\d,]+?)\s*,\s*(?:{_NGAY}\s*)?{_DAY}\s*(?P<sep>[/.-])\s*{_MONTH}\s*(?P=sep)\s*{_YEAR}\s*\.?$",
    re.I,
)
_PARTY_HEADER = re.compile(r"^ĐẢNG\s*CỘNG\s*SẢN\s*VIỆT\s*NAM$", re.I)
_STATE_MOTTO = re.compile(
    r"^(?:CỘNG\s*HÒA\s*XÃ\s*HỘI\s*CHỦ\s*NGHĨA\s*VIỆT\s*NAM|Độc\s*lập\s*[-–]\s*Tự\s*do\s*[-–]\s*Hạnh\s*phúc)$",
    re.I,
)
_MARKS = re.compile(r"^\(?(?:DỰ\s*THẢO|MẬT|TỐI\s*MẬT|KHẨN|HỎA\s*TỐC|THƯỢNG\s*KHẨN)\)?$", re.I)
_STAR = re.compile(r"^\*(?:\s*\*)*$")
_SEPARATOR = re.compile(r"^[-–—_=*~·.\s]*(?:o\s?[0O]\s?o)?[-–—_=*~·.\s]*$")
_SUBJECT_PREFIX = re.compile(r"^(?:V\s*/\s*[vV]|Về\s+việc)\b", re.I)
_KINH_GUI = re.compile(rf"^{_loose('Kính gửi')}\s*:?\s*(?P<rest>.*)$", re.I)
_NOI_NHAN = re.compile(rf"^[-*]?\s*{_loose('Nơi nhận')}\s*:?\s*(?P<rest>.*)$", re.I)
_BASIS_START = re.compile(
    rf"^(?:[-–+•]\s*)?(?:{_loose('Thực hiện')}|{_loose('Căn cứ')}|Tiếp\s+theo|Theo\s+(?:chỉ\s+đạo|đề\s+nghị|tinh\s+thần))\b",
)
_APPENDIX = re.compile(r"^(?:PHỤ\s*LỤC|Phụ\s+lục)\b")
_AUTHORITY = re.compile(r"^(?:[TK]\s*[/.]\s*[MTL]\.?|TM\.|KT\.|TL\.)\s+\S")
_SIGNED_MARK = re.compile(r"^(?:[(\[].*(?:ký|dấu|ky).*[)\]]|Đã\s+ký\.?|\[?chữ\s+ký\]?)$", re.I)
_POSITION_WORDS = re.compile(
    r"^(?:Phó\s+)?(?:Bí\s+thư|Trưởng\s+ban|Chủ\s+nhiệm|Chánh\s+Văn\s+phòng|Chủ\s+tịch|Giám\s+đốc|Trưởng\s+phòng)\b",
    re.I,
)
_SURNAMES = frozenset((
    "NGUYỄN", "TRẦN", "LÊ", "PHẠM", "HOÀNG", "HUỲNH", "PHAN", "VŨ", "VÕ", "ĐẶNG", "BÙI", "ĐỖ",
    "HỒ", "NGÔ", "DƯƠNG", "LÝ", "ĐINH", "ĐÀO", "TRƯƠNG", "LƯU", "MAI", "TRỊNH", "LÂM", "CAO",
    "TÔ", "HÀ", "TẠ", "CHÂU", "THÁI", "QUÁCH", "LA", "DIỆP", "TĂNG", "KIỀU", "VƯƠNG", "TRIỆU",
))  # fmt: skip
_BODY_HEADS = tuple(
    _key(head)
    for head in (
        "ĐẢNG BỘ", "ĐẢNG ỦY", "ĐẢNG ĐOÀN", "BAN ", "CHI BỘ", "TỈNH ỦY", "THÀNH ỦY", "HUYỆN ỦY",
        "QUẬN ỦY", "THỊ ỦY", "VĂN PHÒNG", "ỦY BAN", "ĐOÀN ", "HỘI ", "BỘ ", "SỞ ", "UBND",
        "CÔNG ĐOÀN", "MẶT TRẬN", "BCH ", "BTV ",
    )
)  # fmt: skip
_URL = re.compile(r"(?:https?://|www\.)[^\s<>“”\"'()\[\]]+", re.I)
_URL_CONNECTORS = re.compile(
    r"(?:[\s:(\-–,;]|\b(?:(?:tại|ở)\s+đây|tại|theo|qua|xem|truy\s+cập|tải\s+về|(?:được\s+)?đăng(?:\s+tải)?"
    r"|(?:các\s+)?(?:địa\s+chỉ|đường\s+dẫn|đường\s+link|link|liên\s+kết|website)(?:\s+sau)?)\b)+$",
    re.I,
)
_MATERIALS_HEADING = re.compile(
    r"^(?:phụ\s+lục\s*(?:[IVX\d]+\s*)?[:.–-]?\s*)?(?:danh\s+mục\s+)?tài\s+liệu\b", re.I
)
_WHERE_PUBLISHED = re.compile(
    r",?\s+(?:được\s+)?(?:đăng(?:\s+tải)?\s+(?:tại|trên)|tại\s+(?:địa\s+chỉ|đường\s+dẫn|link))\b",
    re.I,
)
# A full stop after these does not end a sentence ("TP. Cần Thơ", "Nxb. Chính trị quốc gia").
_ABBREVIATIONS = frozenset((
    "TP", "Tp", "TX", "ThS", "TS", "PGS", "GS", "BS", "KS", "CN", "St", "Đ/c", "đ/c", "Q", "P",
    "Tr", "tr", "VD", "vd", "Nxb", "NXB",
))  # fmt: skip
_WRAP_MIN = 60  # a line this long that stops mid-sentence was wrapped, whatever comes next
_HEADER_LINES = 60
_DEADLINE_SLACK = datetime.timedelta(days=31)

_FULL_DATE_WORDS = re.compile(
    rf"(?:{_NGAY}\s*)?\b{_DAY}\s*{_THANG}\s*{_MONTH}\s*{_NAM}\s*{_YEAR}", re.I
)
_FULL_DATE_DIGITS = re.compile(
    rf"(?<![\d/.-]){_DAY}\s?(?P<sep>[/.-])\s?{_MONTH}\s?(?P=sep)\s?{_YEAR}(?![\d])"
)
_DAY_MONTH = re.compile(
    rf"{_NGAY}\s*{_DAY}\s*(?:[/-]\s*|{_THANG}\s*){_MONTH}(?!\s*(?:[/.-]|{_NAM})\s*\d)", re.I
)
_MONTH_ALONE = re.compile(rf"{_THANG}\s*{_MONTH}(?!\s*(?:[/.-]|{_NAM})\s*\d)(?![\d/])", re.I)
_MONTH_YEAR = re.compile(rf"{_THANG}\s*{_MONTH}\s*(?:[/-]|{_NAM})\s*{_YEAR}(?!\d)", re.I)
_REFERENCE = re.compile(
    rf"(?:(?P<word>{_KIND_WORD_RE})\s+)?(?:{_loose('số')}\s*:?\s*)?(?:{_SYMBOL}|{_STATE_SYMBOL})"
    rf"(?:\s*,?\s*(?:ban\s+hành\s+)?{_NGAY}\s*(?P<date>\d{{1,2}}\s*[/.-]\s*\d{{1,2}}\s*[/.-]\s*\d{{4}}"
    rf"|\d{{1,2}}\s*{_THANG}\s*\d{{1,2}}\s*{_NAM}\s*\d{{4}}))?",
    re.I,
)
_ISSUER_STOP = re.compile(
    r"\s*(?:[,;:()“”\"«»]|\.(?:\s|$)|\s(?=(?:về|V/v|v/v|triển\s+khai|tổ\s+chức|thực\s+hiện|hướng\s+dẫn"
    rf"|ban\s+hành|nhằm|đối\s+với|trong|để|năm|đợt|quy\s+định|đã|khóa|khoá|và\s+(?:{_KIND_WORD_RE}))(?:\s|$)))"
)
_NESTING = re.compile(r"\b(?:về|V/v|v/v)\b|[“\"«]")


# --------------------------------------------------------------------------------------------
# Extraction
# --------------------------------------------------------------------------------------------


def extract_directive_text(text: str) -> dict[str, Any]:
    """The fields of the directive in ``text`` as plain data (see ``ExtractedDirective``).

    Raises ``DirectiveImportError`` (a ValueError) when the text is empty or is not a directive.
    """
    return extract_directive(text).as_dict()


@dataclass
class _Header:
    names: list[str]
    number: int | None = None
    symbol: str | None = None
    code: str | None = None
    place: str | None = None
    date: datetime.date | None = None
    subject: list[str] | None = None
    end: int = 0


def extract_directive(text: str) -> ExtractedDirective:
    """Like ``extract_directive_text``, as a typed object."""
    if not text or not text.strip():
        raise DirectiveImportError("Văn bản rỗng: không có nội dung nào để đọc.", code="empty")
    lines = _clean(text).split("\n")
    folded = [_fold(line) for line in lines]

    title_at, title_code = _find_title(folded)
    header = _read_header(lines, folded, title_at)
    if header.symbol is None and header.code is None and title_code is None:
        raise _not_a_directive()

    if title_at is not None:
        subject, start = _read_subject(folded, title_at)
    else:
        subject = " ".join(header.subject) if header.subject else None
        start = header.end
    addressees, start = _read_addressees(folded, start)

    noi_at = _find_last(folded, start, lambda line: bool(_NOI_NHAN.match(line)))
    closing = _read_closing(lines[noi_at:]) if noi_at is not None else _Signature()
    end = noi_at if noi_at is not None else len(lines)
    end = _appendix_start(folded, start, end)
    if closing.position is None and closing.name is None:
        signature_at = _signature_start(folded, start, end)
        if signature_at is not None:
            closing = _Signature(recipients=closing.recipients)
            _read_signature(closing, [folded[i] for i in range(signature_at, end) if folded[i]])
            end = signature_at

    appendix = _join_hard_wraps(lines[_appendix_start(folded, end, len(lines)) :])
    paragraphs = _join_hard_wraps(lines[start:end])
    basis_lines, body_lines = _split_basis(paragraphs)
    basis_text = "\n".join(basis_lines) or None
    body = "\n".join(_collapse_blank_runs(body_lines)).strip("\n")
    blocks = parse_body(body)

    if (
        title_code is None
        and header.date is None
        and header.symbol is None
        and not closing.recipients
    ):
        raise _not_a_directive()
    return ExtractedDirective(
        superior_body=(" ".join(header.names[:-1]) or None) if header.names else None,
        issuing_body=header.names[-1] if header.names else None,
        kind=title_code or _known_code(header.code),
        number=header.number,
        symbol=header.symbol,
        place=header.place,
        date=header.date.isoformat() if header.date else None,
        subject=subject,
        addressees=addressees,
        basis=_basis_references(basis_text or ""),
        basis_text=basis_text,
        body=body,
        sections=[
            Section(marker=block.marker, title=block.text)
            for block in blocks
            if block.kind is BlockKind.SECTION
        ],
        deadlines=_deadlines([*basis_lines, *body_lines], header.date),
        materials=_materials([*body_lines, *appendix]),
        recipients=closing.recipients,
        signing_authority=closing.authority,
        signer_position=closing.position,
        signer_name=closing.name,
    )


def _not_a_directive() -> DirectiveImportError:
    return DirectiveImportError(
        "Không nhận ra văn bản chỉ đạo: không thấy số và ký hiệu (như “Số 32-HD/BTGĐUK”) hay tên "
        "loại văn bản (HƯỚNG DẪN, KẾ HOẠCH, CÔNG VĂN…) ở phần đầu.",
        code="not_a_directive",
    )


def _known_code(code: str | None) -> str | None:
    if code is None:
        return None
    for known in get_profile().type_codes:
        if known.upper() == code.upper():
            return known
    return code


def _find_last(folded: list[str], start: int, predicate: Callable[[str], bool]) -> int | None:
    for index in range(len(folded) - 1, start - 1, -1):
        if predicate(folded[index]):
            return index
    return None


# --- header ----------------------------------------------------------------------------------


def _title_code_of(line: str) -> str | None:
    if not line or any(ch.islower() for ch in line):
        return None
    return _TYPE_NAMES.get(re.sub(r"[\s*_#:.]", "", _key(line)))


def _find_title(folded: list[str]) -> tuple[int | None, str | None]:
    for index, line in enumerate(folded[:_HEADER_LINES]):
        if _BASIS_START.match(line) or _NOI_NHAN.match(line):
            break
        if code := _title_code_of(line):
            return index, code
    return None, None


def _fragments(line: str) -> list[str]:
    """A line's column fragments: Word's tab-separated cells, or pdftotext's wide gaps."""
    parts = [_fold(part) for part in _COLUMN_GAP.split(line.strip())]
    parts = [part for part in parts if part]
    merged: list[str] = []
    for part in parts:
        # A blank left to be filled in ("ngày    tháng 3 năm 2024") is not a column gap.
        if merged and (
            re.search(r"(?:\bngày|\btháng|\bnăm|\bSố|-)$", merged[-1], re.I)
            or re.match(r"^(?:tháng|năm|-)", part, re.I)
        ):
            merged[-1] = f"{merged[-1]} {part}"
        else:
            merged.append(part)
    return merged


def _read_header(lines: list[str], folded: list[str], title_at: int | None) -> _Header:
    limit = title_at if title_at is not None else min(len(lines), _HEADER_LINES)
    header = _Header(names=[])
    name_parts: list[str] = []
    subject: list[str] | None = None
    star_seen = False
    end = limit
    for index in range(limit):
        if title_at is None and _ends_untitled_header(folded[index], header, subject):
            end = index
            break
        for fragment in _fragments(lines[index]):
            if _PARTY_HEADER.match(fragment) or _STATE_MOTTO.match(fragment):
                continue
            if _MARKS.match(fragment):
                continue
            if _STAR.match(fragment):
                star_seen = True
                continue
            if _is_separator(fragment):
                continue
            if (
                header.symbol is None
                and header.code is None
                and (match := _NUMBER_LINE.match(fragment))
            ):
                _set_number(header, match)
                rest = _fold(match["rest"])
                if _SUBJECT_PREFIX.match(rest):
                    subject = [rest]
                continue
            if header.date is None and _set_date(header, fragment):
                continue
            if _SUBJECT_PREFIX.match(fragment) and (star_seen or header.code or header.symbol):
                subject = [fragment]
                continue
            if subject is not None:
                subject.append(fragment)
            elif not star_seen and header.code is None:
                # The date may come first: a table's right column, one line of each cell.
                name_parts.append(fragment)
    header.names = _group_names(name_parts)
    header.subject = subject
    header.end = end
    return header


def _ends_untitled_header(line: str, header: _Header, subject: list[str] | None) -> bool:
    """Where a công văn's header ends: at "Kính gửi", the basis or the first body paragraph."""
    if not line or (header.code is None and header.symbol is None):
        return False
    if _KINH_GUI.match(line) or _BASIS_START.match(line) or _NOI_NHAN.match(line):
        return True
    kind = _line_kind(line)
    if kind is not BlockKind.PARAGRAPH:
        return True
    if len(line) > 120:
        return True
    if _DATE_LINE.match(line) or _DATE_LINE_SHORT.match(line) or _NUMBER_LINE.match(line):
        return False
    return subject is not None and line[-1] in ".:;" and header.date is not None


def _set_number(header: _Header, match: re.Match[str]) -> None:
    if match["code"]:
        header.code = match["code"]
        if match["num"]:
            header.number = int(match["num"])
            header.symbol = f"{match['num']}-{match['code']}/{match['issuer']}"
    else:
        header.code = match["scode"]
        header.number = int(match["snum"])
        year = f"{match['syear']}/" if match["syear"] else ""
        header.symbol = f"{match['snum']}/{year}{match['scode']}-{match['sissuer']}"


def _set_date(header: _Header, fragment: str) -> bool:
    match = _DATE_LINE.match(fragment) or _DATE_LINE_SHORT.match(fragment)
    if not match:
        return False
    day = _make_date(match["y"], match["m"], match["d"])
    if day is None:
        return False
    header.date = day
    place = match["place"].strip(" ,")
    header.place = place or None
    return True


def _make_date(year: str, month: str, day: str) -> datetime.date | None:
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError:
        return None


def _is_separator(line: str) -> bool:
    return bool(_SEPARATOR.fullmatch(line)) and len(re.sub(r"[^-–—_=*~]", "", line)) >= 3


def _group_names(parts: list[str]) -> list[str]:
    """Left-column lines grouped into bodies: a line opening with a body word starts a new one."""
    names: list[list[str]] = []
    for part in parts:
        if not names or _key(part).startswith(_BODY_HEADS):
            names.append([part])
        else:
            names[-1].append(part)
    return [" ".join(name) for name in names]


def _read_subject(folded: list[str], title_at: int) -> tuple[str | None, int]:
    """The trích yếu under the type name: up to the "-----" rule, or the first blank line."""
    stop = min(len(folded), title_at + 16)
    for index in range(title_at + 1, stop):
        line = folded[index]
        if _is_separator(line):
            subject = [text for text in folded[title_at + 1 : index] if text]
            return " ".join(subject) or None, index + 1
        if _starts_content(line):
            break
    subject = []
    index = title_at + 1
    while index < len(folded) and not folded[index]:
        index += 1
    while index < len(folded) and folded[index] and not _starts_content(folded[index]):
        subject.append(folded[index])
        index += 1
    return " ".join(subject) or None, index


def _starts_content(line: str) -> bool:
    return bool(
        _BASIS_START.match(line)
        or _KINH_GUI.match(line)
        or _NOI_NHAN.match(line)
        or (line and _line_kind(line) is not BlockKind.PARAGRAPH)
    )


def _read_addressees(folded: list[str], start: int) -> tuple[list[str], int]:
    index = start
    while index < len(folded) and not folded[index]:
        index += 1
    if index >= len(folded) or not (match := _KINH_GUI.match(folded[index])):
        return [], start
    addressees = [match["rest"]] if match["rest"] else []
    index += 1
    while index < len(folded):
        line = folded[index]
        if not line:
            index += 1
            continue
        if re.match(r"^[-–+•]\s", line):
            addressees.append(line[2:].strip())
        elif addressees and line[0].islower():
            addressees[-1] = f"{addressees[-1]} {line}"
        else:
            break
        index += 1
    return [_fold(addressee) for addressee in addressees if addressee], index


# --- body ------------------------------------------------------------------------------------


def _line_kind(line: str) -> BlockKind:
    blocks = parse_body(line)
    return blocks[0].kind if blocks else BlockKind.PARAGRAPH


def _line_text(line: str) -> str:
    blocks = parse_body(line)
    return blocks[0].text if blocks else line


def _join_hard_wraps(raw_lines: list[str]) -> list[str]:
    """Lines broken inside a sentence (PDF, wrapped Markdown) joined back; blank lines kept.

    In a PDF's laid-out text a paragraph's first line is indented and the others are not, so a
    flush-left line under a full-width one continues it even after a full stop.
    """
    laid_out = _is_laid_out(raw_lines)
    width = max((len(line.rstrip()) for line in raw_lines), default=0)
    out: list[str] = []
    previous_raw = ""
    for raw in raw_lines:
        line = _fold(raw)
        if (
            out
            and line
            and out[-1]
            and (
                _continues(out[-1], line)
                or (laid_out and _continues_laid_out(previous_raw, raw, width, out[-1], line))
            )
        ):
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
        previous_raw = raw
    return out


def _is_laid_out(raw_lines: list[str]) -> bool:
    lines = [line for line in raw_lines if line.strip()]
    indented = sum(1 for line in lines if line.startswith("  "))
    return len(lines) >= 5 and 0.1 * len(lines) <= indented < 0.8 * len(lines)


def _continues_laid_out(previous_raw: str, raw: str, width: int, previous: str, line: str) -> bool:
    return (
        not raw[:1].isspace()
        and len(previous_raw.rstrip()) >= 0.85 * width
        and _line_kind(line) is BlockKind.PARAGRAPH
        and _line_kind(previous) is not BlockKind.SECTION
        and not _NOI_NHAN.match(line)
    )


def _continues(previous: str, line: str) -> bool:
    if _line_kind(line) is not BlockKind.PARAGRAPH:
        return False
    if _URL.fullmatch(line.rstrip(".,;")) and _line_kind(previous) is not BlockKind.SECTION:
        return True  # "Bài viết của Tổng Bí thư:" / "https://…": a link on its own line
    if ends_sentence(previous):
        return False
    if _line_kind(previous) is BlockKind.SECTION or is_mostly_upper(previous):
        return is_mostly_upper(line)  # a heading wraps onto an upper-case line only
    if _NOI_NHAN.match(line) or (_BASIS_START.match(line) and len(previous) < _WRAP_MIN):
        return False
    first = line[0]
    if first.islower() or first.isdigit() or first in "(“\"'‘«[/":
        return True
    return len(previous) >= _WRAP_MIN


def _split_basis(paragraphs: list[str]) -> tuple[list[str], list[str]]:
    """The leading "Thực hiện…" / "Căn cứ…" paragraphs (and a closing "… như sau:"), and the rest."""
    index = 0
    while index < len(paragraphs) and not paragraphs[index]:
        index += 1
    basis: list[str] = []
    while index < len(paragraphs) and (
        not paragraphs[index] or _BASIS_START.match(paragraphs[index])
    ):
        if paragraphs[index]:
            basis.append(paragraphs[index])
        index += 1
    if basis and not basis[-1].endswith(":"):
        following = index
        while following < len(paragraphs) and not paragraphs[following]:
            following += 1
        if (
            following < len(paragraphs)
            and paragraphs[following].endswith(":")
            and _line_kind(paragraphs[following]) is BlockKind.PARAGRAPH
        ):
            basis.append(paragraphs[following])
            index = following + 1
    while basis and index > 0 and not paragraphs[index - 1]:
        index -= 1
    return basis, paragraphs[index:]


def _basis_references(text: str) -> list[BasisReference]:
    """The documents named in the basis paragraphs; one named inside another's subject ("… về
    tiếp tục thực hiện Chỉ thị số 05-CT/TW …") is not implemented directly and is left out."""
    references: list[BasisReference] = []
    for paragraph in text.split("\n"):
        previous_end: int | None = None
        for match in _REFERENCE.finditer(paragraph):
            if match["code"] and not match["num"]:
                continue
            issuer, issuer_end = _issuer_after(paragraph, match.end())
            gap = paragraph[previous_end : match.start()] if previous_end is not None else ""
            previous_end = issuer_end
            if _NESTING.search(gap.rsplit(";", 1)[-1]):
                continue
            if match["code"]:
                code = match["code"]
                symbol = f"{match['num']}-{match['code']}/{match['issuer']}"
            else:
                code = match["scode"]
                year = f"{match['syear']}/" if match["syear"] else ""
                symbol = f"{match['snum']}/{year}{match['scode']}-{match['sissuer']}"
            kind = _known_code(code)
            if match["word"] and kind not in get_profile().type_codes:
                kind = _KIND_BY_WORD.get(_key(match["word"]), kind)
            references.append(
                BasisReference(
                    kind=kind,
                    symbol=symbol.replace(" ", ""),
                    date=_reference_date(match["date"]),
                    issuer=issuer,
                )
            )
    return references


def _issuer_after(paragraph: str, position: int) -> tuple[str | None, int]:
    match = re.match(r"\s*,?\s*của\s+", paragraph[position:])
    if not match:
        return None, position
    start = position + match.end()
    stop = _ISSUER_STOP.search(paragraph, start)
    end = stop.start() if stop else len(paragraph)
    issuer = paragraph[start:end].strip(" .,;")
    return issuer or None, end


def _reference_date(text: str | None) -> str | None:
    if not text:
        return None
    numbers = re.findall(r"\d+", text)
    if len(numbers) != 3:
        return None
    day = _make_date(numbers[2], numbers[1], numbers[0])
    return day.isoformat() if day else None


# --- deadlines and materials -----------------------------------------------------------------


def _sentences(text: str) -> list[str]:
    sentences: list[str] = []
    start = 0
    for match in re.finditer(r"[.!?…][\"'”’»)]*\s+", text):
        following = text[match.end() : match.end() + 1]
        word_before = re.search(r"(\S+)[.!?…][\"'”’»)]*\s+$", text[start : match.end()])
        if not following or not (following.isupper() or following in '“"('):
            continue
        if word_before and word_before[1] in _ABBREVIATIONS:
            continue
        sentences.append(text[start : match.end()].strip())
        start = match.end()
    sentences.append(text[start:].strip())
    return [sentence for sentence in sentences if sentence]


def _deadlines(lines: list[str], issued: datetime.date | None) -> list[Deadline]:
    found: list[Deadline] = []
    earliest = issued - _DEADLINE_SLACK if issued else None
    for line in lines:
        if not line:
            continue
        for sentence in _sentences(_line_text(line)):
            for deadline in _sentence_deadlines(sentence, earliest):
                if deadline not in found:
                    found.append(deadline)
    return found


def _sentence_deadlines(sentence: str, earliest: datetime.date | None) -> list[Deadline]:
    """Dates and months in one sentence, leaving out the dates of documents it names and those
    before the directive itself; "từ ngày 01/6 đến ngày 30/6/2024" and "trong tháng 4 và tháng
    5/2024" take their year from the date that follows."""
    taken = [match.span() for match in _REFERENCE.finditer(sentence) if match["date"]]

    def free(span: tuple[int, int]) -> bool:
        return all(span[1] <= start or span[0] >= end for start, end in taken)

    dates: list[tuple[int, datetime.date]] = []
    months: list[tuple[int, int, int]] = []
    for pattern in (_FULL_DATE_WORDS, _FULL_DATE_DIGITS):
        for match in pattern.finditer(sentence):
            day = _make_date(match["y"], match["m"], match["d"])
            if day is not None and free(match.span()):
                taken.append(match.span())
                dates.append((match.start(), day))
    for match in _MONTH_YEAR.finditer(sentence):
        if free(match.span()) and 1 <= int(match["m"]) <= 12:
            taken.append(match.span())
            months.append((match.start(), int(match["y"]), int(match["m"])))
    years = sorted([(start, day.year) for start, day in dates] + [(s, y) for s, y, _ in months])

    def year_after(position: int) -> int | None:
        return next((year for start, year in years if start > position), None)

    for match in _DAY_MONTH.finditer(sentence):
        year = year_after(match.start())
        day = _make_date(str(year), match["m"], match["d"]) if year and free(match.span()) else None
        if day is not None:
            taken.append(match.span())
            dates.append((match.start(), day))
    for match in _MONTH_ALONE.finditer(sentence):
        year = year_after(match.start())
        if year and free(match.span()) and 1 <= int(match["m"]) <= 12:
            taken.append(match.span())
            months.append((match.start(), year, int(match["m"])))

    hits: list[tuple[int, Deadline]] = [
        (start, Deadline(text=sentence, date=day.isoformat(), month=None))
        for start, day in dates
        if earliest is None or day >= earliest
    ]
    hits += [
        (start, Deadline(text=sentence, date=None, month=f"{year:04d}-{month:02d}"))
        for start, year, month in months
        if earliest is None or (year, month) >= (earliest.year, earliest.month)
    ]
    return [deadline for _, deadline in sorted(hits, key=lambda hit: hit[0])]


def _materials(lines: list[str]) -> list[Material]:
    """Study materials: the items under a "Tài liệu…" heading, and every linked title."""
    materials: list[Material] = []
    heading_level: int | None = None
    previous_text = ""
    for line in lines:
        if not line:
            continue
        block = parse_body(line)[0]
        text = block.text
        label, _, inline = text.partition(":")
        if block.kind is not BlockKind.BULLET and _is_materials_heading(block.kind, label, text):
            heading_level = block.level
            if inline.strip():
                _add_material(materials, _material_from(inline.strip(), previous_text))
        elif heading_level is not None and (
            block.kind is BlockKind.BULLET
            or (block.kind is BlockKind.ITEM and block.level > heading_level)
        ):
            _add_material(materials, _material_from(text, previous_text))
        elif heading_level is not None and re.fullmatch(r"\(.*\)\.?", text):
            pass  # "(Kèm theo Kế hoạch số …)" under the heading of an appendix
        else:
            heading_level = None
            for material in _linked_materials(text, previous_text):
                _add_material(materials, material)
        previous_text = text
    return materials


def _is_materials_heading(kind: BlockKind, label: str, text: str) -> bool:
    if not _MATERIALS_HEADING.match(label) or len(label) > 100:
        return False
    return kind is not BlockKind.PARAGRAPH or text.endswith(":") or is_mostly_upper(label)


def _add_material(materials: list[Material], material: Material | None) -> None:
    if material is None:
        return
    for existing in materials:
        if (material["url"] and existing["url"] == material["url"]) or (
            not material["url"] and existing["title"] == material["title"]
        ):
            return
    materials.append(material)


def _clean_url(url: str) -> str:
    return url.rstrip(".,;:!?")


def _clean_title(title: str) -> str:
    # "Đề cương …, đăng tại Trang thông tin điện tử …": the title stops where its place begins.
    title = _WHERE_PUBLISHED.split(title, maxsplit=1)[0]
    title = _URL_CONNECTORS.sub("", title.strip())
    return title.strip(" .,;:-–")


def _material_from(text: str, previous_text: str) -> Material | None:
    match = _URL.search(text)
    if not match:
        title = _clean_title(text)
        return Material(title=title, url=None) if title else None
    url = _clean_url(match[0])
    title = _clean_title(text[: match.start()])
    if not title:
        after = text[match.start() + len(url) :].strip(" .,;:()")
        title = _clean_title(after) or _clean_title(previous_text)
    return Material(title=title, url=url) if title else Material(title=url, url=url)


def _linked_materials(text: str, previous_text: str) -> list[Material]:
    materials: list[Material] = []
    start = 0
    for match in _URL.finditer(text):
        url = _clean_url(match[0])
        chunk = text[start : match.start()]
        # The title sits in the same sentence as the link.
        chunk = _sentences(chunk)[-1] if chunk.strip() else ""
        label, colon, rest = chunk.partition(":")
        if colon and _MATERIALS_HEADING.match(label) and rest.strip():
            chunk = rest
        title = _clean_title(chunk)
        if not title:
            title = _clean_title(previous_text) if not materials else ""
        materials.append(Material(title=title or url, url=url))
        start = match.start() + len(url)
    return materials


# --- closing block ---------------------------------------------------------------------------


@dataclass
class _Signature:
    recipients: list[str] = field(default_factory=list)
    authority: str | None = None
    position: str | None = None
    name: str | None = None


def _appendix_start(folded: list[str], start: int, end: int) -> int:
    for index in range(start, end):
        if _APPENDIX.match(folded[index]) and is_mostly_upper(folded[index]):
            return index
    return end


def _read_closing(lines: list[str]) -> _Signature:
    """Recipients and signature from "Nơi nhận:" on, whatever the order of the two columns."""
    signature = _Signature()
    signature_lines: list[str] = []
    fragments: list[str] = []
    for position, line in enumerate(lines):
        parts = _fragments(line)
        if position == 0 and parts and (match := _NOI_NHAN.match(parts[0])):
            parts = [match["rest"], *parts[1:]] if match["rest"] else parts[1:]
        if parts and _APPENDIX.match(parts[0]) and is_mostly_upper(parts[0]):
            break
        fragments.extend(parts)
    position_seen = False
    for fragment in fragments:
        if _SIGNED_MARK.match(fragment):
            continue
        if re.match(r"^[-–+•]\s*\S", fragment):
            signature.recipients.append(re.sub(r"^[-–+•]\s*", "", fragment))
        elif position_seen and (_is_name(fragment) or _is_upper_name(fragment)):
            signature_lines.append(fragment)
        elif _is_signature_line(fragment):
            signature_lines.append(fragment)
            position_seen = True
        elif signature.recipients and not _is_name(fragment):
            # A wrapped recipient line: "- Đ/c Trịnh Minh Thắng, UVBTV," / "Chủ nhiệm …,".
            signature.recipients[-1] = f"{signature.recipients[-1]} {fragment}"
        else:
            signature_lines.append(fragment)
    _read_signature(signature, signature_lines)
    return signature


def _is_signature_line(line: str) -> bool:
    # A line ending in "," or ";" continues a recipient ("Chủ nhiệm Ủy ban Kiểm tra Thành ủy,").
    if line[-1] in ",;" or _line_kind(line) is not BlockKind.PARAGRAPH or len(line) > 80:
        return False
    return bool(_AUTHORITY.match(line) or is_mostly_upper(line) or _POSITION_WORDS.match(line))


def _is_name(line: str) -> bool:
    words = line.split()
    if not 2 <= len(words) <= 6:
        return False
    return all(
        word[0].isupper() and (word[1:].islower() or len(word) == 1) for word in words
    ) and all(ch.isalpha() or ch.isspace() for ch in line)


def _is_upper_name(line: str) -> bool:
    words = line.split()
    return 2 <= len(words) <= 6 and words[0] in _SURNAMES and all(w.isalpha() for w in words)


def _read_signature(signature: _Signature, lines: list[str]) -> None:
    upper = [line for line in lines if _is_signature_line(line) and not _is_upper_name(line)]
    names = [line for line in lines if line not in upper]
    if names:
        signature.name = names[-1]
    if not upper:
        return
    if _AUTHORITY.match(upper[0]):
        if len(upper) == 1:
            signature.authority = upper[0]
            return
        signature.authority = " ".join(upper[:-1])
        signature.position = upper[-1]
    else:
        signature.position = " ".join(upper)


def _signature_start(folded: list[str], start: int, end: int) -> int | None:
    """Where a signature block stands at the end of ``folded[start:end]`` (when it precedes
    "Nơi nhận", or there is none): a name under upper-case authority and position lines."""
    first: int | None = None
    name_seen = upper_seen = False
    index = end - 1
    while index >= start:
        line = folded[index]
        if not line or _SIGNED_MARK.match(line):
            index -= 1
            continue
        if not name_seen and not upper_seen and (_is_name(line) or _is_upper_name(line)):
            name_seen = True
        elif _is_signature_line(line):
            upper_seen = True
        else:
            break
        first = index
        index -= 1
    return first if upper_seen else None
