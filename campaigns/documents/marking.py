"""The source text of a received directive as HTML, each extracted field marked (`<mark>`) where
it was found, so the reader checks every field against the words it came from."""

from __future__ import annotations

import datetime
import html
import re
from typing import Any

from django.utils.safestring import SafeString, mark_safe


def _loose(value: str) -> str:
    """A value as a pattern that lets line breaks and runs of spaces fall between its words."""
    return r"\s+".join(re.escape(word) for word in value.split())


def _date_pattern(iso: str) -> str:
    day = datetime.date.fromisoformat(iso)
    d, m, y = day.day, day.month, day.year
    return (
        rf"ngày\s+0?{d}\s+tháng\s+0?{m}\s+năm\s+{y}"
        rf"|\b0?{d}\s*[/.-]\s*0?{m}\s*[/.-]\s*{y}\b"
    )


def _needles(data: dict[str, Any], kind_name: str | None) -> list[tuple[str, list[str]]]:
    """(field, patterns to try in turn) for each extracted field the review page shows."""
    wanted: list[tuple[str, list[str]]] = []

    def text(name: str, value: str | None, head: int = 4) -> None:
        if value:
            words = value.split()
            tries = [_loose(value)]
            if len(words) > head:
                tries.append(_loose(" ".join(words[:head])))
            wanted.append((name, tries))

    text("superior_body", data.get("superior_body"), 3)
    text("issuing_body", data.get("issuing_body"))
    if kind_name:
        upper = _loose(kind_name.upper())
        wanted.append(("kind", [rf"^\s*{upper}\s*$", upper]))
    text("symbol", data.get("symbol"))
    text("place", data.get("place"))
    if data.get("date"):
        wanted.append(("issue_date", [_date_pattern(data["date"])]))
    text("subject", data.get("subject"), 6)
    text("basis", data.get("basis_text"), 6)
    first_line = (data.get("body") or "").split("\n", 1)[0]
    text("body", first_line, 6)
    for reference in data.get("basis") or []:
        text("basis", reference.get("symbol"))
    text("signing_authority", data.get("signing_authority"))
    text("signer_position", data.get("signer_position"))
    text("signer_name", data.get("signer_name"))
    for line in data.get("recipients") or []:
        text("recipient_lines", line.rstrip(",.;"), 6)
    for deadline in data.get("deadlines") or []:
        tries = [_loose(deadline["text"])]
        if deadline.get("date"):
            tries.append(_date_pattern(deadline["date"]))
        wanted.append(("milestones", tries))
    for material in data.get("materials") or []:
        text("materials", material.get("title"), 6)
    return wanted


def source_with_marks(
    text: str, data: dict[str, Any], *, kind_name: str | None
) -> tuple[SafeString, set[str]]:
    """The source text as HTML with each extracted field marked where it was found, and the
    set of fields found. A field's first mark gets the id ``src-<field>``.

    ``kind_name`` is the name of the document type the extraction found ("Hướng dẫn"), looked
    up by the caller: this module reads no database.
    """
    spans: list[tuple[int, int, str]] = []
    for name, tries in _needles(data, kind_name):
        for pattern in tries:
            taken = [
                m
                for m in re.finditer(pattern, text, re.IGNORECASE | re.MULTILINE)
                if m.end() > m.start() and all(m.end() <= s or m.start() >= e for s, e, _ in spans)
            ]
            if taken:
                spans.append((taken[0].start(), taken[0].end(), name))
                break
    spans.sort()
    out, at, seen = [], 0, set()
    for start, end, name in spans:
        out.append(html.escape(text[at:start]))
        anchor = "" if name in seen else f' id="src-{name}"'
        seen.add(name)
        out.append(
            f'<mark class="src-mark" data-field="{name}"{anchor}>'
            f"{html.escape(text[start:end])}</mark>"
        )
        at = end
    out.append(html.escape(text[at:]))
    return mark_safe("".join(out)), seen  # noqa: S308 - every piece of text is escaped above
