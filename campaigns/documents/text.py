"""Plain-text helpers for directive text, written here or received: one Unicode form, shortened
titles, and the number-and-symbol ("32-HD/BTGĐUK") read back into its parts."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from campaigns.documents.profiles import get_profile

SYMBOL = re.compile(r"^\s*(?P<number>\d{1,5})\s*-\s*(?P<code>[^\W\d_]+)\s*/\s*(?P<issuer>\S+)\s*$")


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


def canonical_symbol(symbol: str) -> str | None:
    """ "32 - hd / btgđuk" → "32-HD/BTGĐUK": one spelling, so a retyped number is the same
    (type codes as the format profile writes them: "CTr")."""
    parts = split_symbol(symbol)
    if parts is None:
        return None
    number, code, issuer = parts
    known = {c.upper(): c for c in get_profile().type_codes}
    return f"{number:02d}-{known.get(code.upper(), code.upper())}/{issuer.upper()}"
