"""Lines of the body as paragraphs and sentences: hard wraps joined back, sentences split."""

from __future__ import annotations

import re

from campaigns.documents.body import BlockKind, ends_sentence, is_mostly_upper, parse_body
from campaigns.documents.extract.normalise import fold
from campaigns.documents.extract.vocabulary import (
    ABBREVIATIONS,
    BASIS_START,
    NOI_NHAN,
    OPEN_ENDINGS,
    URL,
    WRAP_MIN,
)


def line_kind(line: str) -> BlockKind:
    """What one line is to ``parse_body``: a section heading, an item, a bullet or a paragraph."""
    blocks = parse_body(line)
    return blocks[0].kind if blocks else BlockKind.PARAGRAPH


def line_text(line: str) -> str:
    """A line without its marker ("1.", "a)", "-"), as ``parse_body`` reads it."""
    blocks = parse_body(line)
    return blocks[0].text if blocks else line


def join_hard_wraps(raw_lines: list[str]) -> list[str]:
    """Lines broken inside a sentence (PDF, wrapped Markdown) joined back; blank lines kept.

    In a PDF's laid-out text a paragraph's first line is indented and the others are not, so a
    flush-left line under a full-width one continues it even after a full stop.
    """
    laid_out = _is_laid_out(raw_lines)
    width = max((len(line.rstrip()) for line in raw_lines), default=0)
    out: list[str] = []
    previous_raw = ""
    for raw in raw_lines:
        line = fold(raw)
        if (
            out
            and line
            and out[-1]
            and (
                _continues(out[-1], line)
                or (laid_out and _continues_laid_out(previous_raw, raw, width, out[-1], line))
            )
        ):
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
        previous_raw = raw
    return out


def _is_laid_out(raw_lines: list[str]) -> bool:
    lines = [line for line in raw_lines if line.strip()]
    indented = sum(1 for line in lines if line.startswith("  "))
    return len(lines) >= 5 and 0.1 * len(lines) <= indented < 0.8 * len(lines)


def _continues_laid_out(previous_raw: str, raw: str, width: int, previous: str, line: str) -> bool:
    return (
        not raw[:1].isspace()
        and len(previous_raw.rstrip()) >= 0.85 * width
        and line_kind(line) is BlockKind.PARAGRAPH
        and line_kind(previous) is not BlockKind.SECTION
        and not NOI_NHAN.match(line)
    )


def _continues(previous: str, line: str) -> bool:
    if line_kind(line) is not BlockKind.PARAGRAPH:
        return False
    if URL.fullmatch(line.rstrip(".,;")) and line_kind(previous) is not BlockKind.SECTION:
        return True  # "Bài viết của Tổng Bí thư:" / "https://…": a link on its own line
    if ends_sentence(previous):
        return False
    if line_kind(previous) is BlockKind.SECTION or is_mostly_upper(previous):
        return is_mostly_upper(line)  # a heading wraps onto an upper-case line only
    if NOI_NHAN.match(line) or (BASIS_START.match(line) and len(previous) < WRAP_MIN):
        return False
    if previous.rsplit(" ", 1)[-1].lower() in OPEN_ENDINGS:
        return True  # "1.1. Công tác chỉ đạo, điều hành của" / "Thủ tướng Chính phủ:"
    first = line[0]
    if first.islower() or first.isdigit() or first in "(“\"'‘«[/":
        return True
    return len(previous) >= WRAP_MIN


def split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph; a full stop after an abbreviation ("TP.") does not end one."""
    sentences: list[str] = []
    start = 0
    for match in re.finditer(r"[.!?…][\"'”’»)]*\s+", text):
        following = text[match.end() : match.end() + 1]
        word_before = re.search(r"(\S+)[.!?…][\"'”’»)]*\s+$", text[start : match.end()])
        if not following or not (following.isupper() or following in '“"('):
            continue
        if word_before and word_before[1] in ABBREVIATIONS:
            continue
        sentences.append(text[start : match.end()].strip())
        start = match.end()
    sentences.append(text[start:].strip())
    return [sentence for sentence in sentences if sentence]
