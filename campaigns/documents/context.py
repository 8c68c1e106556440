"""The plain data a directive's renderers need: every line already written, no query left to do."""

from __future__ import annotations

from dataclasses import dataclass, field

from campaigns.documents.body import Block
from campaigns.documents.headlines import header_lines
from campaigns.documents.profiles import FormatProfile


@dataclass(frozen=True, slots=True)
class DocumentContext:
    """One directive as printed. Built by a selector; rendered as HTML, PDF and .docx alike.

    Every string is final text, NFC, as it appears on the page (before the profile's upper-casing
    of the header lines, which the renderers apply), so a renderer never decides wording.
    """

    profile: FormatProfile
    # "Đảng ủy Khối cơ quan Dân Chính Đảng TP Cần Thơ"; a "\n" is the author's line break.
    superior_body: str
    issuing_body: str  # "Ban Tuyên giáo"
    number_line: str  # "Số 32-HD/BTGĐUK"; a draft: "Số     -HD/BTGĐUK"
    date_line: str  # "Cần Thơ, ngày 29 tháng 3 năm 2024"
    type_code: str  # "HD"
    type_name: str  # "Hướng dẫn"; "" for a công văn, whose subject sits under the number
    subject: str  # trích yếu, may hold line breaks the author chose
    basis: str  # "Thực hiện Hướng dẫn số 52-HD/BTGTU …, như sau:"; "" when none
    blocks: tuple[Block, ...]  # the parsed body
    recipients: tuple[str, ...]  # "Nơi nhận" lines as written, without the leading "- "
    signing_authority: str  # "T/M BAN THƯỜNG VỤ"; "" when the head signs in person
    signer_position: str  # "TRƯỞNG BAN"
    signer_name: str  # "Nguyễn Văn Sẵn"
    is_draft: bool = False
    title: str = field(default="")  # file name stem and PDF title, e.g. "32-HD-BTGĐUK"

    @property
    def has_title(self) -> bool:
        return bool(self.type_name)

    @property
    def superior_lines(self) -> tuple[str, ...]:
        """The superior body as printed, line by line: the author's breaks, else balanced ones
        that fit the header column (headlines.header_lines)."""
        return header_lines(self.superior_body, self.profile.superior_body, self.profile)

    @property
    def issuing_lines(self) -> tuple[str, ...]:
        return header_lines(self.issuing_body, self.profile.issuing_body, self.profile)
