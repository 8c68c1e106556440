"""Parsing a directive's body, pasted from Word as plain text, into structured blocks.

``parse_body`` turns the text into a flat list of ``Block``s (section headings, numbered and
lettered items, bullets, paragraphs) that the HTML preview, the PDF and the .docx render;
``render_plain`` writes them back as text that parses to the same blocks.

Rules, one line at a time (after NFC, dropping BOM and zero-width spaces, and folding every run
of white space - tabs and non-breaking spaces included - to one space):

- Blank lines produce no block, and a line after a blank line always starts a new block.
- SECTION: a Roman numeral I-XX, optional spaces, "-" / "–" / ".", then the heading. The heading
  must not start with a name's initial ("V. I. Lênin …" is prose), and must be either mostly upper
  case (at least 80 % of its cased letters), or - only when a space follows the separator - start
  with an upper-case letter, be shorter than 120 characters and contain no sentence end (no ". ",
  and no final . ! ? … ;). So "II. Nội dung" is a heading, "V. Lênin viết rằng ngoại giao là
  một nghệ thuật." is not, and "I-rắc" / "X-quang" are not.
  Marker: numeral plus "-" (for "-" and "–") or "." as written: "I-", "II.".
- ITEM: "1.", "1.1.", "1.1.1." (spaces around dots allowed: "1 ."; each number at most two digits,
  so "2024." and "1.000" are not items); "1.1 Phần" without the final dot when the number has at
  least two parts and the text starts with an upper-case letter; "a)" … "z)", "đ)".
  Level: number of parts for numbered items; lettered items one deeper than the last numbered item
  of the current section (1 when there is none). Marker normalised to "1.1." / "a)".
- BULLET: "-", "–", "•" or "+" followed by white space and text ("-5 độ" is not a bullet).
  Marker "-". Level one deeper than the last section or item.
- PARAGRAPH: anything else. Marker "". Level of the last section or item (it is that item's body).
- Hard wrap: a PARAGRAPH-looking line is appended (with a space) to the previous block when that
  block's line does not end in . : ; ! ? … (closing quotes and brackets ignored), or when it is an
  item whose text is empty ("1." on its own line). After a SECTION only an upper-case line is
  appended (a wrapped heading); any other line starts a paragraph. A join that would make the
  block read differently when parsed on its own line is not made.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from dataclasses import dataclass, replace

__all__ = ["Block", "BlockKind", "parse_body", "render_plain"]


class BlockKind(enum.StrEnum):
    SECTION = "section"
    ITEM = "item"
    BULLET = "bullet"
    PARAGRAPH = "paragraph"


@dataclass(frozen=True, slots=True)
class Block:
    kind: BlockKind
    marker: str
    level: int
    text: str


_ROMAN_NUMERALS = frozenset(
    tens + units
    for tens in ("", "X", "XX")
    for units in ("", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX")
    if tens + units and (tens != "XX" or not units)
)
_SECTION_RE = re.compile(r"^(?P<num>[IVX]{1,5}) ?(?P<sep>[-–.])(?P<space> ?)(?P<rest>.*)$")
_INITIAL_RE = re.compile(r"^[^\W\d_]\.(?: |$)")
_NUMBERED_RE = re.compile(r"^(?P<num>\d{1,2}(?: ?\. ?\d{1,2}){0,3}) ?\.(?: (?P<text>.*))?$")
_NUMBERED_NO_DOT_RE = re.compile(r"^(?P<num>\d{1,2}(?:\.\d{1,2}){1,3}) (?P<text>[^\W\d_].*)$")
_LETTERED_RE = re.compile(r"^(?P<letter>[a-zđ]) ?\)(?: (?P<text>.*))?$")
_BULLET_RE = re.compile(r"^[-–•+] (?P<text>.+)$")
_WHITESPACE_RE = re.compile(r"\s+")
_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b"))
_SENTENCE_END = ".:;!?…"
_CLOSERS = "\"'”’»)]"
_SHORT_HEADING = 120
_UPPER_SHARE = 0.8

_Signature = tuple[BlockKind, str, str]


def parse_body(text: str) -> list[Block]:
    """Split pasted body text into blocks; see the module docstring for the rules."""
    blocks: list[Block] = []
    levels = _Levels()
    after_blank = True
    for raw_line in text.splitlines():
        line = _fold(raw_line)
        if not line:
            after_blank = True
            continue
        kind, marker, rest = _classify(line)
        if kind is BlockKind.PARAGRAPH and blocks and not after_blank:
            joined = _join(blocks[-1], line)
            if joined is not None:
                blocks[-1] = joined
                after_blank = False
                continue
        blocks.append(Block(kind=kind, marker=marker, level=levels.next(kind, marker), text=rest))
        after_blank = False
    return blocks


def render_plain(blocks: list[Block]) -> str:
    """Write blocks one per line; a blank line before each paragraph keeps it from being joined."""
    lines: list[str] = []
    for index, block in enumerate(blocks):
        if index and block.kind is BlockKind.PARAGRAPH:
            lines.append("")
        lines.append(_render_line(block))
    return "\n".join(lines) + "\n" if lines else ""


class _Levels:
    """Tracks the nesting context while blocks are read in order."""

    def __init__(self) -> None:
        self.context = 0  # level of the last section or item
        self.numbered = 0  # level of the last numbered item in the current section

    def next(self, kind: BlockKind, marker: str) -> int:
        if kind is BlockKind.SECTION:
            self.context = self.numbered = 0
            return 0
        if kind is BlockKind.ITEM:
            if marker.endswith(")"):
                level = self.numbered + 1
            else:
                level = self.numbered = marker.count(".")
            self.context = level
            return level
        if kind is BlockKind.BULLET:
            return self.context + 1
        return self.context


def _fold(line: str) -> str:
    line = unicodedata.normalize("NFC", line.translate(_INVISIBLE))
    return _WHITESPACE_RE.sub(" ", line).strip()


def _classify(line: str) -> _Signature:
    """Kind, printed marker and remaining text of one folded line."""
    if match := _SECTION_RE.match(line):
        rest = match["rest"]
        if match["num"] in _ROMAN_NUMERALS and _is_heading(rest, spaced=bool(match["space"])):
            sep = "." if match["sep"] == "." else "-"
            return BlockKind.SECTION, match["num"] + sep, rest
    if match := _NUMBERED_RE.match(line) or _NUMBERED_NO_DOT_RE.match(line):
        rest = match["text"] or ""
        if match.re is _NUMBERED_RE or rest[0].isupper():
            return BlockKind.ITEM, match["num"].replace(" ", "") + ".", rest
    if match := _LETTERED_RE.match(line):
        return BlockKind.ITEM, match["letter"] + ")", match["text"] or ""
    if match := _BULLET_RE.match(line):
        return BlockKind.BULLET, "-", match["text"]
    return BlockKind.PARAGRAPH, "", line


def _is_heading(rest: str, *, spaced: bool) -> bool:
    if not rest or _INITIAL_RE.match(rest):
        return False
    if is_mostly_upper(rest):
        return True
    return (
        spaced
        and rest[0].isupper()
        and len(rest) < _SHORT_HEADING
        and ". " not in rest
        and rest[-1] not in ".!?…;"
    )


def is_mostly_upper(text: str) -> bool:
    """Whether a line is written in capitals (headings), tolerating a few lower-case letters."""
    cased = [char for char in text if char.isupper() or char.islower()]
    if len(cased) < 2:
        return False
    return sum(char.isupper() for char in cased) >= _UPPER_SHARE * len(cased)


def _join(previous: Block, line: str) -> Block | None:
    """``previous`` with ``line`` appended if ``line`` is its hard-wrapped continuation."""
    if previous.kind is BlockKind.ITEM and not previous.text:
        joined = replace(previous, text=line)
    elif ends_sentence(_render_line(previous)) or (
        previous.kind is BlockKind.SECTION and not is_mostly_upper(line)
    ):
        return None
    else:
        joined = replace(previous, text=f"{previous.text} {line}")
    if _classify(_render_line(joined)) != (joined.kind, joined.marker, joined.text):
        return None
    return joined


def ends_sentence(line: str) -> bool:
    """Whether a line ends a sentence (a full stop, colon… before any closing quotes)."""
    line = line.rstrip(_CLOSERS)
    return bool(line) and line[-1] in _SENTENCE_END


def _render_line(block: Block) -> str:
    if not block.marker:
        return block.text
    return f"{block.marker} {block.text}" if block.text else block.marker
