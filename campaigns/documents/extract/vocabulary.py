"""What the extractor recognises: document kinds, symbols, dates, signature words, as patterns."""

from __future__ import annotations

import datetime
import re

from campaigns.documents.extract.normalise import fold, loose
from campaigns.documents.profiles import get_profile

# Old-style tone placement ("Uỷ", "hoà") compares equal to the new one ("Ủy", "hòa").
_TONE_PLACEMENT = {
    "UỶ": "ỦY", "UÝ": "ÚY", "UỲ": "ÙY", "UỸ": "ŨY", "UỴ": "ỤY",
    "OÀ": "ÒA", "OÁ": "ÓA", "OẢ": "ỎA", "OÃ": "ÕA", "OẠ": "ỌA",
    "OÈ": "ÒE", "OÉ": "ÓE", "OẺ": "ỎE", "OẼ": "ÕE", "OẸ": "ỌE",
}  # fmt: skip
_TONE_RE = re.compile("|".join(_TONE_PLACEMENT))


def compare_key(text: str) -> str:
    """Upper case, folded, with old-style tone placement: for comparing, never for output."""
    return _TONE_RE.sub(lambda m: _TONE_PLACEMENT[m[0]], fold(text).upper())


def _type_names() -> dict[str, str]:
    names = {compare_key(t.name).replace(" ", ""): t.code for t in get_profile().document_types}
    names |= {"QUYĐỊNH": "QĐ", "THÔNGBÁOKẾTLUẬN": "TB"}
    return names


# Document kinds: type names in a title ("HƯỚNG DẪN") and kind words in a reference.
TYPE_NAMES = _type_names()
_KIND_WORDS = sorted(
    [t.name for t in get_profile().document_types] + ["Quy định", "Thông báo kết luận"],
    key=len,
    reverse=True,
)
KIND_BY_WORD = {
    compare_key(word): code
    for word, code in zip(
        _KIND_WORDS, [TYPE_NAMES[compare_key(w).replace(" ", "")] for w in _KIND_WORDS], strict=True
    )
}
_KIND_WORD_RE = "|".join(loose(word) for word in _KIND_WORDS)
# Type names that open a title line followed by its subject, longest first.
TITLE_PREFIXES = tuple((compare_key(word), code) for word, code in KIND_BY_WORD.items())


# Dates and symbols ("Số 32-HD/BTGĐUK", "Số 12/2024/NĐ-CP").
_DAY = r"(?P<d>\d{1,2})"
_MONTH = r"(?P<m>\d{1,2})"
_YEAR = r"(?P<y>\d{4})"
_NGAY, _THANG, _NAM = loose("ngày"), loose("tháng"), loose("năm")
# Party: "32-HD/BTGĐUK" (number-KIND/BODY). State (Nghị định 30/2020/NĐ-CP): "45/KH-UBND"
# (number/KIND-BODY), "123/UBND-VX" (number/BODY-DEPARTMENT: a công văn), "12/2024/NĐ-CP".
_SYMBOL = r"(?P<num>\d{1,6})?\s*[-–]\s*(?P<code>[A-Za-zĐđ]{1,4})\s*/\s*(?P<issuer>[^\W_]+(?:[-.][^\W_]+)*)"
_STATE_PART = r"[A-ZĐ][A-Za-zĐđ0-9&]*(?:\.[A-Za-zĐđ0-9&]+)*"
_STATE_SYMBOL = (
    r"(?P<snum>\d{1,6}[a-z]?)?\s*/\s*(?:(?P<syear>\d{4})\s*/\s*)?"
    rf"(?P<scode>{_STATE_PART})(?P<sissuer>(?:\s*[-–]\s*{_STATE_PART})+)"
)
NUMBER_LINE = re.compile(rf"^{loose('Số')}\s*:?\s*(?:{_SYMBOL}|{_STATE_SYMBOL})(?P<rest>.*)$", re.I)
DATE_LINE = re.compile(
    rf"^(?P<place>[^\d]*?)\s*,?\s*{_NGAY}\s*{_DAY}\s*{_THANG}\s*{_MONTH}\s*{_NAM}\s*{_YEAR}\s*\.?$",
    re.I,
)
# A copy whose day (or month) is left blank to be written in by hand: "Cần Thơ, ngày    tháng 3
# năm 2024". The place is read; the date is left for the reader.
DATE_LINE_BLANK = re.compile(
    rf"^(?P<place>[^\d,]*?)\s*,\s*{_NGAY}\s*(?:\d{{1,2}}|[.…]+)?\s*{_THANG}\s*(?:\d{{1,2}}|[.…]+)?"
    rf"\s*{_NAM}\s*(?:\d{{4}}|[.…]+)?\s*\.?$",
    re.I,
)
DATE_LINE_SHORT = re.compile(
    rf"^(?P<place>[^\d,]+?)\s*,\s*(?:{_NGAY}\s*)?{_DAY}\s*(?P<sep>[/.-])\s*{_MONTH}\s*(?P=sep)\s*{_YEAR}\s*\.?$",
    re.I,
)


# Header lines that are not bodies, and where the header hands over to the text.
_PARTY = r"ĐẢNG\s*CỘNG\s*SẢN\s*VIỆT\s*NAM"
# The Quốc hiệu and its motto, in either tone placement ("CỘNG HOÀ") and any case.
_NATION = r"CỘNG\s*H(?:ÒA|OÀ)\s*XÃ\s*HỘI\s*CHỦ\s*NGHĨA\s*VIỆT\s*NAM"
_MOTTO = r"Độc\s*lập\s*[-–]\s*Tự\s*do\s*[-–]\s*Hạnh\s*phúc"
PARTY_HEADER = re.compile(rf"^{_PARTY}$", re.I)
STATE_MOTTO = re.compile(rf"^(?:{_NATION}|{_MOTTO})$", re.I)
# The same marks inside a line whose column gap was lost ("ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI…").
LAYOUT_MARK = re.compile(rf"(?P<party>{_PARTY})|(?P<state>{_NATION}|{_MOTTO})", re.I)
MARKS = re.compile(r"^\(?(?:DỰ\s*THẢO|MẬT|TỐI\s*MẬT|KHẨN|HỎA\s*TỐC|THƯỢNG\s*KHẨN)\)?$", re.I)
STAR = re.compile(r"^\*(?:\s*\*)*$")
SEPARATOR = re.compile(r"^[-–—_=*~·.\s]*(?:o\s?[0O]\s?o)?[-–—_=*~·.\s]*$")
SUBJECT_PREFIX = re.compile(r"^(?:V\s*/\s*[vV]|Về\s+việc)\b", re.I)
GLUED_STARS = re.compile(r"\*{3,}")  # "TỈNH AN GIANG******": the decoration under a name
KINH_GUI = re.compile(rf"^{loose('Kính gửi')}\s*:?\s*(?P<rest>.*)$", re.I)
NOI_NHAN = re.compile(rf"^[-*]?\s*{loose('Nơi nhận')}\s*:?\s*(?P<rest>.*)$", re.I)
BASIS_START = re.compile(
    rf"^(?:[-–+•]\s*)?(?:{loose('Thực hiện')}|{loose('Căn cứ')}|Thi\s+hành|Tiếp\s+theo"
    r"|Theo\s+(?:chỉ\s+đạo|đề\s+nghị|tinh\s+thần))\b",
)


# The closing block and the signature.
APPENDIX = re.compile(r"^(?:PHỤ\s*LỤC|Phụ\s+lục)\b")
# "T/M", "K/T" (party); "TM.", "KT.", "TL.", "TUQ." (state, Nghị định 30/2020/NĐ-CP).
AUTHORITY = re.compile(r"^(?:[TK]\s*[/.]\s*[MTL]\.?|TM\.|KT\.|TL\.|TUQ\.)\s*[^\W\d_]")
# Lines of the closing block that are neither recipient nor signature: a Word footer giving the
# file's path ("d:\\2011\\CV\\…"), punctuation left alone on a line (";", ". . . .").
CLOSING_NOISE = re.compile(r"^(?:[A-Za-z]:?\\\S.*|[\W_]+)$")
SIGNED_MARK = re.compile(r"^(?:[(\[].*(?:ký|dấu|ky).*[)\]]|Đã\s+ký\.?|\[?chữ\s+ký\]?)$", re.I)
POSITION_WORDS = re.compile(
    r"^(?:Phó\s+)?(?:Bí\s+thư|Trưởng\s+ban|Chủ\s+nhiệm|Chánh\s+Văn\s+phòng|Chủ\s+tịch|Giám\s+đốc|Trưởng\s+phòng)\b",
    re.I,
)
SURNAMES = frozenset((
    "NGUYỄN", "TRẦN", "LÊ", "PHẠM", "HOÀNG", "HUỲNH", "PHAN", "VŨ", "VÕ", "ĐẶNG", "BÙI", "ĐỖ",
    "HỒ", "NGÔ", "DƯƠNG", "LÝ", "ĐINH", "ĐÀO", "TRƯƠNG", "LƯU", "MAI", "TRỊNH", "LÂM", "CAO",
    "TÔ", "HÀ", "TẠ", "CHÂU", "THÁI", "QUÁCH", "LA", "DIỆP", "TĂNG", "KIỀU", "VƯƠNG", "TRIỆU",
))  # fmt: skip
BODY_HEADS = tuple(
    compare_key(head)
    for head in (
        "ĐẢNG BỘ", "ĐẢNG ỦY", "ĐẢNG ĐOÀN", "BAN ", "CHI BỘ", "TỈNH ỦY", "THÀNH ỦY", "HUYỆN ỦY",
        "QUẬN ỦY", "THỊ ỦY", "VĂN PHÒNG", "ỦY BAN", "ĐOÀN ", "HỘI ", "BỘ ", "SỞ ", "UBND",
        "CÔNG ĐOÀN", "MẶT TRẬN", "BCH ", "BTV ", "PHÒNG ", "TRƯỜNG", "CỤC ", "CHI CỤC",
        "TRUNG TÂM", "ĐỘI ", "LIÊN ĐỘI", "HỘI ĐỒNG", "VIỆN ", "ĐÀI ",
    )
)  # fmt: skip


# Links and study materials.
URL = re.compile(r"(?:https?://|www\.)[^\s<>“”\"'()\[\]]+", re.I)
URL_CONNECTORS = re.compile(
    r"(?:[\s:(\-–,;]|\b(?:(?:tại|ở)\s+đây|tại|theo|qua|xem|truy\s+cập|tải\s+về|(?:được\s+)?đăng(?:\s+tải)?"
    r"|(?:các\s+)?(?:địa\s+chỉ|đường\s+dẫn|đường\s+link|link|liên\s+kết|website)(?:\s+sau)?)\b)+$",
    re.I,
)
MATERIALS_HEADING = re.compile(
    r"^(?:phụ\s+lục\s*(?:[IVX\d]+\s*)?[:.–-]?\s*)?(?:danh\s+mục\s+)?tài\s+liệu\b", re.I
)
WHERE_PUBLISHED = re.compile(
    r",?\s+(?:được\s+)?(?:đăng(?:\s+tải)?\s+(?:tại|trên)|tại\s+(?:địa\s+chỉ|đường\s+dẫn|link))\b",
    re.I,
)


# A full stop after these does not end a sentence ("TP. Cần Thơ", "Nxb. Chính trị quốc gia").
ABBREVIATIONS = frozenset((
    "TP", "Tp", "TX", "ThS", "TS", "PGS", "GS", "BS", "KS", "CN", "St", "Đ/c", "đ/c", "Q", "P",
    "Tr", "tr", "VD", "vd", "Nxb", "NXB",
))  # fmt: skip
WRAP_MIN = 60  # a line this long that stops mid-sentence was wrapped, whatever comes next
# A line ending in one of these words stops mid-phrase: the next line continues it ("… của" /
# "Thủ tướng Chính phủ"), however short the line.
OPEN_ENDINGS = frozenset((
    "của", "và", "các", "những", "với", "cho", "trong", "theo", "tại", "về", "để", "đối", "là",
    "được", "từ", "đến", "hoặc", "nhằm",
))  # fmt: skip
HEADER_LINES = 60  # an untitled header ends within this many lines
DEADLINE_SLACK = datetime.timedelta(days=31)  # dates this long before the directive are history


# Dates and months in the text (deadlines) and the documents it names (basis).
FULL_DATE_WORDS = re.compile(
    rf"(?:{_NGAY}\s*)?\b{_DAY}\s*{_THANG}\s*{_MONTH}\s*{_NAM}\s*{_YEAR}", re.I
)
FULL_DATE_DIGITS = re.compile(
    rf"(?<![\d/.-]){_DAY}\s?(?P<sep>[/.-])\s?{_MONTH}\s?(?P=sep)\s?{_YEAR}(?![\d])"
)
_LUNAR = r"(?!\s*\(?\s*âm\s+lịch)"  # "10 tháng 3 âm lịch" is a lunar date, not a deadline
DAY_MONTH = re.compile(
    rf"{_NGAY}\s*{_DAY}\s*(?:[/-]\s*|{_THANG}\s*){_MONTH}(?!\s*(?:[/.-]|{_NAM})\s*\d){_LUNAR}",
    re.I,
)
MONTH_ALONE = re.compile(
    rf"(?<!\d)(?<!\d\s){_THANG}\s*{_MONTH}(?!\s*(?:[/.-]|{_NAM})\s*\d)(?![\d/]){_LUNAR}", re.I
)
# "từ ngày 23 đến ngày 26 tháng 02 năm 2006": the first day takes the month of the second.
DAY_BEFORE_RANGE_END = re.compile(
    rf"{_NGAY}\s*{_DAY}(?=\s*(?:đến|[-–])\s*(?:hết\s*)?(?:{_NGAY}\s*)?\d)", re.I
)
MONTH_YEAR = re.compile(rf"{_THANG}\s*{_MONTH}\s*(?:[/-]|{_NAM})\s*{_YEAR}(?!\d)", re.I)
REFERENCE = re.compile(
    rf"(?:(?P<word>{_KIND_WORD_RE})\s+)?(?:{loose('số')}\s*:?\s*)?(?:{_SYMBOL}|{_STATE_SYMBOL})"
    rf"(?:\s*,?\s*(?:ban\s+hành\s+)?{_NGAY}\s*(?P<date>\d{{1,2}}\s*[/.-]\s*\d{{1,2}}\s*[/.-]\s*\d{{4}}"
    rf"|\d{{1,2}}\s*{_THANG}\s*\d{{1,2}}\s*{_NAM}\s*\d{{4}}))?",
    re.I,
)
ISSUER_STOP = re.compile(
    r"\s*(?:[,;:()“”\"«»]|\.(?:\s|$)|\s(?=(?:về|V/v|v/v|triển\s+khai|tổ\s+chức|thực\s+hiện|hướng\s+dẫn"
    r"|ban\s+hành|nhằm|đối\s+với|trong|để|năm|đợt|quy\s+định|đã|khóa|khoá|tại"
    rf"|và\s+(?:{_KIND_WORD_RE}))(?:\s|$)))"
)
NESTING = re.compile(r"\b(?:về|V/v|v/v)\b|[“\"«]")
# Where a new document is named after a comma or "và" ("…, Công văn số …", "… và Điều 2 Quyết
# định của Ban Bí thư số …"): it is listed beside the one before, not named inside its subject.
NEW_REFERENCE = re.compile(rf"(?:,|\bvà\b)\s+(?:Điều\s+\d+\s+)?(?=(?:{_KIND_WORD_RE})\b)", re.I)
KIND_WORD_BEFORE = re.compile(rf"(?:{_KIND_WORD_RE})\s+$", re.I)
# "Chương trình phối hợp số 01/CTrPH-…": the type named a word or two before the number.
KIND_WORD_NEAR = re.compile(rf"(?P<word>{_KIND_WORD_RE})(?:\s+[^\W\d_]+){{1,2}}\s*$", re.I)
# "Quyết định của Bộ Chính trị số 31-QĐ/TW": the issuer written before the number.
ISSUER_BEFORE = re.compile(rf"(?:{_KIND_WORD_RE})\s+của\s+(?P<issuer>[^,;:()“”\"]+?)\s*$", re.I)


def known_code(code: str | None) -> str | None:
    """``code`` spelt as the profile spells it ("Hd" -> "HD"); an unknown code as written."""
    if code is None:
        return None
    for known in get_profile().type_codes:
        if known.upper() == code.upper():
            return known
    return code


def type_code(code: str) -> str | None:
    """The profile's type code that ``code`` spells ("kh" -> "KH"), or None for a body's code."""
    for known in get_profile().type_codes:
        if known.upper() == code.upper():
            return known
    return None


def make_date(year: str, month: str, day: str) -> datetime.date | None:
    """The date from matched digits, or None for one that does not exist ("31/02")."""
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError:
        return None
