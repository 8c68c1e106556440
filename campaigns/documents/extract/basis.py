"""The basis paragraphs ("Thực hiện…", "Căn cứ…") and the documents they name."""

from __future__ import annotations

import re
from typing import TypedDict

from campaigns.documents.body import BlockKind
from campaigns.documents.extract.paragraphs import line_kind
from campaigns.documents.extract.vocabulary import (
    BASIS_START,
    ISSUER_STOP,
    KIND_BY_WORD,
    NESTING,
    REFERENCE,
    compare_key,
    known_code,
    make_date,
)
from campaigns.documents.profiles import get_profile


class BasisReference(TypedDict):
    """A document the directive implements: "Hướng dẫn số 52-HD/BTGTU ngày 14/3/2024 của …"."""

    kind: str | None
    symbol: str
    date: str | None
    issuer: str | None


def split_basis(paragraphs: list[str]) -> tuple[list[str], list[str]]:
    """The leading "Thực hiện…" / "Căn cứ…" paragraphs (and a closing "… như sau:"), and the rest."""
    index = 0
    while index < len(paragraphs) and not paragraphs[index]:
        index += 1
    basis: list[str] = []
    while index < len(paragraphs) and (
        not paragraphs[index] or BASIS_START.match(paragraphs[index])
    ):
        if paragraphs[index]:
            basis.append(paragraphs[index])
        index += 1
    if basis and not basis[-1].endswith(":"):
        following = index
        while following < len(paragraphs) and not paragraphs[following]:
            following += 1
        if (
            following < len(paragraphs)
            and paragraphs[following].endswith(":")
            and line_kind(paragraphs[following]) is BlockKind.PARAGRAPH
        ):
            basis.append(paragraphs[following])
            index = following + 1
    while basis and index > 0 and not paragraphs[index - 1]:
        index -= 1
    return basis, paragraphs[index:]


def basis_references(text: str) -> list[BasisReference]:
    """The documents named in the basis paragraphs; one named inside another's subject ("… về
    tiếp tục thực hiện Chỉ thị số 05-CT/TW …") is not implemented directly and is left out."""
    references: list[BasisReference] = []
    for paragraph in text.split("\n"):
        previous_end: int | None = None
        for match in REFERENCE.finditer(paragraph):
            if match["code"] and not match["num"]:
                continue
            issuer, issuer_end = _issuer_after(paragraph, match.end())
            gap = paragraph[previous_end : match.start()] if previous_end is not None else ""
            previous_end = issuer_end
            if NESTING.search(gap.rsplit(";", 1)[-1]):
                continue
            if match["code"]:
                code = match["code"]
                symbol = f"{match['num']}-{match['code']}/{match['issuer']}"
            else:
                code = match["scode"]
                year = f"{match['syear']}/" if match["syear"] else ""
                symbol = f"{match['snum']}/{year}{match['scode']}-{match['sissuer']}"
            kind = known_code(code)
            if match["word"] and kind not in get_profile().type_codes:
                kind = KIND_BY_WORD.get(compare_key(match["word"]), kind)
            references.append(
                BasisReference(
                    kind=kind,
                    symbol=symbol.replace(" ", ""),
                    date=_reference_date(match["date"]),
                    issuer=issuer,
                )
            )
    return references


def _issuer_after(paragraph: str, position: int) -> tuple[str | None, int]:
    match = re.match(r"\s*,?\s*của\s+", paragraph[position:])
    if not match:
        return None, position
    start = position + match.end()
    stop = ISSUER_STOP.search(paragraph, start)
    end = stop.start() if stop else len(paragraph)
    issuer = paragraph[start:end].strip(" .,;")
    return issuer or None, end


def _reference_date(text: str | None) -> str | None:
    if not text:
        return None
    numbers = re.findall(r"\d+", text)
    if len(numbers) != 3:
        return None
    day = make_date(numbers[2], numbers[1], numbers[0])
    return day.isoformat() if day else None
