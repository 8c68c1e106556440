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
- BULLET: "-", "–", "•", "+", or a bullet glyph Word puts in pasted text (its Symbol font's
  U+F0B7, "·", "●", "▪" …), followed by white space and text ("-5 độ" is not a bullet). Marker
  "-". Level one deeper than the last section or item.
- PARAGRAPH: anything else. Marker "". Level of the last section or item (it is that item's body).
- Hard wrap: a PARAGRAPH-looking line is appended (with a space) to the previous block when that
  block is an item whose text is empty ("1." on its own line), or when the block does not end in
  . : ; ! ? … (closing quotes and brackets ignored) and the line goes on with it: the line starts
  with a lower-case letter (a paragraph or a title never does), or the line before it was full
  (it and the line's first word would not have fitted in 80 % of the wrap width) and the line is
  at most a quarter wider than the wrap width. After a SECTION only an upper-case line is
  appended (a wrapped heading); any other line starts a paragraph. A join that would make the
  block read differently when parsed on its own line is not made.
- Wrap width: text pasted from Word has one line a paragraph, text wrapped by hand (or copied
  from a PDF) has its lines about one width, and one text can hold both. So the width is read
  from the lines that may have been wrapped: 40 to 130 characters, not ending a sentence, and
  followed by a PARAGRAPH-looking line at most a quarter wider than they would have been with
  its first word. It is the widest of them with the most of the others between 80 % of it and
  it, when at least two agree; otherwise the longest line of the text. A long one-line
  paragraph does not stop the wrapped lines from joining, and a short title ("1. Những nội dung
  cốt lõi của tác phẩm") is not full at that width, so it is not run into the paragraph after it.

``Block.is_heading`` tells the renderers which blocks must not end a page: sections, and items
whose text is a title rather than a sentence.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, replace
from itertools import pairwise

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

    @property
    def is_heading(self) -> bool:
        """A section, or an item titled rather than written as a sentence ("1.1. Phần thứ
        nhất: …" without a final stop): printed on the same page as the block after it."""
        if self.kind is BlockKind.SECTION:
            return True
        return (
            self.kind is BlockKind.ITEM
            and bool(self.text)
            and len(self.text) <= _HEADING_MAX
            and not ends_sentence(self.text)
        )


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
# Word's own bullets come through a paste as Symbol/Wingdings private-use glyphs or as dots.
_BULLET_RE = re.compile(r"^[-–•+·●○◦▪■►➢\uf0b7\uf0a7\uf0d8\uf076\uf0fc] (?P<text>.+)$")
_WHITESPACE_RE = re.compile(r"\s+")
_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b"))
_SENTENCE_END = ".:;!?…"
_CLOSERS = "\"'”’»)]"
_SHORT_HEADING = 120
_HEADING_MAX = 200  # an item's title longer than this is a sentence missing its stop
_UPPER_SHARE = 0.8
_FULL_SHARE = 0.8  # of the wrap width: a shorter line was not wrapped, it ended there
_WRAP_MAX = 130  # no hand-wrapped or PDF-copied line is wider; a wider one is a paragraph
_WRAP_MIN = 40  # nor narrower: such a line is a title or a name
_WRAP_AGREEING = 2  # lines of about one width it takes to tell a wrap width

_Signature = tuple[BlockKind, str, str]


def parse_body(text: str) -> list[Block]:
    """Split pasted body text into blocks; see the module docstring for the rules."""
    blocks: list[Block] = []
    levels = _Levels()
    lines = [_fold(raw_line) for raw_line in text.splitlines()]
    width = _wrap_width(lines)
    previous_line = ""  # empty after a blank line
    for line in lines:
        if not line:
            previous_line = ""
            continue
        kind, marker, rest = _classify(line)
        if kind is BlockKind.PARAGRAPH and previous_line:
            joined = _join(blocks[-1], line, wrapped=_continues(previous_line, line, width))
            if joined is not None:
                blocks[-1] = joined
                previous_line = line
                continue
        blocks.append(Block(kind=kind, marker=marker, level=levels.next(kind, marker), text=rest))
        previous_line = line
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


def _wrap_width(lines: list[str]) -> int:
    """The width the text was wrapped at, told by the lines that may have been wrapped: wrapped
    lines are all about one width, titles and one-line paragraphs among them are not. The
    longest line when no two agree (one line a paragraph, or a single wrap)."""
    sample = sorted(
        len(line)
        for line, following in pairwise(lines)
        if following
        and _WRAP_MIN <= len(line) <= _WRAP_MAX
        and not ends_sentence(line)
        and _classify(following)[0] is BlockKind.PARAGRAPH
        and _FULL_SHARE * len(following) <= _needed(line, following)
    )
    count, width = max(
        (
            (bisect_right(sample, width) - bisect_right(sample, _FULL_SHARE * width), width)
            for width in sample
        ),
        default=(0, 0),
    )
    if count >= _WRAP_AGREEING:
        return width
    return max(map(len, lines), default=0)


def _needed(previous: str, line: str) -> int:
    """How wide ``previous`` would have been with ``line``'s first word on it."""
    return len(previous) + 1 + len(line.split(" ", 1)[0])


def _continues(previous: str, line: str, width: int) -> bool:
    """Whether ``line`` reads as the rest of the paragraph ``previous`` was cut from: it goes on
    in lower case, or ``previous`` was full and ``line`` is not much wider than the wrap width."""
    if line[0].islower():
        return True
    return _needed(previous, line) > _FULL_SHARE * width and _FULL_SHARE * len(line) <= width


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


def _join(previous: Block, line: str, *, wrapped: bool) -> Block | None:
    """``previous`` with ``line`` appended if ``line`` is its hard-wrapped continuation;
    ``wrapped`` says whether ``line`` reads as the rest of the line before it."""
    if previous.kind is BlockKind.ITEM and not previous.text:
        joined = replace(previous, text=line)
    elif (
        not wrapped
        or ends_sentence(_render_line(previous))
        or (previous.kind is BlockKind.SECTION and not is_mostly_upper(line))
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
