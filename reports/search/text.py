"""The words of the search: folding for the index and the query alike, and highlighting.

Both databases compare the same folded words, written by the same Python function: lower case,
no tone marks, đ → d ("Hướng dẫn" → "huong dan"), digits apart from letters ("32-HD/BTGĐUK" →
"32 hd btgduk"). PostgreSQL indexes that text (`to_tsvector('simple', …)`, whose lexemes are then
exactly these words) and SQLite matches it with LIKE, so a query finds the same documents on both.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from units.models import fold_for_search

# A word: a run of digits, or a run of letters (letters with their tone marks, in NFC).
WORD = re.compile(r"[0-9]+|[^\W\d_]+")
LONGEST_WORD = 60  # longer runs (pasted links, codes) are not words anyone types
MOST_FOLDED = 200_000  # characters of folded text kept per document: far below tsvector's 1 MB
MOST_QUERY_WORDS = 12
SHORTEST_QUERY = 2  # characters of folded words, all together
# pg_trgm's default `similarity_threshold`: the `%` operator's cut-off, applied alike on SQLite.
SIMILAR = 0.3


class _FoldTable(dict):
    """str.translate's table of `fold_for_search`, filled one character at a time: folding is
    a per-character map (the tone marks it strips never reorder), so translating gives the
    same words as `fold_for_search` in a fraction of the time, for indexing 100,000 documents."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        folded = fold_for_search(char) or (" " if char.isspace() else "")
        self[code] = folded
        return folded


_FOLD = _FoldTable()


def fold(text: str) -> str:
    """`fold_for_search(text)` as far as words go (whitespace is kept as it is)."""
    return text.translate(_FOLD)


def _word(folded_run: str) -> str:
    """A number loses its leading zeros: "01-HD" (as issued) is found by "1-HD"."""
    if folded_run.startswith("0"):
        return folded_run.lstrip("0") or "0"
    return folded_run


def words(text: str) -> list[str]:
    """The folded words of `text`, in order."""
    return [
        (w.lstrip("0") or "0") if w[0] == "0" else w  # _word(), inlined: 100,000 documents
        for w in WORD.findall(fold(text))
        if len(w) <= LONGEST_WORD
    ]


def joined(found: list[str]) -> str:
    """Words one space apart and one space around (" huong dan "), so that `LIKE '% dan %'`
    finds a whole word."""
    text = " ".join(found)
    if len(text) > MOST_FOLDED:
        text = text[:MOST_FOLDED].rsplit(" ", 1)[0]
    return f" {text} "


def folded(*parts: str) -> str:
    """The parts' folded words, as the index stores them."""
    return joined(words(" ".join(p for p in parts if p)))


def trigrams(text: str) -> set[str]:
    """pg_trgm's trigrams of folded text: each word padded with two spaces before, one after."""
    found: set[str] = set()
    for word in text.split():
        padded = f"  {word} "
        found.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return found


def similarity(left: str | None, right: str | None) -> float:
    """pg_trgm's similarity(): shared trigrams over all trigrams of both (0 when one has none).
    Registered on SQLite connections, so that symbols match there as on PostgreSQL."""
    a, b = trigrams(left or ""), trigrams(right or "")
    if not a or not b:
        return 0.0
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared)


@dataclass(frozen=True)
class Query:
    """What a user typed, as the search reads it."""

    text: str  # as typed, trimmed
    words: tuple[str, ...]  # distinct folded words, in the order typed

    @property
    def phrase(self) -> str:
        return " ".join(self.words)

    @property
    def too_short(self) -> bool:
        return len("".join(self.words)) < SHORTEST_QUERY

    @property
    def looks_like_symbol(self) -> bool:
        """A number or a symbol ("32 HD", "15-BC/ĐU", "HD/BTGĐUK"): also matched by trigram
        similarity with documents' symbols, so that a slightly wrong one still finds them."""
        return any(c.isdigit() for c in self.text) or "/" in self.text


def parse_query(text: str | None) -> Query:
    text = " ".join((text or "").split())[:200]
    distinct = list(dict.fromkeys(words(text)))[:MOST_QUERY_WORDS]
    return Query(text=text, words=tuple(distinct))


# ---------------------------------------------------------------------------- highlighting


def _marked(text: str, wanted: frozenset[str]) -> list[tuple[str, bool]]:
    """The text cut into pieces, each with whether it is a wanted word."""
    pieces: list[tuple[str, bool]] = []
    last = 0
    for match in WORD.finditer(text):
        if _word(fold(match.group())) in wanted:
            pieces.append((text[last : match.start()], False))
            pieces.append((match.group(), True))
            last = match.end()
    pieces.append((text[last:], False))
    return pieces


def _html(pieces: list[tuple[str, bool]]) -> SafeString:
    # Every piece is escaped; only the <mark> around a wanted word is markup.
    return mark_safe(  # noqa: S308 - built from escaped pieces only
        "".join(f"<mark>{escape(p)}</mark>" if hit else escape(p) for p, hit in pieces if p)
    )


def highlight(text: str, query: Query) -> SafeString:
    """The text, HTML-escaped, with each word of the query in <mark>."""
    return _html(_marked(unicodedata.normalize("NFC", text or ""), frozenset(query.words)))


def excerpt(text: str, query: Query, *, before: int = 90, after: int = 210) -> SafeString:
    """A few lines of the text around the first word of the query it holds (its beginning when
    it holds none), escaped, with the query's words in <mark>."""
    text = " ".join(unicodedata.normalize("NFC", text or "").split())
    wanted = frozenset(query.words)
    start = 0
    for match in WORD.finditer(text):
        if _word(fold(match.group())) in wanted:
            start = match.start()
            break
    begin = max(0, start - before)
    if begin:  # from the start of a word
        space = text.find(" ", begin)
        begin = space + 1 if 0 <= space < start else begin
    end = min(len(text), start + after)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    pieces = _marked(text[begin:end], wanted)
    if begin:
        pieces.insert(0, ("… ", False))
    if end < len(text):
        pieces.append((" …", False))
    return _html(pieces)
