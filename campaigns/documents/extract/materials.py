"""Study materials: items under a "Tài liệu…" heading and linked titles."""

from __future__ import annotations

import re
from typing import TypedDict

from campaigns.documents.body import BlockKind, is_mostly_upper, parse_body
from campaigns.documents.extract.paragraphs import split_sentences
from campaigns.documents.extract.vocabulary import (
    MATERIALS_HEADING,
    URL,
    URL_CONNECTORS,
    WHERE_PUBLISHED,
)


class Material(TypedDict):
    """A study material: its title, and its link when the text gives one."""

    title: str
    url: str | None


def find_materials(lines: list[str]) -> list[Material]:
    """Study materials: the items under a "Tài liệu…" heading, and every linked title."""
    materials: list[Material] = []
    heading_level: int | None = None
    previous_text = ""
    for line in lines:
        if not line:
            continue
        block = parse_body(line)[0]
        text = block.text
        label, _, inline = text.partition(":")
        if block.kind is not BlockKind.BULLET and _is_materials_heading(block.kind, label, text):
            heading_level = block.level
            if inline.strip():
                _add_material(materials, _material_from(inline.strip(), previous_text))
        elif heading_level is not None and (
            block.kind is BlockKind.BULLET
            or (block.kind is BlockKind.ITEM and block.level > heading_level)
        ):
            _add_material(materials, _material_from(text, previous_text))
        elif heading_level is not None and re.fullmatch(r"\(.*\)\.?", text):
            pass  # "(Kèm theo Kế hoạch số …)" under the heading of an appendix
        else:
            heading_level = None
            for material in _linked_materials(text, previous_text):
                _add_material(materials, material)
        previous_text = text
    return materials


def _is_materials_heading(kind: BlockKind, label: str, text: str) -> bool:
    if not MATERIALS_HEADING.match(label) or len(label) > 100:
        return False
    return kind is not BlockKind.PARAGRAPH or text.endswith(":") or is_mostly_upper(label)


def _add_material(materials: list[Material], material: Material | None) -> None:
    if material is None:
        return
    for existing in materials:
        if (material["url"] and existing["url"] == material["url"]) or (
            not material["url"] and existing["title"] == material["title"]
        ):
            return
    materials.append(material)


def _clean_url(url: str) -> str:
    return url.rstrip(".,;:!?")


def _clean_title(title: str) -> str:
    # "Đề cương …, đăng tại Trang thông tin điện tử …": the title stops where its place begins.
    title = WHERE_PUBLISHED.split(title, maxsplit=1)[0]
    title = URL_CONNECTORS.sub("", title.strip())
    return title.strip(" .,;:-–")


def _material_from(text: str, previous_text: str) -> Material | None:
    match = URL.search(text)
    if not match:
        title = _clean_title(text)
        return Material(title=title, url=None) if title else None
    url = _clean_url(match[0])
    title = _clean_title(text[: match.start()])
    if not title:
        after = text[match.start() + len(url) :].strip(" .,;:()")
        title = _clean_title(after) or _clean_title(previous_text)
    return Material(title=title, url=url) if title else Material(title=url, url=url)


def _linked_materials(text: str, previous_text: str) -> list[Material]:
    materials: list[Material] = []
    start = 0
    for match in URL.finditer(text):
        url = _clean_url(match[0])
        chunk = text[start : match.start()]
        # The title sits in the same sentence as the link.
        chunk = split_sentences(chunk)[-1] if chunk.strip() else ""
        label, colon, rest = chunk.partition(":")
        if colon and MATERIALS_HEADING.match(label) and rest.strip():
            chunk = rest
        title = _clean_title(chunk)
        if not title:
            title = _clean_title(previous_text) if not materials else ""
        materials.append(Material(title=title or url, url=url))
        start = match.start() + len(url)
    return materials
