"""The header's two names (superior body over issuing body): which organisation or committee
each line names, and how a long name is broken into the lines printed in its column.

Pure text work on names and the format profile; the unit tree is read by
campaigns.selectors.tree, which hands the names in.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
import unicodedata
from collections.abc import Callable

from campaigns.documents.formatting import column_width_mm
from campaigns.documents.profiles import FormatProfile, TextStyle

__all__ = [
    "MAX_ISSUING_LINES",
    "MAX_SUPERIOR_LINES",
    "column_width_pt",
    "committee_header",
    "committee_name",
    "header_key",
    "header_lines",
    "header_problem",
    "level_body_name",
    "normalise_header",
    "organ_header",
    "organisation_name",
    "shorten_to_fit",
]

# Real documents print each name on one or two lines (the reference: "ĐẢNG ỦY KHỐI CƠ QUAN /
# DÂN CHÍNH ĐẢNG TP CẦN THƠ" over "BAN TUYÊN GIÁO").
MAX_SUPERIOR_LINES = 2
MAX_ISSUING_LINES = 2

# A party organisation (đảng bộ) and the committee (cấp ủy) elected to lead it, by prefix; the
# longer prefixes first, so "Đảng bộ thành phố Cần Thơ" is led by "Thành ủy Cần Thơ".
_ORGANISATION_COMMITTEE = (
    ("Đảng bộ thành phố", "Thành ủy"),
    ("Đảng bộ thị xã", "Thị ủy"),
    ("Đảng bộ tỉnh", "Tỉnh ủy"),
    ("Đảng bộ huyện", "Huyện ủy"),
    ("Đảng bộ quận", "Quận ủy"),
    ("Đảng bộ", "Đảng ủy"),
)
# A cell is its own issuing body: a chi bộ prints "CHI BỘ …" (its chi ủy signs for it).
_CELL = "Chi bộ"

# The bodies created in 2025 when the bloc committees closed (Kết luận 121-KL/TW, 24/01/2025):
# the party organisation of the province's party agencies, Front and mass organisations, and
# that of its People's Committee. They are named after the level they serve, as their models
# at the centre are ("Đảng ủy các cơ quan Đảng Trung ương"): the level word belongs to the
# name, so a header drops only the province's own name ("ĐẢNG ỦY CÁC CƠ QUAN ĐẢNG THÀNH PHỐ",
# "ĐẢNG BỘ ỦY BAN NHÂN DÂN THÀNH PHỐ") where a bloc drops the whole place ("ĐẢNG ỦY KHỐI CƠ
# QUAN DÂN CHÍNH ĐẢNG", 28-BC/ĐUK of 2024).
_LEVEL_BODIES = ("các cơ quan Đảng", "Ủy ban nhân dân", "UBND")
_LEVELS = ("tỉnh", "thành phố", "TP")

# Abbreviations the real headers use when a name is too long for its column, tried in order
# ("ĐẢNG ỦY KHỐI CƠ QUAN DÂN CHÍNH ĐẢNG TP CẦN THƠ").
_ABBREVIATIONS = (
    ("thành phố", "TP"),
    ("Ủy ban nhân dân", "UBND"),
    ("Hội đồng nhân dân", "HĐND"),
    ("đại biểu Quốc hội", "ĐBQH"),
    ("Mặt trận Tổ quốc Việt Nam", "MTTQ Việt Nam"),
)


def _fold(text: str) -> str:
    """Lower case, one space between words, the tone of "ủy" where the new spelling puts it:
    "Đảng Uỷ" == "đảng ủy". Tones stay, so "Quân sự" is not "quận"."""
    folded = unicodedata.normalize("NFC", text).casefold().replace("uỷ", "ủy")
    return " ".join(folded.split())


def _words(text: str) -> list[str]:
    return unicodedata.normalize("NFC", text).split()


def _after_prefix(name: str, prefix: str) -> str | None:
    """The rest of `name` after `prefix` (whole words, any case or tone placement), or None."""
    words, wanted = _words(name), _fold(prefix).split()
    if len(words) <= len(wanted) or _fold(" ".join(words[: len(wanted)])).split() != wanted:
        return None
    return " ".join(words[len(wanted) :])


def organisation_name(name: str) -> str | None:
    """The party organisation a unit's name designates, as the superior line names it:
    "Đảng ủy Khối X" → "Đảng bộ Khối X", "Thành ủy Cần Thơ" → "Đảng bộ thành phố Cần Thơ";
    an organisation or a cell is named as it is. None when the name says neither."""
    for organisation, committee in _ORGANISATION_COMMITTEE:
        if _after_prefix(name, organisation) is not None:
            return " ".join(_words(name))
        if (rest := _after_prefix(name, committee)) is not None:
            return f"{organisation} {rest}"
    if _after_prefix(name, _CELL) is not None:
        return " ".join(_words(name))
    return None


def committee_name(name: str) -> str | None:
    """The body that issues for a unit: "Đảng bộ Sở Tư pháp" → "Đảng ủy Sở Tư pháp",
    "Đảng bộ tỉnh Bình Định" → "Tỉnh ủy Bình Định"; a committee or a cell is named as it is.
    None when the name says neither."""
    for organisation, committee in _ORGANISATION_COMMITTEE:
        if (rest := _after_prefix(name, organisation)) is not None:
            return f"{committee} {rest}"
        if _after_prefix(name, committee) is not None:
            return " ".join(_words(name))
    if _after_prefix(name, _CELL) is not None:
        return " ".join(_words(name))
    return None


def level_body_name(name: str) -> str | None:
    """The name of a body named after its level without the province's own name: "Đảng ủy
    các cơ quan Đảng thành phố Cần Thơ" → "Đảng ủy các cơ quan Đảng thành phố", "Đảng bộ Ủy
    ban nhân dân tỉnh An Giang" → "Đảng bộ Ủy ban nhân dân tỉnh". None for any other name, or
    one that names no province after its level. Only right after "Đảng ủy" or "Đảng bộ": the
    cell of an office named after it ("Chi bộ Văn phòng Ủy ban nhân dân tỉnh …") keeps its name.
    """
    words = _words(name)
    folded = _fold(name).split()
    for prefix in ("Đảng ủy", "Đảng bộ"):
        start = len(prefix.split())
        if folded[:start] != _fold(prefix).split():
            continue
        for body in _LEVEL_BODIES:
            for level in _LEVELS:
                wanted = [*_fold(body).split(), *_fold(level).split()]
                end = start + len(wanted)
                if folded[start:end] == wanted and len(words) > end:  # a proper name follows
                    return " ".join(words[:end])
    return None


def _drop_suffix(name: str, suffix_words: list[str], *, keep: int) -> str | None:
    """`name` without its trailing words equal to `suffix_words`, keeping at least `keep`
    words; None when it does not end so."""
    words = _words(name)
    count = len(suffix_words)
    if not count or len(words) < count + keep:
        return None
    if _fold(" ".join(words[-count:])) != _fold(" ".join(suffix_words)):
        return None
    return " ".join(words[:-count])


def committee_header(name: str, parent: str) -> tuple[str, str]:
    """(superior, issuing) for a committee or cell named `name` under the unit `parent`: the
    organisation above over the committee that issues ("Đảng bộ Khối …" / "Đảng ủy Sở Tư
    pháp"). The issuing name drops a place the superior line already says ("Đảng bộ thành phố
    Cần Thơ" / "Đảng ủy Khối cơ quan Dân Chính Đảng"). A name whose designation the portal
    does not know is printed as it is."""
    superior = (organisation_name(parent) or parent) if parent else ""
    superior = level_body_name(superior) or superior
    issuing = committee_name(name) or name
    issuing = level_body_name(issuing) or issuing
    # "Đảng bộ thành phố Cần Thơ" → "thành phố Cần Thơ"; the issuing name keeps its designation
    # and one word more ("Đảng ủy Khối …", "Chi bộ Văn phòng").
    place = _after_prefix(superior, "Đảng bộ") or _after_prefix(superior, _CELL)
    if place and committee_name(issuing) is not None:
        issuing = _drop_suffix(issuing, _words(place), keep=3) or issuing
    return superior, issuing


def organ_header(
    organ: str, organ_short: str, committee: str, committee_short: str
) -> tuple[str, str]:
    """(superior, issuing) for a committee's organ: the committee over the organ's own name,
    without the committee it names ("Ban Tuyên giáo Thành ủy Cần Thơ" under "Thành ủy Cần Thơ"
    prints "THÀNH ỦY CẦN THƠ" / "BAN TUYÊN GIÁO")."""
    named = committee_name(committee) or committee
    superior = level_body_name(named) or named
    for candidate in (organ, organ_short):
        if stripped := _without_committee(candidate, (committee, committee_short, named)):
            return superior, stripped
    return superior, organ_short or organ


def _without_committee(organ: str, committees: tuple[str, ...]) -> str | None:
    """The organ's name without a trailing reference to its committee: the committee's name
    or its first two words or more ("Ban Tuyên giáo Đảng ủy Khối" → "Ban Tuyên giáo")."""
    for committee in committees:
        words = _words(committee)
        for count in range(len(words), 1, -1):
            if shorter := _drop_suffix(organ, words[:count], keep=1):
                return shorter
    return None


def shorten_to_fit(text: str, style: TextStyle, profile: FormatProfile, max_lines: int) -> str:
    """The name as proposed: as it is when it fits in `max_lines`, else with the usual
    abbreviations ("thành phố" → "TP"), one after another, until it fits."""
    candidates = [text]
    for long, short in _ABBREVIATIONS:
        pattern = rf"(?<!\w){re.escape(long)}(?!\w)"
        candidates.append(re.sub(pattern, short, candidates[-1], flags=re.IGNORECASE))
    layouts = [(c, _layout(normalise_header(c), style, profile)) for c in candidates]
    for clean in (True, False):  # a break inside a word only when no abbreviation avoids it
        for candidate, (lines, cost) in layouts:
            if len(lines) <= max_lines and (cost < _INSIDE_BREAK or not clean):
                return candidate
    return candidates[-1]


# ---------------------------------------------------------------------------- line breaks


def normalise_header(value: str) -> str:
    """A header name as stored: the author's line breaks kept as "\\n", each line trimmed and
    its spaces single, blank lines dropped."""
    lines = (" ".join(line.split()) for line in unicodedata.normalize("NFC", value).splitlines())
    return "\n".join(line for line in lines if line)


def header_key(value: str) -> str:
    """What two spellings of a header share when they print the same (case aside)."""
    return normalise_header(value).casefold()


def header_lines(text: str, style: TextStyle, profile: FormatProfile) -> tuple[str, ...]:
    """The lines a header name prints on, as written (the renderers upper-case them).

    The author's line breaks are kept. A name without any is set on the fewest lines that fit
    the column at the style's size, as balanced as possible, never one word alone on a line,
    and not splitting a word or a proper name ("Kế hoạch", "Cần Thơ") while another break
    fits.
    """
    return _layout(normalise_header(text), style, profile)[0]


@functools.lru_cache(maxsize=4096)  # keyed by typed names: bounded
def _layout(text: str, style: TextStyle, profile: FormatProfile) -> tuple[tuple[str, ...], float]:
    """The lines of a header name, and what their breaks cost (see _break_cost)."""
    if not text:
        return (), 0
    if "\n" in text:
        return tuple(text.split("\n")), 0
    words = text.split()
    width = column_width_pt(profile)

    def measure(line: str) -> float:
        return _width(line, style, profile)

    if measure(text) <= width or len(words) < 4:
        return (text,), 0
    for count in range(2, len(words) // 2 + 1):
        best = _balanced(words, count, width, measure)
        if best is not None:
            return best[1], sum(_break_cost(words, b) for b in best[2])
    return _greedy(words, width, measure), _INSIDE_BREAK


def _balanced(
    words: list[str], count: int, width: float, measure: Callable[[str], float]
) -> tuple[float, tuple[str, ...], tuple[int, ...]] | None:
    """The best way to set `words` on `count` lines of at most `width`, each of two words or
    more: the least ragged (widest less narrowest line), a break that may split a word costing
    as much as that many points more. None when no way fits."""
    # Past a few thousand ways the name is no header; _greedy sets it.
    if math.comb(len(words) - 3, count - 1) > 5000:
        return None
    best: tuple[float, tuple[str, ...], tuple[int, ...]] | None = None
    for breaks in itertools.combinations(range(2, len(words) - 1), count - 1):
        bounds = (0, *breaks, len(words))
        if any(end - start < 2 for start, end in itertools.pairwise(bounds)):
            continue
        lines = tuple(" ".join(words[a:b]) for a, b in itertools.pairwise(bounds))
        widths = [measure(line) for line in lines]
        if max(widths) > width:
            continue
        cost = max(widths) - min(widths) + sum(_break_cost(words, b) for b in breaks)
        if best is None or cost < best[0]:
            best = (cost, lines, breaks)
    return best


# Where a line may break, by what the syllables around it say (a Vietnamese word is one to
# three syllables, each written apart): in points of raggedness a break is worth avoiding.
_PHRASE_BREAK = 0  # before "và", "các", "của" or a place ("thành phố", "tỉnh"), after a comma
_WORD_BREAK = 0  # before a capital: a capitalised syllable begins a word ("quan | Dân")
_MAYBE_BREAK = 20  # between lower-case syllables: "cơ | quan" is one word, "quan | và" is not
_INSIDE_BREAK = 200  # after a capital: inside a word ("Kế | hoạch") or a name ("Cần | Thơ")
_JOINERS = {"và", "các", "của"}  # a line begins with them, never ends on them
_PLACES = {"tỉnh", "tp", "thành phố"}
# Names of bodies read as one word: never "ỦY BAN | NHÂN DÂN" or "CÁC CƠ QUAN | ĐẢNG" (the bodies
# of 2025, "ĐẢNG ỦY ỦY BAN NHÂN DÂN / THÀNH PHỐ").
_BODIES = tuple(
    tuple(phrase.casefold().split())
    for phrase in ("Ủy ban nhân dân", "Hội đồng nhân dân", "các cơ quan Đảng", "Mặt trận Tổ quốc")
)


def _break_cost(words: list[str], index: int) -> float:
    """What breaking before words[index] costs."""
    before, after = words[index - 1], words[index]
    following = words[index + 1] if index + 1 < len(words) else ""
    if f"{before} {after}".casefold() in _PLACES or _inside_body(words, index):  # "thành | phố"
        return _INSIDE_BREAK
    if before.casefold() in _JOINERS:
        return _MAYBE_BREAK
    starts_place = after.casefold() in _PLACES or f"{after} {following}".casefold() in _PLACES
    if before.endswith((",", ";")) or after.casefold() in _JOINERS or starts_place:
        return _PHRASE_BREAK
    if after[:1].isupper():
        return _INSIDE_BREAK if before[:1].isupper() else _WORD_BREAK
    return _INSIDE_BREAK if before[:1].isupper() else _MAYBE_BREAK


def _inside_body(words: list[str], index: int) -> bool:
    """Whether a break before words[index] splits the name of a body ("Ủy ban | nhân dân")."""
    folded = [_fold(word) for word in words]
    for phrase in _BODIES:
        for offset in range(1, len(phrase)):
            start = index - offset
            if start >= 0 and tuple(folded[start : start + len(phrase)]) == phrase:
                return True
    return False


def _greedy(words: list[str], width: float, measure: Callable[[str], float]) -> tuple[str, ...]:
    """Fill each line as far as it goes: the renderer's own way, for a name no balance fits."""
    lines: list[list[str]] = [[]]
    for word in words:
        if lines[-1] and measure(" ".join([*lines[-1], word])) > width:
            lines.append([])
        lines[-1].append(word)
    return tuple(" ".join(line) for line in lines)


def column_width_pt(profile: FormatProfile) -> float:
    """The header column's width for text, in points."""
    return column_width_mm(profile) * 72 / 25.4


def _width(line: str, style: TextStyle, profile: FormatProfile) -> float:
    """The printed width of a line (upper-cased when the style is), in points."""
    # Imported here: the render package imports DocumentContext, which imports this module.
    from campaigns.documents.render.fonts import text_width_pt

    text = line.upper() if style.uppercase else line
    measured = text_width_pt(text, style, profile)
    # No vendored face: about half an em a letter, so long names still break.
    return measured if measured is not None else len(text) * style.size_pt * 0.55


# ---------------------------------------------------------------------------- validation


def header_problem(
    text: str, style: TextStyle, profile: FormatProfile, max_lines: int
) -> str | None:
    """Why a header name cannot print as real documents do, in Vietnamese; None when it can."""
    text = normalise_header(text)
    lines = header_lines(text, style, profile)
    if "\n" not in text:
        if len(lines) <= max_lines:
            return None
        return (
            f"Tên này cần {len(lines)} dòng trong cột tiêu đề, văn bản chỉ in tối đa {max_lines} "
            "dòng: hãy viết tắt (ví dụ “TP” thay cho “thành phố”) hoặc rút gọn tên."
        )
    if len(lines) > max_lines:
        return f"Tên này có {len(lines)} dòng, văn bản chỉ in tối đa {max_lines} dòng."
    width = column_width_pt(profile)
    for line in lines:
        if _width(line, style, profile) > width:
            return (
                f"Dòng “{line}” dài hơn cột tiêu đề nên sẽ tự xuống dòng: hãy ngắt dòng ở chỗ "
                "khác hoặc viết tắt."
            )
    return None
