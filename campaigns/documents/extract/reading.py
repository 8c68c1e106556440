"""Reading a directive file (.txt, .md, .docx or a PDF's text layer) into plain text."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

import docx
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.hyperlink import Hyperlink
from docx.text.paragraph import Paragraph

from campaigns.documents.extract.errors import DirectiveImportError

MAX_BYTES = 20 * 1024 * 1024
TEXT_SUFFIXES = frozenset({".txt", ".text", ".md", ".markdown"})
SUPPORTED = ".docx, .txt, .md hoặc .pdf có lớp chữ"
PDF_TIMEOUT_SECONDS = 60


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
    declared = getattr(source, "size", None)  # Django's UploadedFile knows its size
    if isinstance(declared, int) and declared > MAX_BYTES:
        raise _too_big(declared)
    data = source.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise _too_big(declared if isinstance(declared, int) else len(data))
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
        # An abstract id can be missing from a malformed file; such lists still share counters.
        self._abstract_of: dict[str, str | None] = {}
        self._counters: dict[str | None, dict[int, int]] = {}
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
    # python-docx declares numPr (and its numId, ilvl) as ZeroOrOne descriptors rather than the
    # element or None that they give, so the numbering properties are Any here.
    ppr = paragraph._p.pPr
    num_pr: Any = ppr.numPr if ppr is not None else None
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
