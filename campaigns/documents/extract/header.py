"""The header: issuing bodies, number and symbol, place and date, subject and addressees."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from campaigns.documents.body import BlockKind
from campaigns.documents.extract.normalise import column_fragments, fold
from campaigns.documents.extract.paragraphs import line_kind
from campaigns.documents.extract.vocabulary import (
    BASIS_START,
    BODY_HEADS,
    DATE_LINE,
    DATE_LINE_SHORT,
    HEADER_LINES,
    KINH_GUI,
    MARKS,
    NOI_NHAN,
    NUMBER_LINE,
    PARTY_HEADER,
    SEPARATOR,
    STAR,
    STATE_MOTTO,
    SUBJECT_PREFIX,
    TYPE_NAMES,
    compare_key,
    make_date,
)


@dataclass
class Header:
    """What the header gives; ``end`` is the line where an untitled header (a công văn) stops."""

    names: list[str]
    number: int | None = None
    symbol: str | None = None
    code: str | None = None
    place: str | None = None
    date: datetime.date | None = None
    subject: list[str] | None = None
    end: int = 0


def _title_code_of(line: str) -> str | None:
    if not line or any(ch.islower() for ch in line):
        return None
    return TYPE_NAMES.get(re.sub(r"[\s*_#:.]", "", compare_key(line)))


def find_title(folded: list[str]) -> tuple[int | None, str | None]:
    """The line holding the type name ("HƯỚNG DẪN") and its code, if the header has one."""
    for index, line in enumerate(folded[:HEADER_LINES]):
        if BASIS_START.match(line) or NOI_NHAN.match(line):
            break
        if code := _title_code_of(line):
            return index, code
    return None, None


def read_header(lines: list[str], folded: list[str], title_at: int | None) -> Header:
    """Bodies, number, place and date above the title, read fragment by fragment by what each is."""
    limit = title_at if title_at is not None else min(len(lines), HEADER_LINES)
    header = Header(names=[])
    name_parts: list[str] = []
    subject: list[str] | None = None
    star_seen = False
    end = limit
    for index in range(limit):
        if title_at is None and _ends_untitled_header(folded[index], header, subject):
            end = index
            break
        for fragment in column_fragments(lines[index]):
            if PARTY_HEADER.match(fragment) or STATE_MOTTO.match(fragment):
                continue
            if MARKS.match(fragment):
                continue
            if STAR.match(fragment):
                star_seen = True
                continue
            if _is_separator(fragment):
                continue
            if (
                header.symbol is None
                and header.code is None
                and (match := NUMBER_LINE.match(fragment))
            ):
                _set_number(header, match)
                rest = fold(match["rest"])
                if SUBJECT_PREFIX.match(rest):
                    subject = [rest]
                continue
            if header.date is None and _set_date(header, fragment):
                continue
            if SUBJECT_PREFIX.match(fragment) and (star_seen or header.code or header.symbol):
                subject = [fragment]
                continue
            if subject is not None:
                subject.append(fragment)
            elif not star_seen and header.code is None:
                # The date may come first: a table's right column, one line of each cell.
                name_parts.append(fragment)
    header.names = _group_names(name_parts)
    header.subject = subject
    header.end = end
    return header


def _ends_untitled_header(line: str, header: Header, subject: list[str] | None) -> bool:
    """Where a công văn's header ends: at "Kính gửi", the basis or the first body paragraph."""
    if not line or (header.code is None and header.symbol is None):
        return False
    if KINH_GUI.match(line) or BASIS_START.match(line) or NOI_NHAN.match(line):
        return True
    kind = line_kind(line)
    if kind is not BlockKind.PARAGRAPH:
        return True
    if len(line) > 120:
        return True
    if DATE_LINE.match(line) or DATE_LINE_SHORT.match(line) or NUMBER_LINE.match(line):
        return False
    return subject is not None and line[-1] in ".:;" and header.date is not None


def _set_number(header: Header, match: re.Match[str]) -> None:
    if match["code"]:
        header.code = match["code"]
        if match["num"]:
            header.number = int(match["num"])
            header.symbol = f"{match['num']}-{match['code']}/{match['issuer']}"
    else:
        header.code = match["scode"]
        header.number = int(match["snum"])
        year = f"{match['syear']}/" if match["syear"] else ""
        header.symbol = f"{match['snum']}/{year}{match['scode']}-{match['sissuer']}"


def _set_date(header: Header, fragment: str) -> bool:
    match = DATE_LINE.match(fragment) or DATE_LINE_SHORT.match(fragment)
    if not match:
        return False
    day = make_date(match["y"], match["m"], match["d"])
    if day is None:
        return False
    header.date = day
    place = match["place"].strip(" ,")
    header.place = place or None
    return True


def _is_separator(line: str) -> bool:
    return bool(SEPARATOR.fullmatch(line)) and len(re.sub(r"[^-–—_=*~]", "", line)) >= 3


def _group_names(parts: list[str]) -> list[str]:
    """Left-column lines grouped into bodies: a line opening with a body word starts a new one."""
    names: list[list[str]] = []
    for part in parts:
        if not names or compare_key(part).startswith(BODY_HEADS):
            names.append([part])
        else:
            names[-1].append(part)
    return [" ".join(name) for name in names]


def read_subject(folded: list[str], title_at: int) -> tuple[str | None, int]:
    """The trích yếu under the type name: up to the "-----" rule, or the first blank line."""
    stop = min(len(folded), title_at + 16)
    for index in range(title_at + 1, stop):
        line = folded[index]
        if _is_separator(line):
            subject = [text for text in folded[title_at + 1 : index] if text]
            return " ".join(subject) or None, index + 1
        if _starts_content(line):
            break
    subject = []
    index = title_at + 1
    while index < len(folded) and not folded[index]:
        index += 1
    while index < len(folded) and folded[index] and not _starts_content(folded[index]):
        subject.append(folded[index])
        index += 1
    return " ".join(subject) or None, index


def _starts_content(line: str) -> bool:
    return bool(
        BASIS_START.match(line)
        or KINH_GUI.match(line)
        or NOI_NHAN.match(line)
        or (line and line_kind(line) is not BlockKind.PARAGRAPH)
    )


def read_addressees(folded: list[str], start: int) -> tuple[list[str], int]:
    """The "Kính gửi" lines of a công văn at ``start``, and the line after them."""
    index = start
    while index < len(folded) and not folded[index]:
        index += 1
    if index >= len(folded) or not (match := KINH_GUI.match(folded[index])):
        return [], start
    addressees = [match["rest"]] if match["rest"] else []
    index += 1
    while index < len(folded):
        line = folded[index]
        if not line:
            index += 1
            continue
        if re.match(r"^[-–+•]\s", line):
            addressees.append(line[2:].strip())
        elif addressees and line[0].islower():
            addressees[-1] = f"{addressees[-1]} {line}"
        else:
            break
        index += 1
    return [fold(addressee) for addressee in addressees if addressee], index
