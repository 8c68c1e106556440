"""Deadlines: the dates and months the text sets, with the sentence that sets each."""

from __future__ import annotations

import datetime
from typing import TypedDict

from campaigns.documents.extract.paragraphs import line_text, split_sentences
from campaigns.documents.extract.vocabulary import (
    DAY_BEFORE_RANGE_END,
    DAY_MONTH,
    DEADLINE_SLACK,
    FULL_DATE_DIGITS,
    FULL_DATE_WORDS,
    MONTH_ALONE,
    MONTH_YEAR,
    REFERENCE,
    make_date,
)


class Deadline(TypedDict):
    """A date ("2024-10-10") or a month ("2024-04") stated in the text, with its sentence."""

    text: str
    date: str | None
    month: str | None


def find_deadlines(lines: list[str], issued: datetime.date | None) -> list[Deadline]:
    """Each date or month once, in text order; those over a month before ``issued`` are history."""
    found: list[Deadline] = []
    earliest = issued - DEADLINE_SLACK if issued else None
    for line in lines:
        if not line:
            continue
        for sentence in split_sentences(line_text(line)):
            for deadline in _sentence_deadlines(sentence, earliest):
                if deadline not in found:
                    found.append(deadline)
    return found


def _sentence_deadlines(sentence: str, earliest: datetime.date | None) -> list[Deadline]:
    """Dates and months in one sentence, leaving out the dates of documents it names and those
    before the directive itself; "từ ngày 01/6 đến ngày 30/6/2024" and "trong tháng 4 và tháng
    5/2024" take their year from the date that follows, "từ ngày 23 đến ngày 26 tháng 02 năm
    2006" its month too."""
    taken = [match.span() for match in REFERENCE.finditer(sentence) if match["date"]]

    def free(span: tuple[int, int]) -> bool:
        return all(span[1] <= start or span[0] >= end for start, end in taken)

    dates: list[tuple[int, datetime.date]] = []
    months: list[tuple[int, int, int]] = []
    for pattern in (FULL_DATE_WORDS, FULL_DATE_DIGITS):
        for match in pattern.finditer(sentence):
            day = make_date(match["y"], match["m"], match["d"])
            if day is not None and free(match.span()):
                taken.append(match.span())
                dates.append((match.start(), day))
    for match in MONTH_YEAR.finditer(sentence):
        if free(match.span()) and 1 <= int(match["m"]) <= 12:
            taken.append(match.span())
            months.append((match.start(), int(match["y"]), int(match["m"])))
    years = sorted([(start, day.year) for start, day in dates] + [(s, y) for s, y, _ in months])

    def year_after(position: int) -> int | None:
        return next((year for start, year in years if start > position), None)

    for match in DAY_MONTH.finditer(sentence):
        year = year_after(match.start())
        day = make_date(str(year), match["m"], match["d"]) if year and free(match.span()) else None
        if day is not None:
            taken.append(match.span())
            dates.append((match.start(), day))
    for match in DAY_BEFORE_RANGE_END.finditer(sentence):
        # "từ ngày 23 đến ngày 26 tháng 02 năm 2006": the month and year of the range's end.
        end = next((day for start, day in sorted(dates) if start > match.start()), None)
        if end is not None and free(match.span()):
            day = make_date(str(end.year), str(end.month), match["d"])
            if day is not None and day <= end:
                taken.append(match.span())
                dates.append((match.start(), day))
    for match in MONTH_ALONE.finditer(sentence):
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
