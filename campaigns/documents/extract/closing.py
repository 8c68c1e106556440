"""The closing block: recipients under "Nơi nhận" and the signature (authority, position, name)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from campaigns.documents.body import BlockKind, is_mostly_upper
from campaigns.documents.extract.normalise import column_fragments
from campaigns.documents.extract.paragraphs import line_kind
from campaigns.documents.extract.vocabulary import (
    APPENDIX,
    AUTHORITY,
    CLOSING_NOISE,
    NOI_NHAN,
    POSITION_WORDS,
    SIGNED_MARK,
    SURNAMES,
)


@dataclass
class Signature:
    """What the closing block gives: the recipients and who signs, for which authority."""

    recipients: list[str] = field(default_factory=list)
    authority: str | None = None
    position: str | None = None
    name: str | None = None


def appendix_start(folded: list[str], start: int, end: int) -> int:
    """Where an upper-case "PHỤ LỤC" heading opens an appendix in ``folded[start:end]``, or end."""
    for index in range(start, end):
        if APPENDIX.match(folded[index]) and is_mostly_upper(folded[index]):
            return index
    return end


def read_closing(lines: list[str]) -> Signature:
    """Recipients and signature from "Nơi nhận:" on, whatever the order of the two columns."""
    signature = Signature()
    signature_lines: list[str] = []
    fragments: list[str] = []
    for position, line in enumerate(lines):
        parts = column_fragments(line)
        if position == 0 and parts and (match := NOI_NHAN.match(parts[0])):
            parts = [match["rest"], *parts[1:]] if match["rest"] else parts[1:]
        if parts and APPENDIX.match(parts[0]) and is_mostly_upper(parts[0]):
            break
        fragments.extend(piece for part in parts for piece in _unglued(part))
    position_seen = False
    for fragment in fragments:
        if SIGNED_MARK.match(fragment) or CLOSING_NOISE.match(fragment):
            continue
        if re.match(r"^[-–+•]\s*\S", fragment):
            signature.recipients.append(re.sub(r"^[-–+•]\s*", "", fragment))
        elif position_seen and (_is_name(fragment) or _is_upper_name(fragment)):
            signature_lines.append(fragment)
        elif _is_signature_line(fragment):
            signature_lines.append(fragment)
            position_seen = True
        elif signature.recipients and not _is_name(fragment):
            # A wrapped recipient line: "- Đ/c Trịnh Minh Thắng, UVBTV," / "Chủ nhiệm …,".
            signature.recipients[-1] = f"{signature.recipients[-1]} {fragment}"
        else:
            signature_lines.append(fragment)
    read_signature(signature, signature_lines)
    return signature


def _unglued(fragment: str) -> list[str]:
    """A position and the name run together by a web page ("CHÁNH VĂN PHÒNGThái Hữu Phép")
    as two lines; anything else as it is."""
    for index in range(2, len(fragment) - 1):
        head, tail = fragment[:index], fragment[index:]
        if (
            head[-1].isupper()
            and tail[0].isupper()
            and tail[1].islower()
            and is_mostly_upper(head)
            and _is_name(tail)
        ):
            return [head, tail]
    return [fragment]


def _is_signature_line(line: str) -> bool:
    # A line ending in "," or ";" continues a recipient ("Chủ nhiệm Ủy ban Kiểm tra Thành ủy,").
    if line[-1] in ",;" or line_kind(line) is not BlockKind.PARAGRAPH or len(line) > 80:
        return False
    return bool(AUTHORITY.match(line) or is_mostly_upper(line) or POSITION_WORDS.match(line))


def _is_name(line: str) -> bool:
    words = line.split()
    if not 2 <= len(words) <= 6:
        return False
    return all(
        word[0].isupper() and (word[1:].islower() or len(word) == 1) for word in words
    ) and all(ch.isalpha() or ch.isspace() for ch in line)


def _is_upper_name(line: str) -> bool:
    words = line.split()
    return 2 <= len(words) <= 6 and words[0] in SURNAMES and all(w.isalpha() for w in words)


def read_signature(signature: Signature, lines: list[str]) -> None:
    upper = [line for line in lines if _is_signature_line(line) and not _is_upper_name(line)]
    names = [line for line in lines if line not in upper]
    if names:
        signature.name = names[-1]
    if not upper:
        return
    if AUTHORITY.match(upper[0]):
        if len(upper) == 1:
            signature.authority = upper[0]
            return
        signature.authority = " ".join(upper[:-1])
        signature.position = upper[-1]
    else:
        signature.position = " ".join(upper)


def signature_start(folded: list[str], start: int, end: int) -> int | None:
    """Where a signature block stands at the end of ``folded[start:end]`` (when it precedes
    "Nơi nhận", or there is none): a name under upper-case authority and position lines."""
    first: int | None = None
    name_seen = upper_seen = False
    index = end - 1
    while index >= start:
        line = folded[index]
        if not line or SIGNED_MARK.match(line):
            index -= 1
            continue
        if not name_seen and not upper_seen and (_is_name(line) or _is_upper_name(line)):
            name_seen = True
        elif _is_signature_line(line):
            upper_seen = True
        else:
            break
        first = index
        index -= 1
    return first if upper_seen else None
