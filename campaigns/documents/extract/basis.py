"""The basis paragraphs ("Thực hiện…", "Căn cứ…") and the documents they name."""

from __future__ import annotations

import re
from itertools import pairwise
from typing import TypedDict

from campaigns.documents.body import BlockKind
from campaigns.documents.extract.paragraphs import line_kind
from campaigns.documents.extract.vocabulary import (
    BASIS_START,
    ISSUER_BEFORE,
    ISSUER_STOP,
    KIND_BY_WORD,
    KIND_WORD_BEFORE,
    KIND_WORD_NEAR,
    NESTING,
    NEW_REFERENCE,
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
    tiếp tục thực hiện Chỉ thị số 05-CT/TW …") is not implemented directly and is left out.
    Documents listed together ("Kế hoạch số 95/KH-UBND … và Công văn số 5027/UBND-VH … của Uỷ
    ban nhân dân tỉnh") share the issuer written after the last of them."""
    references: list[BasisReference] = []
    for paragraph in text.split("\n"):
        found: list[tuple[BasisReference, int, int]] = []  # reference, start, end
        previous_end: int | None = None
        for match in REFERENCE.finditer(paragraph):
            if (match["code"] and not match["num"]) or (match["scode"] and not match["snum"]):
                continue
            issuer, issuer_end = _issuer_after(paragraph, match.end())
            if issuer is None and (before := ISSUER_BEFORE.search(paragraph[: match.start()])):
                issuer = before["issuer"]  # "Quyết định của Bộ Chính trị số 31-QĐ/TW"
            gap = paragraph[previous_end : match.start()] if previous_end is not None else ""
            previous_end = issuer_end
            if _nested(gap, listed=bool(match["word"])):
                continue
            if match["code"]:
                code = match["code"]
                symbol = f"{match['num']}-{match['code']}/{match['issuer']}"
            else:
                code = match["scode"]
                year = f"{match['syear']}/" if match["syear"] else ""
                parts = [code, *re.split(r"\s*[-–]\s*", match["sissuer"].strip(" -–"))]
                symbol = f"{match['snum']}/{year}{'-'.join(parts)}"
            kind = known_code(code)
            word = match["word"]
            if not word and (near := KIND_WORD_NEAR.search(paragraph[: match.start()])):
                word = near["word"]
            if word and kind not in get_profile().type_codes:
                kind = KIND_BY_WORD.get(compare_key(word), kind)
            reference = BasisReference(
                kind=kind,
                symbol=symbol.replace(" ", ""),
                date=_reference_date(match["date"]),
                issuer=issuer,
            )
            found.append((reference, match.start(), issuer_end))
        # Backwards, so that "A, B và C của X" gives X to all three.
        for (reference, _, end), (following, start, _) in reversed(list(pairwise(found))):
            if reference["issuer"] is None and paragraph[end:start].strip() in ("và", ","):
                reference["issuer"] = following["issuer"]
        references += [reference for reference, _, _ in found]
    return references


def _nested(gap: str, *, listed: bool) -> bool:
    """Whether the text between two references names the second inside the first's subject."""
    clause = gap.rsplit(";", 1)[-1]
    cuts = list(NEW_REFERENCE.finditer(clause))
    if cuts:
        clause = clause[cuts[-1].end() :]
    elif listed and re.search(r"(?:,|\bvà)\s*$", clause):
        return False  # "…, Công văn số 32/UBND-VHTT": listed beside the one before
    return bool(NESTING.search(clause))


def _issuer_after(paragraph: str, position: int) -> tuple[str | None, int]:
    # "… ngày 20 tháng 7 năm 2021 Kết luận của đồng chí Bí thư …": the type may be repeated.
    match = re.match(
        r"\s*,?\s*(?:(?P<kind>[^\W\d_]+(?:\s+[^\W\d_]+)?)\s+)?của\s+", paragraph[position:]
    )
    if not match or (match["kind"] and not KIND_WORD_BEFORE.fullmatch(f"{match['kind']} ")):
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
