"""The real directive 32-HD/BTGĐUK (Cần Thơ, 2024) as a DocumentContext, for renderer tests."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import docx
from docx.enum.text import WD_BREAK

from campaigns.documents.body import parse_body
from campaigns.documents.context import DocumentContext
from campaigns.documents.profiles import FormatProfile, get_profile

# A copy of shared/reference/, kept as test data.
REFERENCE = (
    Path(__file__).resolve().parents[1] / "fixtures" / "huong-dan-32-HD-BTGDUK-can-tho-2024.txt"
)

SUPERIOR_BODY = "Đảng ủy Khối cơ quan Dân Chính Đảng TP Cần Thơ"
ISSUING_BODY = "Ban Tuyên giáo"
NUMBER_LINE = "Số 32-HD/BTGĐUK"
DRAFT_NUMBER_LINE = "Số     -HD/BTGĐUK"  # a draft has no number yet
DATE_LINE = "Cần Thơ, ngày 29 tháng 3 năm 2024"
SIGNER_POSITION = "Trưởng ban"
SIGNER_NAME = "Nguyễn Văn Sẵn"


def _lines() -> list[str]:
    return [line.strip() for line in REFERENCE.read_text(encoding="utf-8").splitlines()]


def _index(lines: list[str], predicate: Callable[[str], bool]) -> int:
    return next(i for i, line in enumerate(lines) if predicate(line))


def reference_subject() -> str:
    """The trích yếu as the file breaks it: the lines between the type name and "-----"."""
    lines = _lines()
    start = _index(lines, lambda line: line == "HƯỚNG DẪN") + 1
    end = _index(lines, lambda line: line == "-----")
    return "\n".join(line for line in lines[start:end] if line)


def reference_recipients() -> tuple[str, ...]:
    """The "Nơi nhận" lines without their "- ", a hard-wrapped line joined to its start."""
    lines = _lines()
    start = _index(lines, lambda line: line == "Nơi nhận:") + 1
    end = _index(lines, lambda line: line == "TRƯỞNG BAN")
    recipients: list[str] = []
    for line in filter(None, lines[start:end]):
        if line.startswith("- "):
            recipients.append(line[2:])
        else:
            recipients[-1] = f"{recipients[-1]} {line}"
    return tuple(recipients)


def reference_context(
    *, is_draft: bool = False, profile: FormatProfile | None = None
) -> DocumentContext:
    """Hướng dẫn 32-HD/BTGĐUK with its header typed as data and its body parsed from the file."""
    lines = _lines()
    basis_at = _index(lines, lambda line: line.startswith("Thực hiện Hướng dẫn số 52"))
    closing_at = _index(lines, lambda line: line == "Nơi nhận:")
    profile = profile or get_profile()
    return DocumentContext(
        profile=profile,
        superior_body=SUPERIOR_BODY,
        issuing_body=ISSUING_BODY,
        number_line=DRAFT_NUMBER_LINE if is_draft else NUMBER_LINE,
        date_line=DATE_LINE,
        type_code="HD",
        type_name=profile.type_name("HD"),
        subject=reference_subject(),
        basis=lines[basis_at],
        blocks=tuple(parse_body("\n".join(lines[basis_at + 1 : closing_at]))),
        recipients=reference_recipients(),
        signing_authority="",
        signer_position=SIGNER_POSITION,
        signer_name=SIGNER_NAME,
        is_draft=is_draft,
        title="32-HD-BTGĐUK",
    )


def reference_docx() -> bytes:
    """The reference typed into Word as people do: the header and the closing block as
    borderless two-column tables, the body as paragraphs."""
    lines = [line.strip() for line in _lines()]
    document = docx.Document()
    header = document.add_table(rows=1, cols=2)
    left, right = header.rows[0].cells
    left.text = "ĐẢNG ỦY KHỐI CƠ QUAN"
    for text in ("DÂN CHÍNH ĐẢNG TP CẦN THƠ", "BAN TUYÊN GIÁO", "*", "Số 32-HD/BTGĐUK"):
        left.add_paragraph(text)
    right.text = "ĐẢNG CỘNG SẢN VIỆT NAM"
    for text in ("---------------", "Cần Thơ, ngày 29 tháng 3 năm 2024"):
        right.add_paragraph(text)
    document.add_paragraph("HƯỚNG DẪN")
    subject = document.add_paragraph(lines[15])
    for line in (lines[17], lines[18]):  # the author's line breaks inside the subject
        run = subject.add_run()
        run.add_break(WD_BREAK.LINE)
        subject.add_run(line)
    document.add_paragraph("-----")
    closing_at = lines.index("Nơi nhận:")
    for line in lines[22:closing_at]:
        if line:
            document.add_paragraph(line)
    closing = document.add_table(rows=1, cols=2)
    recipients, signature = closing.rows[0].cells
    recipients.text = "Nơi nhận:"
    for line in filter(None, lines[closing_at + 1 : lines.index("TRƯỞNG BAN")]):
        recipients.add_paragraph(line)
    signature.text = "TRƯỞNG BAN"
    for text in ("", "", "", "Nguyễn Văn Sẵn"):
        signature.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
