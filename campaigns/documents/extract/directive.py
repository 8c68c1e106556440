"""The whole extraction: ``extract_directive_text`` and the ``ExtractedDirective`` it returns."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any, TypedDict

from campaigns.documents.body import BlockKind, parse_body
from campaigns.documents.extract.basis import BasisReference, basis_references, split_basis
from campaigns.documents.extract.closing import (
    Signature,
    appendix_start,
    read_closing,
    read_signature,
    signature_start,
)
from campaigns.documents.extract.deadlines import Deadline, find_deadlines
from campaigns.documents.extract.errors import DirectiveImportError
from campaigns.documents.extract.header import (
    find_title,
    read_addressees,
    read_header,
    read_subject,
)
from campaigns.documents.extract.materials import Material, find_materials
from campaigns.documents.extract.normalise import clean_text, collapse_blank_runs, fold
from campaigns.documents.extract.paragraphs import join_hard_wraps
from campaigns.documents.extract.vocabulary import NOI_NHAN, known_code


class Section(TypedDict):
    marker: str  # "I-", "II."
    title: str  # "MỤC ĐÍCH, YÊU CẦU"


@dataclass(frozen=True, slots=True)
class ExtractedDirective:
    """Everything read from one directive; strings are NFC and trimmed, None when not found."""

    layout: str | None  # "party" (ĐẢNG CỘNG SẢN VIỆT NAM), "state" (the Quốc hiệu) or None
    superior_body: str | None
    issuing_body: str | None
    kind: str | None
    number: int | None  # None when the copy leaves it blank ("Số:      /UBND-VX")
    symbol: str | None  # as written: "32-HD/BTGĐUK", "45/KH-UBND", "/UBND-VX" when unnumbered
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


def extract_directive_text(text: str) -> dict[str, Any]:
    """The fields of the directive in ``text`` as plain data (see ``ExtractedDirective``).

    Raises ``DirectiveImportError`` (a ValueError) when the text is empty or is not a directive.
    """
    return extract_directive(text).as_dict()


def extract_directive(text: str) -> ExtractedDirective:
    """Like ``extract_directive_text``, as a typed object."""
    if not text or not text.strip():
        raise DirectiveImportError("Văn bản rỗng: không có nội dung nào để đọc.", code="empty")
    lines = clean_text(text).split("\n")
    folded = [fold(line) for line in lines]

    title = find_title(folded)
    title_at, title_code = (title.index, title.code) if title else (None, None)
    header = read_header(lines, folded, title_at)
    # A number, a type name or the header of a party or state document: anything less is not a
    # document a clerk would register.
    if not header.numbered and title_code is None and header.layout is None:
        raise _not_a_directive()

    if title is not None:
        subject, start = read_subject(folded, title)
    else:
        subject = " ".join(header.subject) if header.subject else None
        start = header.end
    addressees, start = read_addressees(folded, start)

    noi_at = _find_last(folded, start, lambda line: bool(NOI_NHAN.match(line)))
    closing = read_closing(lines[noi_at:]) if noi_at is not None else Signature()
    end = noi_at if noi_at is not None else len(lines)
    end = appendix_start(folded, start, end)
    if closing.position is None and closing.name is None:
        signature_at = signature_start(folded, start, end)
        if signature_at is not None:
            closing = Signature(recipients=closing.recipients)
            read_signature(closing, [folded[i] for i in range(signature_at, end) if folded[i]])
            end = signature_at

    appendix = join_hard_wraps(lines[appendix_start(folded, end, len(lines)) :])
    paragraphs = join_hard_wraps(lines[start:end])
    basis_lines, body_lines = split_basis(paragraphs)
    basis_text = "\n".join(basis_lines) or None
    body = "\n".join(collapse_blank_runs(body_lines)).strip("\n")
    blocks = parse_body(body)

    if (
        title_code is None
        and not header.dated
        and header.symbol is None
        and header.layout is None
        and not closing.recipients
    ):
        raise _not_a_directive()
    return ExtractedDirective(
        layout=header.layout,
        superior_body=(" ".join(header.names[:-1]) or None) if header.names else None,
        issuing_body=header.names[-1] if header.names else None,
        # A document without a type name is a công văn ("123/UBND-VX", or no number at all).
        kind=title_code or known_code(header.code) or "CV",
        number=header.number,
        symbol=header.symbol,
        place=header.place,
        date=header.date.isoformat() if header.date else None,
        subject=subject,
        addressees=addressees,
        basis=basis_references(basis_text or ""),
        basis_text=basis_text,
        body=body,
        sections=[
            Section(marker=block.marker, title=block.text)
            for block in blocks
            if block.kind is BlockKind.SECTION
        ],
        deadlines=find_deadlines([*basis_lines, *body_lines], header.date),
        materials=find_materials([*body_lines, *appendix]),
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


def _find_last(folded: list[str], start: int, predicate: Callable[[str], bool]) -> int | None:
    for index in range(len(folded) - 1, start - 1, -1):
        if predicate(folded[index]):
            return index
    return None
