"""The header: issuing bodies, number and symbol, place and date, subject and addressees."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from campaigns.documents.body import BlockKind, is_mostly_upper
from campaigns.documents.extract.normalise import column_fragments, fold
from campaigns.documents.extract.paragraphs import line_kind
from campaigns.documents.extract.vocabulary import (
    BASIS_START,
    BODY_HEADS,
    DATE_LINE,
    DATE_LINE_BLANK,
    DATE_LINE_SHORT,
    GLUED_STARS,
    HEADER_LINES,
    KINH_GUI,
    LAYOUT_MARK,
    MARKS,
    NOI_NHAN,
    NUMBER_LINE,
    PARTY_HEADER,
    SEPARATOR,
    STAR,
    STATE_MOTTO,
    SUBJECT_PREFIX,
    TITLE_PREFIXES,
    TYPE_NAMES,
    compare_key,
    make_date,
    type_code,
)


@dataclass
class Header:
    """What the header gives; ``end`` is the line where an untitled header (a công văn) stops."""

    names: list[str]
    number: int | None = None
    symbol: str | None = None  # as written, without spaces; "/UBND-VX" when the number is blank
    code: str | None = None  # the type code the number carries ("HD"), if it carries one
    place: str | None = None
    date: datetime.date | None = None
    subject: list[str] | None = None
    layout: str | None = None  # "party" (ĐẢNG CỘNG SẢN VIỆT NAM) or "state" (the Quốc hiệu)
    numbered: bool = False  # a "Số …" line was read, even one whose number is left blank
    dated: bool = False  # a date line was read, even one whose day is left blank
    end: int = 0


@dataclass(frozen=True)
class Title:
    """The type name's line ("HƯỚNG DẪN"), its code, and the subject written on the same line."""

    index: int
    code: str
    rest: str = ""


def _title_code_of(line: str) -> str | None:
    if not line or any(ch.islower() for ch in line):
        return None
    return TYPE_NAMES.get(re.sub(r"[\s*_#:.]", "", compare_key(line)))


def _title_of(line: str) -> tuple[str, str] | None:
    """(code, subject on the same line) when ``line`` is a title: the type name alone, or the
    type name in capitals followed by the subject ("HƯỚNG DẪN VỀ THỂ THỨC VĂN BẢN CỦA ĐẢNG",
    "KẾ HOẠCH Phát động phong trào…", as web pages and old files run them together)."""
    if code := _title_code_of(line):
        return code, ""
    key = compare_key(line)
    for name, code in TITLE_PREFIXES:
        if key.startswith(f"{name} ") and not any(ch.islower() for ch in line[: len(name)]):
            rest = line[len(name) :].strip(" :")
            if rest and not SUBJECT_PREFIX.match(line):
                return code, rest
    return None


def find_title(folded: list[str]) -> Title | None:
    """The line holding the type name ("HƯỚNG DẪN") and its code, if the header has one."""
    for index, line in enumerate(folded[:HEADER_LINES]):
        if BASIS_START.match(line) or NOI_NHAN.match(line) or KINH_GUI.match(line):
            break
        if title := _title_of(line):
            return Title(index, *title)
    return None


def read_header(lines: list[str], folded: list[str], title_at: int | None) -> Header:
    """Bodies, number, place and date above the title, read fragment by fragment by what each is.

    A fragment that is only part of one ("Số:" / "59/BC-LĐTBXH", "Hà" / "Nội, ngày 06 tháng 07
    năm 2010", as web pages wrap table cells) is read together with the next.
    """
    limit = title_at if title_at is not None else min(len(lines), HEADER_LINES)
    reader = _HeaderReader()
    header = reader.header
    fragments = [(index, part) for index in range(limit) for part in _fragments(lines[index])]
    end = limit
    position = 0
    line_seen = -1
    while position < len(fragments):
        index, fragment = fragments[position]
        if index != line_seen:
            line_seen = index
            if title_at is None and _ends_untitled_header(folded[index], header, reader.subject):
                end = index
                break
        if position + 1 < len(fragments) and (
            joined := _joined(fragment, fragments[position + 1][1])
        ):
            fragment = joined
            position += 1
        reader.read(fragment)
        position += 1
    header.names = _group_names(reader.name_parts)
    header.subject = reader.subject
    header.end = end
    return header


class _HeaderReader:
    """Reads header fragments in order, deciding what each one is."""

    def __init__(self) -> None:
        self.header = Header(names=[])
        self.name_parts: list[str] = []
        self.subject: list[str] | None = None
        self.star_seen = False

    def read(self, fragment: str) -> None:
        header = self.header
        if mark := LAYOUT_MARK.fullmatch(fragment):
            header.layout = header.layout or ("party" if mark["party"] else "state")
            return
        if MARKS.match(fragment) or _is_separator(fragment):
            return
        if STAR.match(fragment):
            self.star_seen = True
            return
        if not header.numbered and (match := NUMBER_LINE.match(fragment)):
            _set_number(header, match)
            rest = fold(match["rest"])
            if SUBJECT_PREFIX.match(rest):
                self.subject = [rest]
            elif rest and not header.dated:
                _set_date(header, rest)  # "Số: 454/UBND-NCTH Vị Thanh, ngày 6 tháng 4 năm 2011"
            return
        if not header.dated and _set_date(header, fragment):
            return
        if SUBJECT_PREFIX.match(fragment) and (
            self.star_seen or header.numbered or self.name_parts
        ):
            self.subject = [fragment]
            return
        if self.subject is not None:
            self.subject.append(fragment)
        elif not self.star_seen and not header.numbered:
            # The date may come first: a table's right column, one line of each cell.
            self.name_parts.append(fragment)


def _fragments(line: str) -> list[str]:
    """A header line's fragments: its columns, with the Quốc hiệu, the party's name and glued
    stars split off when the gap between the columns was lost ("TỈNH HẬU GIANG Độc Lập - Tự Do
    - Hạnh Phúc", "UỶ BAN NHÂN DÂN TỈNH AN GIANG******")."""
    out: list[str] = []
    for fragment in column_fragments(line):
        start = 0
        pieces: list[str] = []
        for mark in LAYOUT_MARK.finditer(fragment):
            pieces += [fragment[start : mark.start()], mark[0]]
            start = mark.end()
        pieces.append(fragment[start:])
        for piece in pieces:
            for part in re.split(f"({GLUED_STARS.pattern})", piece):
                part = "*" if GLUED_STARS.fullmatch(part) else fold(part)
                if part:
                    out.append(part)
    return out


def _recognised(fragment: str) -> bool:
    return bool(
        LAYOUT_MARK.fullmatch(fragment)
        or MARKS.match(fragment)
        or STAR.match(fragment)
        or _is_separator(fragment)
        or NUMBER_LINE.match(fragment)
        or _date_match(fragment)
        or SUBJECT_PREFIX.match(fragment)
    )


def _joined(fragment: str, following: str) -> str | None:
    """``fragment`` and ``following`` as one, when they are the two halves of one header line."""
    if _recognised(fragment):
        return None
    joined = f"{fragment} {following}"
    if STATE_MOTTO.match(joined) or PARTY_HEADER.match(joined):
        return joined
    if re.fullmatch(r"Số\s*:?", fragment, re.I):
        return joined if NUMBER_LINE.match(joined) else None
    date = _date_match(following)
    if (
        date
        and len(fragment) <= 30
        and " " not in date["place"].strip(" ,")
        and not is_mostly_upper(fragment)
        and not re.search(r"[\d.,:;]", fragment)
        and _date_match(joined)
    ):
        return joined  # a place name wrapped in its cell: "Hà" / "Nội, ngày 06 tháng 07 năm 2010"
    return None


def _date_match(text: str) -> re.Match[str] | None:
    return DATE_LINE.match(text) or DATE_LINE_SHORT.match(text) or DATE_LINE_BLANK.match(text)


def _ends_untitled_header(line: str, header: Header, subject: list[str] | None) -> bool:
    """Where a công văn's header ends: at "Kính gửi", the basis or the first body paragraph."""
    if not line or (not header.numbered and header.layout is None):
        return False
    if KINH_GUI.match(line) or BASIS_START.match(line) or NOI_NHAN.match(line):
        return True
    if _date_match(line) or NUMBER_LINE.match(line) or SUBJECT_PREFIX.match(line):
        return False
    kind = line_kind(line)
    if kind is not BlockKind.PARAGRAPH:
        return True
    if len(line) > 120:
        return True
    return subject is not None and line[-1] in ".:;" and header.dated


def _set_number(header: Header, match: re.Match[str]) -> None:
    header.numbered = True
    if match["code"]:
        header.code = match["code"]
        header.number = int(match["num"]) if match["num"] else None
        header.symbol = f"{match['num'] or ''}-{match['code']}/{match['issuer']}"
        return
    parts = [match["scode"], *re.split(r"\s*[-–]\s*", match["sissuer"].strip(" -–"))]
    number = match["snum"] or ""
    year = f"{match['syear']}/" if match["syear"] else ""
    header.symbol = f"{number}/{year}{'-'.join(parts)}"
    header.number = int(number) if number.isdigit() else None
    # "45/KH-UBND" carries its type; "123/UBND-VX" (a công văn) names the body first.
    header.code = type_code(match["scode"])


def _set_date(header: Header, fragment: str) -> bool:
    match = DATE_LINE.match(fragment) or DATE_LINE_SHORT.match(fragment)
    if match:
        day = make_date(match["y"], match["m"], match["d"])
        if day is None:
            return False
        header.date = day
    elif match := DATE_LINE_BLANK.match(fragment):
        header.date = None  # left blank to be written in by hand: the reader fills it in
    else:
        return False
    header.dated = True
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


def read_subject(folded: list[str], title: Title) -> tuple[str | None, int]:
    """The trích yếu under the type name: up to the "-----" rule, or the first blank line (and
    a last word wrapped after it: "… Tân Sửu" / "" / "năm 2021")."""
    head = [title.rest] if title.rest else []
    stop = min(len(folded), title.index + 16)
    for index in range(title.index + 1, stop):
        line = folded[index]
        if _is_separator(line):
            subject = [*head, *(text for text in folded[title.index + 1 : index] if text)]
            return " ".join(subject) or None, index + 1
        if _starts_content(line):
            break
    subject = list(head)
    index = title.index + 1
    if not head:
        while index < len(folded) and not folded[index]:
            index += 1
    while index < len(folded) and folded[index] and not _starts_content(folded[index]):
        subject.append(folded[index])
        index += 1
    while subject:
        following = index
        while following < len(folded) and not folded[following]:
            following += 1
        line = folded[following] if following < len(folded) else ""
        if following == index or not line or not (line[0].islower() or line[0].isdigit()):
            break
        if _starts_content(line):
            break
        while (
            following < len(folded) and folded[following] and not _starts_content(folded[following])
        ):
            subject.append(folded[following])
            following += 1
        index = following
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
    # "Kính gửi:  -  Các đồng chí …": the first of several on the same line.
    rest = re.sub(r"^[-–+•]\s+", "", match["rest"])
    addressees = [rest] if rest else []
    index += 1
    while index < len(folded):
        line = folded[index]
        if not line:
            index += 1
            continue
        if re.match(r"^[-–+•]\s", line):
            addressees.append(line[2:].strip())
        elif (
            addressees
            and (
                line[0].islower()
                or (addressees[-1].endswith(",") and line_kind(line) is BlockKind.PARAGRAPH)
            )
            and not BASIS_START.match(line)
        ):
            # A wrapped name: "Hiệu trưởng các trường Mầm non, Tiểu học," / "THCS trên địa bàn…"
            addressees[-1] = f"{addressees[-1]} {line}"
        else:
            break
        index += 1
    return [fold(addressee) for addressee in addressees if addressee], index
