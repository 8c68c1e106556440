"""Cleaning text before it is read: NFC, invisible characters, Markdown, PDF pages, stray spaces."""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable

from campaigns.documents.profiles import get_profile
from campaigns.documents.text import nfc

_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u2060\u00ad"))
# Look-alikes from old encodings: Icelandic eth for Đ/đ; Unicode spaces for a space.
_LOOKALIKES = {
    ord("\u00d0"): "Đ",
    ord("\u00f0"): "đ",
    **{ord(space): " " for space in "\u00a0\u2007\u202f\u205f\u3000"},
    **dict.fromkeys(range(8192, 8203), " "),
}
_SPACE_BEFORE_MARK = re.compile(r"[ \t]+(?=[\u0300-\u036f])")
_PAGE_NUMBER = re.compile(r"(?:[-–]\s*)?\d{1,3}(?:\s*[-–])?|Trang\s+\d{1,3}(?:\s*/\s*\d{1,3})?")
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")
_PLACEHOLDER_BASE = 0xF0000  # a private-use plane: escaped characters wait here, unread
_TABLE_RULE = re.compile(r"^\s*(?:\+[-=:+]+\+|\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?)\s*$")
_TABLE_ROW = re.compile(r"^\s*\|(.*)\|\s*$")
_LINE_BLOCK = re.compile(r"^\s*\|\s(?=.*[^|\s]\s*$)")
_HEADING = re.compile(r"^ {0,3}#{1,6}(?:[ \t]+|$)|[ \t]+#+[ \t]*$")
_QUOTE = re.compile(r"^\s*(?:>\s?)+")
# "* item"; a lone star followed by a wide gap is the header's star beside the date column.
_STAR_BULLET = re.compile(r"^(\s*)\*( {1,4}|\t)(?=\S)")
_SETEXT = re.compile(r"^\s*=+\s*$")
_SPAN = r"((?:[^*\n]|\n(?![ \t]*\n))+?)"
_EMPHASIS = (
    re.compile(rf"\*\*\*(?=\S){_SPAN}(?<=\S)\*\*\*"),
    re.compile(rf"\*\*(?=\S){_SPAN}(?<=\S)\*\*"),
    re.compile(r"__(?=\S)((?:[^_\n]|\n(?![ \t]*\n))+?)(?<=\S)__"),
    re.compile(rf"(?<![*\w])\*(?=[^\s*]){_SPAN}(?<=[^\s*])\*(?![*\w])"),
)
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_ATTRIBUTE_SPAN = re.compile(r"\[([^\]]*)\]\{[^}]*\}")
_AUTOLINK = re.compile(r"<((?:https?|ftp)://[^>\s]+|[^@>\s]+@[^>\s]+)>")
_BREAK_TAG = re.compile(r"<br\s*/?>", re.I)
_INLINE_TAG = re.compile(r"</?(?:u|b|i|em|strong|span|sup|sub|p|div|font|mark)\b[^>]*>", re.I)
_ENTITY = re.compile(r"&(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);")
_FOLD = re.compile(r"\s+")
_SPACE_BEFORE_PUNCT = re.compile(r" +(?=[,;.:!?](?:\s|$))")
_COLUMN_GAP = re.compile(r"\t+| {3,}")


def loose(phrase: str) -> str:
    """A regex for ``phrase`` that tolerates one stray space inside each word ("Thự c hiện")."""
    words = [" ?".join(map(re.escape, word)) for word in phrase.split()]
    return r"\s+".join(words)


# Structural words a stray space may split ("Thự c hiện"); clean_text writes them whole.
_KEYWORDS = (
    "Thực hiện", "Căn cứ", "Kính gửi", "Nơi nhận", "ngày", "tháng", "năm",
    *(t.name for t in get_profile().document_types),
)  # fmt: skip
_KEYWORD_FORMS = tuple((word, re.compile(loose(word), re.I)) for word in _KEYWORDS)
# Each keyword on its own, tolerating a stray space inside a word but never across words.
_KEYWORD_RE = re.compile(
    r"(?<!\w)(?P<word>"
    + "|".join(
        "(?:" + r"[ ]".join(" ?".join(map(re.escape, part)) for part in word.split()) + ")"
        for word in sorted(_KEYWORDS, key=len, reverse=True)
    )
    + r")(?!\w)",
    re.I,
)


def normalise_text(text: str) -> str:
    """Text as the extractor reads it: NFC, no invisible characters or Markdown marks, one line a
    paragraph or line of the source, white space folded, blank-line runs collapsed."""
    lines = [fold(line) for line in clean_text(text).split("\n")]
    return "\n".join(collapse_blank_runs(lines)).strip("\n")


def fold(text: str) -> str:
    """White space folded to single spaces, none before punctuation: how lines are compared."""
    return _SPACE_BEFORE_PUNCT.sub("", _FOLD.sub(" ", text)).strip()


def clean_text(text: str) -> str:
    """Characters and Markdown cleaned; tabs and runs of spaces kept (they separate columns)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n").replace("\v", "\n")
    text = text.translate(_INVISIBLE).translate(_LOOKALIKES)
    text = nfc(_SPACE_BEFORE_MARK.sub("", unicodedata.normalize("NFD", text)))
    text = _drop_page_furniture(text)
    text = _ESCAPED.sub(lambda m: chr(_PLACEHOLDER_BASE + ord(m[1])), text)
    text = "\n".join(_markdown_line(line) for line in text.split("\n"))
    text = _BREAK_TAG.sub("\n", text)
    text = _IMAGE.sub("", text)
    text = _LINK.sub(lambda m: m[2] if m[1].strip() in ("", m[2]) else f"{m[1]} ({m[2]})", text)
    text = _ATTRIBUTE_SPAN.sub(r"\1", text)
    text = _AUTOLINK.sub(r"\1", text)
    for pattern in _EMPHASIS:
        text = pattern.sub(r"\1", text)
    text = re.sub(r"\*{4,}", "", text)
    text = _INLINE_TAG.sub("", text)
    text = _ENTITY.sub(lambda m: html.unescape(m[0]), text).translate(_LOOKALIKES)
    text = re.sub(r"\\[ \t]*$", "", text, flags=re.M)  # Markdown hard line break
    text = re.sub("[\U000f0000-\U000f007f]", lambda m: chr(ord(m[0]) - _PLACEHOLDER_BASE), text)
    text = _KEYWORD_RE.sub(_canonical_keyword, nfc(text))
    return "\n".join(line.rstrip() for line in text.split("\n"))


def _canonical_keyword(match: re.Match[str]) -> str:
    """A structural word split by a stray space ("Thự c hiện", "N ơi nhận") written whole."""
    found = match[0]
    for word, form in _KEYWORD_FORMS:
        if found.casefold() == word.casefold():
            return found
        if form.fullmatch(found):
            if found.isupper():
                return word.upper()
            return word[0].upper() + word[1:] if found[0].isupper() else word
    return found


def _drop_page_furniture(text: str) -> str:
    """Join the pages of a PDF's text: page numbers and blank edges of each page go."""
    if "\f" not in text:
        return text
    pages = []
    for page in text.split("\f"):
        lines = page.split("\n")
        while lines and (not lines[0].strip() or _PAGE_NUMBER.fullmatch(lines[0].strip())):
            lines.pop(0)
        while lines and (not lines[-1].strip() or _PAGE_NUMBER.fullmatch(lines[-1].strip())):
            lines.pop()
        if lines:
            pages.append("\n".join(lines))
    return "\n".join(pages)


def _markdown_line(line: str) -> str:
    if _TABLE_RULE.match(line) and ("|" in line or "+" in line):
        return ""
    if line.strip() == "|":
        return ""  # a web page's cell boundary ("…\n|\nCỘNG HÒA…"): the cells read as lines
    stripped = line.strip()
    if stripped.endswith("|") and not stripped.startswith("|"):
        # "Số: 45/KH-UBND | Tiền Giang, ngày … |": a row copied from a web page, one line of
        # each cell, as pdftotext gives columns.
        return "\t".join(cell.strip() for cell in stripped[:-1].split("|") if cell.strip())
    if match := _TABLE_ROW.match(line):
        cells = [cell.strip() for cell in match[1].split("|")]
        if any(_BREAK_TAG.search(cell) for cell in cells):
            # A pipe-table row holds whole cells, lines split by <br>: one cell after the
            # other, as Word lists them.
            return "\n".join(_BREAK_TAG.sub("\n", cell) for cell in cells if cell)
        # A grid-table line holds one line of each cell: columns, as pdftotext gives them.
        return "\t".join(cell for cell in cells if cell)
    line = _LINE_BLOCK.sub("", line)
    if _SETEXT.match(line):
        return ""
    line = _QUOTE.sub("", line)
    line = _HEADING.sub("", line)
    return _STAR_BULLET.sub(r"\1-\2", line)


def collapse_blank_runs(lines: Iterable[str]) -> list[str]:
    """One blank line where there were several, none at the end: blank lines separate blocks."""
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    while out and not out[-1]:
        out.pop()
    return out


def column_fragments(line: str) -> list[str]:
    """A line's column fragments: Word's tab-separated cells, or pdftotext's wide gaps."""
    parts = [fold(part) for part in _COLUMN_GAP.split(line.strip())]
    parts = [part for part in parts if part]
    merged: list[str] = []
    for part in parts:
        # A blank left to be filled in ("ngày    tháng 3 năm 2024", "Số:      /UBND-VX") or a
        # number spaced from its symbol ("Số:    111   /CV - UBND") is not a column gap.
        if merged and (
            re.search(r"(?:\bngày|\btháng|\bnăm|\bSố\s*:?|-)$", merged[-1], re.I)
            or re.match(r"^(?:tháng|năm|-)", part, re.I)
            or (part.startswith("/") and re.match(r"^Số\s*:?\s*\d*$", merged[-1], re.I))
        ):
            merged[-1] = f"{merged[-1]} {part}"
        else:
            merged.append(part)
    return merged
