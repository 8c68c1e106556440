"""The words of a membership's position that make its holder a unit's head or deputy, in one place.

A membership's `position` is free text ("Bí thư Chi bộ Văn phòng", "Phó Trưởng ban Thường trực",
"Ủy viên Ban Thường vụ, Trưởng ban Tuyên giáo", "Chuyên viên Ban Tuyên giáo"). Whoever signs a
unit's documents is read from it: a head signs in person, a deputy signs "K/T" for the head;
anyone else (chuyên viên, ủy viên…) is never proposed as a signer.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from dataclasses import dataclass

from .models import Role

# The titles of a unit's head, as written in a position, longest first so that "Trưởng ban"
# is read before a bare "Trưởng". A deputy's title is one of them after "Phó".
HEAD_TITLES = (
    "Chánh Văn phòng",
    "Trưởng ban",
    "Trưởng phòng",
    "Chủ nhiệm",
    "Chủ tịch",
    "Bí thư",
    "Giám đốc",
    "Trưởng",
)
SECRETARY_TITLE = "Bí thư"
DEPUTY_WORD = "Phó"
STANDING_WORDS = "Thường trực"  # "Phó Bí thư Thường trực": the first deputy


class Rank(enum.IntEnum):
    """Who signs first: the head, then the deputies."""

    HEAD = 1
    DEPUTY = 2


@dataclass(frozen=True)
class Title:
    """A recognised position: its rank, the title as a signature prints it ("Phó Trưởng ban"),
    and the head's title it stands under ("Trưởng ban", for "K/T TRƯỞNG BAN")."""

    rank: Rank
    title: str
    head_title: str
    standing: bool = False


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def _starts_with_word(text: str, word: str) -> bool:
    """`text` begins with `word` followed by the end or a space (not "Trưởng" in "Trưởngx")."""
    return text == word or text.startswith(word + " ")


def membership_title(position: str, role: str) -> Title | None:
    """The title a membership gives: its position's; a secretary whose position is left blank is
    the unit's "Bí thư", which is what the role means (Role.SECRETARY)."""
    if not position.strip() and role == Role.SECRETARY:
        return position_title(SECRETARY_TITLE)
    return position_title(position)


def position_title(position: str) -> Title | None:
    """The head or deputy title the position states, or None (staff, members, blank).

    Each comma-separated part is read from its start: "Ủy viên BTV, Trưởng ban Tuyên giáo" is a
    head; "Chuyên viên Ban Tuyên giáo" names a body, not a post, and is no one's head.
    """
    best: Title | None = None
    for part in re.split(r"[,;]", position):
        folded = _fold(part)
        deputy = _starts_with_word(folded, _fold(DEPUTY_WORD))
        if deputy:
            folded = folded[len(_fold(DEPUTY_WORD)) :].lstrip()
        for head in HEAD_TITLES:
            if _starts_with_word(folded, _fold(head)):
                rank = Rank.DEPUTY if deputy else Rank.HEAD
                found = Title(
                    rank=rank,
                    title=f"{DEPUTY_WORD} {head}" if deputy else head,
                    head_title=head,
                    standing=_fold(STANDING_WORDS) in folded,
                )
                if best is None or found.rank < best.rank:
                    best = found
                break
    return best
