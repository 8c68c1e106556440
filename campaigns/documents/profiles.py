"""Format profiles: every size, margin and rule of the official document layout, by name."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Align = Literal["left", "center", "right", "justify"]


@dataclass(frozen=True, slots=True)
class TextStyle:
    """How one element of a document is set: size in points, weight, slant and case."""

    size_pt: float
    bold: bool = False
    italic: bool = False
    underline: bool = False
    uppercase: bool = False
    align: Align = "center"


@dataclass(frozen=True, slots=True)
class DocumentType:
    """A document type: its code in the symbol ("HD") and its Vietnamese name ("Hướng dẫn")."""

    code: str
    name: str
    # A công văn has no type-name title: its subject sits under the number instead.
    has_title: bool = True


@dataclass(frozen=True, slots=True)
class FormatProfile:
    """One version of the official layout (FORMAT.md), stored on each issued document by name.

    Immutable and hashable, so a profile can be shared freely and used as a cache key. A new
    guidance means a new entry in PROFILES, never an edit to a profile already used to issue;
    only a value that misread its own guidance is corrected in place (an issued document keeps
    the PDF it was issued as, so no document of record changes; its .docx and preview follow).
    """

    name: str
    source: str

    # Page.
    paper: str = "A4"
    paper_width_mm: float = 210
    paper_height_mm: float = 297
    # Margins: practice; the primary text gives no figures.
    margin_top_mm: float = 20
    margin_bottom_mm: float = 20
    margin_left_mm: float = 30
    margin_right_mm: float = 15
    # Times New Roman metrics, Unicode (TCVN 6909:2001); "Portal Serif" is the vendored
    # Liberation Serif declared in the stylesheet below, so no system font is ever used.
    font_family: str = "Portal Serif"
    font_stylesheet: str = "fonts/portal-fonts.css"  # a static path

    # Body: 14 pt (the rule allows 14–15), justified.
    body: TextStyle = TextStyle(14, align="justify")
    body_size_range_pt: tuple[float, float] = (14, 15)
    # Indent, line height and spacing: practice ("about 1 cm", "about 1.3 or exactly 18 pt").
    first_line_indent_mm: float = 10
    # One exact figure for the PDF and the .docx alike: body lines 18.2 pt apart (1.3 × 14 pt);
    # text of another size keeps the same ratio to its size (``line_height``).
    line_spacing_pt: float = 18.2
    space_before_paragraph_pt: float = 6

    # Page numbers: practice; from page 2, centred in the top margin.
    page_number_from: int = 2
    page_number_position: Literal["top-center"] = "top-center"
    page_number: TextStyle = TextStyle(14)

    # Header, page 1: two columns of equal width; every element centred in its column.
    header_columns_equal: bool = True
    superior_body: TextStyle = TextStyle(14, uppercase=True)
    issuing_body: TextStyle = TextStyle(14, bold=True, uppercase=True)
    star: str = "*"
    star_style: TextStyle = TextStyle(14)
    number_prefix: str = "Số"  # no colon after it
    number_min_digits: int = 2  # "Số 05-HD/…"
    number_style: TextStyle = TextStyle(14)
    party_header: str = "ĐẢNG CỘNG SẢN VIỆT NAM"
    party_header_style: TextStyle = TextStyle(15, bold=True, uppercase=True)
    # A solid rule under the party header, as long as its text.
    party_rule: Literal["solid"] = "solid"
    party_rule_matches_text: bool = True
    date_style: TextStyle = TextStyle(14, italic=True)  # level with the number line
    # Pad day < 10 and months 1–2 with a zero ("ngày 05 tháng 02"); months ≥ 3 never are.
    pad_date: bool = True
    # Practice: each blank a draft leaves for the pen ("Số      -HD/…", "ngày      tháng      năm
    # 2026") is about as wide as a two-digit number written by hand.
    draft_blank_mm: float = 7.5

    # Title and body structure.
    type_name_style: TextStyle = TextStyle(15, bold=True, uppercase=True)  # rule: 15–16
    subject_style: TextStyle = TextStyle(14, bold=True)  # rule: 14–15
    title_separator: str = "-----"  # practice
    section_heading: TextStyle = TextStyle(14, bold=True, uppercase=True, align="left")
    section_number_format: str = "{roman}- {title}"  # "I- MỤC ĐÍCH, YÊU CẦU"
    item_number_bold: bool = True
    # Item markers by level: "1.", then "1.1.", then "a)", then "- " bullets.
    item_markers: tuple[str, ...] = ("{n}.", "{parent}.{n}.", "{letter})", "- ")
    # A công văn: subject in the left column under the number, 12 pt italic.
    cv_subject_style: TextStyle = TextStyle(12, italic=True)

    # Closing block: two columns.
    recipients_heading: str = "Nơi nhận:"
    recipients_heading_style: TextStyle = TextStyle(14, underline=True, align="left")  # practice
    recipient_line_style: TextStyle = TextStyle(12, align="left")
    recipient_line_prefix: str = "- "
    recipients_last_prefix: str = "- Lưu "  # the last line: "- Lưu Ban Tuyên giáo …"
    signing_authority_style: TextStyle = TextStyle(14, bold=True, uppercase=True)
    on_behalf_of_collective: str = "T/M"  # committees, standing boards, commissions, cells
    deputy_for_head: str = "K/T"
    delegated: str = "T/L"
    # Practice: bold, as every party document of the test corpus with its weights prints it
    # ("TRƯỞNG BAN" 09-HD/BTGĐUK, "PHÓ TRƯỞNG BAN" 05-HD/BTGTU, "BÍ THƯ" 03-KH/CB). Regular
    # until issue 14: a misreading of practice under this same guidance, corrected in place.
    signer_position_style: TextStyle = TextStyle(14, bold=True, uppercase=True)
    signature_blank_lines: int = 4  # the seal covers the signature's left third
    signer_name_style: TextStyle = TextStyle(14, bold=True)  # no titles before the name

    draft_mark: str = "DỰ THẢO"

    # Type codes with Vietnamese names. QĐ also stands for Quy định.
    document_types: tuple[DocumentType, ...] = field(
        default=(
            DocumentType("NQ", "Nghị quyết"),
            DocumentType("QĐ", "Quyết định"),
            DocumentType("CT", "Chỉ thị"),
            DocumentType("KL", "Kết luận"),
            DocumentType("QC", "Quy chế"),
            DocumentType("HD", "Hướng dẫn"),
            DocumentType("TB", "Thông báo"),
            DocumentType("BC", "Báo cáo"),
            DocumentType("KH", "Kế hoạch"),
            DocumentType("CTr", "Chương trình"),
            DocumentType("ĐA", "Đề án"),
            DocumentType("TTr", "Tờ trình"),
            DocumentType("CV", "Công văn", has_title=False),
            DocumentType("BB", "Biên bản"),
        )
    )

    def __post_init__(self) -> None:
        codes = [t.code for t in self.document_types]
        if len(set(codes)) != len(codes):
            raise ValueError(f"profile {self.name!r} repeats a type code: {codes}")

    @property
    def text_width_mm(self) -> float:
        """The text block's width: the paper less its side margins."""
        return self.paper_width_mm - self.margin_left_mm - self.margin_right_mm

    @property
    def line_height(self) -> float:
        """Line spacing as a multiple of the font size (1.3): CSS's line-height, and the .docx's
        exact spacing of text in any size."""
        return self.line_spacing_pt / self.body.size_pt

    @property
    def type_codes(self) -> tuple[str, ...]:
        return tuple(t.code for t in self.document_types)

    def document_type(self, code: str) -> DocumentType:
        """The type with this code; ValueError for a code the profile does not know."""
        for document_type in self.document_types:
            if document_type.code == code:
                return document_type
        raise ValueError(
            f"unknown document type code {code!r}; known: {', '.join(self.type_codes)}"
        )

    def type_name(self, code: str) -> str:
        """The Vietnamese name of a type code: "HD" → "Hướng dẫn"."""
        return self.document_type(code).name


class UnknownProfileError(LookupError):
    """A document names a format profile this code base does not have."""


# Each profile once used to issue a document stays here unchanged; a new guidance is a new entry.
PROFILES: dict[str, FormatProfile] = {
    "hd36-2018": FormatProfile(
        name="hd36-2018",
        source="Hướng dẫn 36-HD/VPTW (2018) under Quy định 66-QĐ/TW (2017)",
    ),
}
DEFAULT_PROFILE = "hd36-2018"


def get_profile(name: str = DEFAULT_PROFILE) -> FormatProfile:
    """The profile registered under this name; UnknownProfileError naming the known ones."""
    try:
        return PROFILES[name]
    except KeyError:
        known = ", ".join(sorted(PROFILES))
        raise UnknownProfileError(
            f"unknown document format profile {name!r}; known profiles: {known}"
        ) from None
