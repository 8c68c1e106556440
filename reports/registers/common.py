"""What both registers share: headers, the year chosen, text matching."""

from __future__ import annotations

import datetime
from collections.abc import Mapping

from django.utils import timezone

from campaigns.models import Directive
from units.models import fold_for_search

PER_PAGE = 50
# The printed columns, in order: the page, the .xlsx and the PDF head their tables with these.
OUTGOING_HEADERS = (
    "Số và ký hiệu",
    "Ngày",
    "Tên loại và trích yếu",
    "Người ký",
    "Nơi nhận",
    "Số bản",
    "Ghi chú",
)
INCOMING_HEADERS = (
    "Ngày đến",
    "Số đến",
    "Tác giả",
    "Số và ký hiệu",
    "Ngày văn bản",
    "Trích yếu",
    "Người hoặc đơn vị xử lý",
    "Hạn xử lý",
    "Ghi chú",
)
NO_HANDLER = "none"  # the handler filter's value for lines nobody was given yet
ISSUED = (Directive.Status.ISSUED, Directive.Status.REPLACED)
NOTE_SEPARATOR = "; "


def year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    """The local year as aware datetimes [1 January, next 1 January): indexable on a timestamp."""
    zone = timezone.get_current_timezone()
    start = datetime.datetime(year, 1, 1, tzinfo=zone)
    return start, datetime.datetime(year + 1, 1, 1, tzinfo=zone)


def typed_id(raw: str) -> int | None:
    """A row id typed into a query string, or None for anything else (however long)."""
    return int(raw) if raw.isdigit() and len(raw) <= 18 else None


def chosen_year(params: Mapping[str, str], today: datetime.date) -> int:
    year = typed_id((params.get("year") or "").strip()) or today.year
    return year if 1900 <= year <= today.year + 1 else today.year


def folded_words(text: str) -> list[str]:
    return fold_for_search(text).split()


def matches_all(words: list[str], folded: str) -> bool:
    """Every word typed appears in the line, tone marks and case aside."""
    return all(word in folded for word in words)


def open_years(first: int | None, chosen: int, today: datetime.date) -> list[int]:
    """The years a register may be opened at, newest first: from its first line to this year."""
    oldest = min(first or today.year, chosen, today.year)
    return list(range(max(today.year, chosen), oldest - 1, -1))
