"""Plain-text helpers for directive text, written here or received: one Unicode form, shortened
titles, and the number-and-symbol ("32-HD/BTGĐUK") read back into its parts."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from campaigns.documents.profiles import get_profile

SYMBOL = re.compile(r"^\s*(?P<number>\d{1,5})\s*-\s*(?P<code>[^\W\d_]+)\s*/\s*(?P<issuer>\S+)\s*$")
# Either layout with the number left blank: "   -HD/BTGTU" (party) or "    /UBND-VX" (state).
PARTY_BLANK = re.compile(r"^\s*-\s*(?P<code>[^\W\d_]+)\s*/\s*(?P<issuer>\S+)\s*$")
# The state layout (Nghị định 30/2020/NĐ-CP): "45/KH-UBND", "123/UBND-VX", "/SVHTTDL-QLVH",
# and legal documents with their year: "14/2024/QĐ-UBND".
STATE_SYMBOL = re.compile(
    r"^\s*(?P<number>\d{1,6})?(?:\s*/\s*(?P<year>\d{4}))?\s*/\s*(?P<rest>[^\W_][\w.&]*(?:\s*-\s*[\w.&]+)*)\s*$"
)


def nfc(value: Any) -> Any:
    """Text in one Unicode form (NFC), so that a name typed on another keyboard compares equal;
    anything but a string is returned as it is."""
    return unicodedata.normalize("NFC", value) if isinstance(value, str) else value


def shorten(text: str, limit: int) -> str:
    """The text on one line, cut to `limit` characters with an ellipsis when longer."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def split_symbol(symbol: str) -> tuple[int, str, str] | None:
    """ "32-HD/BTGĐUK" → (32, "HD", "BTGĐUK"); None when it is not written that way."""
    match = SYMBOL.match(unicodedata.normalize("NFC", symbol or ""))
    if not match:
        return None
    return int(match["number"]), match["code"], match["issuer"]


@dataclass(frozen=True)
class Symbol:
    """A number and symbol read into its parts: the number (None when the copy left it blank),
    the type code ("" for a state Công văn, whose symbol names no type) and the issuer's code."""

    number: int | None
    code: str
    issuer: str
    text: str  # as it is stored: one spelling for one document


def read_symbol(symbol: str) -> Symbol | None:
    """Either layout: "32-HD/BTGĐUK" and "45/KH-UBND" → number, type, issuer; "123/UBND-VX"
    (a state Công văn) → type ""; a blank number → None. None when it is neither layout."""
    symbol = unicodedata.normalize("NFC", symbol or "")
    known = {c.upper(): c for c in get_profile().type_codes}
    if parts := split_symbol(symbol):
        number, code, issuer = parts
        code = known.get(code.upper(), code.upper())
        return Symbol(number, code, issuer.upper(), f"{number:02d}-{code}/{issuer.upper()}")
    if match := PARTY_BLANK.match(symbol):
        code = known.get(match["code"].upper(), match["code"].upper())
        issuer = match["issuer"].upper()
        return Symbol(None, code, issuer, f"-{code}/{issuer}")
    if match := STATE_SYMBOL.match(symbol):
        rest = re.sub(r"\s+", "", match["rest"]).upper()
        first, _, others = rest.partition("-")
        code, issuer = (known[first], others) if first in known and others else ("", rest)
        written = int(match["number"]) if match["number"] else None
        year = f"/{match['year']}" if match["year"] else ""
        return Symbol(written, code, issuer, f"{match['number'] or ''}{year}/{rest}")
    return None


def canonical_symbol(symbol: str) -> str | None:
    """ "32 - hd / btgđuk" → "32-HD/BTGĐUK", "45 / kh-ubnd" → "45/KH-UBND": one spelling, so a
    retyped number is the same (type codes as the format profile writes them: "CTr")."""
    parts = read_symbol(symbol)
    return parts.text if parts is not None else None
