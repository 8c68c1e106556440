"""The vendored document fonts: where their stylesheet is, and how wide a line set in them is."""

from __future__ import annotations

import functools
import re
from pathlib import Path

from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured

from campaigns.documents.profiles import FormatProfile, TextStyle

__all__ = ["font_stylesheet_file", "text_width_pt"]


def font_stylesheet_file(profile: FormatProfile) -> Path:
    """The profile's font stylesheet on disk, whose @font-face sources sit next to it.

    Every printed document links it, so WeasyPrint never falls back to a system font; a
    deployment without it is misconfigured, and says so rather than printing in another face.
    """
    found = finders.find(profile.font_stylesheet)
    if not isinstance(found, str):
        raise ImproperlyConfigured(f"font stylesheet {profile.font_stylesheet!r} not found")
    return Path(found)


def text_width_pt(text: str, style: TextStyle, profile: FormatProfile) -> float | None:
    """Advance width of a line in the vendored face (Times New Roman's metrics), or None when
    the stylesheet declares no face of that weight and slant."""
    path = _font_file(font_stylesheet_file(profile), bold=style.bold, italic=style.italic)
    if path is None:
        return None
    cmap, advances, units_per_em = _font_metrics(path)
    notdef = advances.get(".notdef", units_per_em // 2)
    units = sum(advances.get(cmap.get(ord(char), ".notdef"), notdef) for char in text)
    return units * style.size_pt / units_per_em


@functools.cache
def _font_file(css_path: Path, *, bold: bool, italic: bool) -> str | None:
    """The font file the stylesheet declares for this weight and slant."""
    want = ("italic" if italic else "normal", "700" if bold else "400")
    for face in re.findall(r"@font-face\s*{([^}]*)}", css_path.read_text(encoding="utf-8")):
        slant = re.search(r"font-style:\s*(\w+)", face)
        weight = re.search(r"font-weight:\s*(\w+)", face)
        url = re.search(r'url\("?([^")]+)"?\)', face)
        if slant and weight and url and (slant[1], weight[1].replace("bold", "700")) == want:
            return str(css_path.parent / url[1])
    return None


@functools.cache
def _font_metrics(path: str) -> tuple[dict[int, str], dict[str, int], int]:
    # fontTools comes with WeasyPrint, which subsets fonts with it.
    from fontTools.ttLib import TTFont

    font = TTFont(path, lazy=True)
    advances = {name: metric[0] for name, metric in font["hmtx"].metrics.items()}
    return font.getBestCmap(), advances, font["head"].unitsPerEm
