"""Text of a document's fixed lines: number and symbol, place and date, dates in basis lines."""

from __future__ import annotations

import datetime

from campaigns.documents.profiles import DEFAULT_PROFILE, FormatProfile, get_profile
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
