"""Text of a document's fixed lines: number and symbol, place and date (a draft's with blanks for the
pen), dates in basis lines, and a title's balanced line breaks."""

from __future__ import annotations

import datetime

from campaigns.documents.profiles import DEFAULT_PROFILE, FormatProfile, TextStyle, get_profile
from campaigns.documents.text import nfc


def _code(value: str, *, what: str) -> str:
    code = nfc(value.strip())
    if not code:
        raise ValueError(f"{what} must not be empty")
    if any(ch.isspace() or ch in "-/" for ch in code):
        # The symbol is parsed back on "-" and "/"; a code holding them would be ambiguous.
        raise ValueError(f"{what} {value!r} must not contain spaces, '-' or '/'")
    return code


def document_symbol(*, number: int, type_code: str, issuer_code: str) -> str:
    """The symbol "{n}-{TYPE}/{ISSUER}": `32-HD/BTGĐUK`, with a leading zero below 10.

    Numbers run per issuing body, type and term, so five and more digits are allowed.
    """
    if isinstance(number, bool) or not isinstance(number, int):
        raise TypeError(f"document number must be an int, not {type(number).__name__}")
    if number < 1:
        raise ValueError(f"document number must be 1 or more, not {number}")
    type_code = _code(type_code, what="type code")
    issuer_code = _code(issuer_code, what="issuer code")
    return f"{number:02d}-{type_code}/{issuer_code}"


def number_line(symbol: str, profile: FormatProfile | None = None) -> str:
    """The header's number line: "Số 32-HD/BTGĐUK", with no colon after "Số"."""
    symbol = nfc(symbol.strip())
    if not symbol:
        raise ValueError("symbol must not be empty")
    return f"{(profile or get_profile(DEFAULT_PROFILE)).number_prefix} {symbol}"


def date_line(*, place: str, day: datetime.date, profile: FormatProfile) -> str:
    """The header's place and date: "Cần Thơ, ngày 29 tháng 3 năm 2024".

    With `profile.pad_date`, a day below 10 and the months 1 and 2 get a leading zero
    ("ngày 05 tháng 02 năm 2026"), so that no digit can be added in front of them; months
    from 3 on are never padded.
    """
    place = nfc(place.strip())
    if not place:
        raise ValueError("place must not be empty")
    return nfc(f"{place}, {date_words(day, profile)}")


def date_words(day: datetime.date, profile: FormatProfile) -> str:
    """ "ngày 29 tháng 3 năm 2024", padded as `date_line` says."""
    if profile.pad_date:
        day_text = f"{day.day:02d}"
        month_text = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    else:
        day_text, month_text = str(day.day), str(day.month)
    return f"ngày {day_text} tháng {month_text} năm {day.year}"


def short_date(day: datetime.date) -> str:
    """A date inside a basis line, unpadded: "Hướng dẫn số 52-HD/BTGTU ngày 14/3/2024"."""
    return f"{day.day}/{day.month}/{day.year}"


# ---------------------------------------------------------------------------- drafts' blanks

_PT_PER_MM = 72 / 25.4


def _width_pt(text: str, style: TextStyle, profile: FormatProfile) -> float:
    """Advance width in the vendored face; a quarter em a character when it declares none."""
    from campaigns.documents.render.fonts import text_width_pt  # the fonts need the app loaded

    width = text_width_pt(text.upper() if style.uppercase else text, style, profile)
    return width if width is not None else len(text) * style.size_pt / 4


def blank_run(style: TextStyle, profile: FormatProfile) -> str:
    """Spaces as wide as the profile's draft blank, set in `style`: room for the pen that the
    renderers keep (the PDF's number and date lines preserve spaces, and so does Word)."""
    space_pt = _width_pt(" ", style, profile)
    return " " * max(1, round(profile.draft_blank_mm * _PT_PER_MM / space_pt))


def draft_number_line(*, type_code: str, issuer_code: str, profile: FormatProfile) -> str:
    """An unnumbered draft's number line, "Số      -HD/BTGĐUK": the office writes the number."""
    blank = blank_run(profile.number_style, profile)
    return f"{profile.number_prefix}{blank}-{type_code}/{issuer_code}"


def draft_date_line(*, place: str, year: int, profile: FormatProfile) -> str:
    """An undated draft's place and date, "Cần Thơ, ngày      tháng      năm 2026"; without a
    place, "Ngày      tháng      năm 2026"."""
    blank = blank_run(profile.date_style, profile)
    words = f"ngày{blank}tháng{blank}năm {year}"
    place = nfc(place.strip())
    return f"{place}, {words}" if place else words.capitalize()


# ---------------------------------------------------------------------------- balanced lines


# Words that begin a phrase, where real subjects break ("… về nội dung / tác phẩm …", "… /
# của Tổng Bí thư …").
_PHRASE_STARTS = frozenset({"của", "và", "về", "các", "cho", "trong", "tại", "theo", "với", "để"})
_OPENING = "“\"'(["


def _is_capital(word: str) -> bool:
    letters = word.lstrip(_OPENING)
    return bool(letters) and letters[0].isupper()


def _break_penalty(before: str, after: str) -> float:
    """What breaking between two syllables costs, in points of raggedness. A Vietnamese word is
    one to three syllables written apart, so a break may fall inside one: after a capitalised
    syllable it likely does ("Đại | hội", "Việt | Nam"); after a comma, before an opening quote
    or a word that begins a phrase it does not."""
    if before.endswith((",", ";", ":")) or after[:1] in _OPENING or after in _PHRASE_STARTS:
        return 0
    if _is_capital(before):
        return 60  # inside a word or a name
    return 5 if _is_capital(after) else 30  # a name begins; or maybe inside "học | tập"


def balanced_lines(
    text: str, style: TextStyle, width_mm: float, profile: FormatProfile
) -> list[str]:
    """`text` broken into the fewest lines that fit `width_mm`, as even as those lines can be,
    so that a centred title never ends on a short tail ("… Nguyễn Phú / Trọng"), breaking
    between phrases rather than inside a word where evenness allows.

    Browsers' `text-wrap: balance` does this, but WeasyPrint and Word do not: the breaks go into
    the text. A word wider than the line stands alone on its line.
    """
    words = text.split()
    if not words:
        return []
    # A little room, so that shaping (kerning) never pushes a line over the renderer's edge.
    limit = width_mm * _PT_PER_MM * 0.99
    widths = [_width_pt(word, style, profile) for word in words]
    space = _width_pt(" ", style, profile)
    starts = [0.0]
    for width in widths:
        starts.append(starts[-1] + width)

    def line(i: int, j: int) -> float:  # words[i:j] on one line
        return starts[j] - starts[i] + (j - i - 1) * space

    def fits(i: int, j: int) -> bool:
        return j - i == 1 or line(i, j) <= limit

    count, i = 0, 0
    while i < len(words):  # greedy filling gives the fewest lines
        j = i + 1
        while j < len(words) and fits(i, j + 1):
            j += 1
        count, i = count + 1, j
    if count == 1:
        return [" ".join(words)]
    # cost[k][j]: the least cost of setting words[:j] on k lines: each line's slack squared,
    # which favours even lines over a full line and a short one, and each break's penalty.
    inf = float("inf")
    n = len(words)
    cost = [[inf] * (n + 1) for _ in range(count + 1)]
    back = [[0] * (n + 1) for _ in range(count + 1)]
    cost[0][0] = 0.0
    for k in range(1, count + 1):
        for j in range(k, n + 1):
            for i in range(k - 1, j):
                if cost[k - 1][i] == inf or not fits(i, j):
                    continue
                value = cost[k - 1][i] + (limit - line(i, j)) ** 2
                if j < n:
                    value += _break_penalty(words[j - 1], words[j]) ** 2
                if value < cost[k][j]:
                    cost[k][j], back[k][j] = value, i
    lines, j = [], n
    for k in range(count, 0, -1):
        i = back[k][j]
        lines.append(" ".join(words[i:j]))
        j = i
    return lines[::-1]


def column_width_mm(profile: FormatProfile) -> float:
    """The width text may take in a header or closing column: half the text block less the
    cells' padding on both sides."""
    from campaigns.documents.render.layout import CELL_PADDING_MM

    return profile.text_width_mm / 2 - 2 * CELL_PADDING_MM


def subject_text(subject: str, profile: FormatProfile, *, has_title: bool = True) -> str:
    """The trích yếu as printed: each line the author wrote, balanced over the width it is set
    in (the text block under a type name; a công văn's left column, under its number)."""
    if has_title:
        style, width = profile.subject_style, profile.text_width_mm
    else:
        style, width = profile.cv_subject_style, column_width_mm(profile)
    lines = []
    for written in nfc(subject).splitlines():
        lines += balanced_lines(written, style, width, profile) or [""]
    return "\n".join(lines).strip("\n")
