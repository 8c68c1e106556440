"""The TrueType font of the visible signature, with glyph widths PDF viewers read correctly.

pyHanko 0.38's GlyphAccumulator writes the CIDFont's /W widths (and the descriptor's metrics)
in font units, while PDF reads them per 1000 em: right for fonts of 1000 units per em, but
Liberation Serif has 2048, and viewers then spread the letters twice as wide as the text box
pyHanko measured. This engine shapes at a 1000-unit scale, so widths, kerning and the layout
all agree in the units PDF expects.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from fontTools import subset, ttLib
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator, GlyphAccumulatorFactory
from pyhanko.pdf_utils.writer import BasePdfFileWriter

PDF_EM = 1000  # glyph space units per em in PDF


class Em1000GlyphAccumulator(GlyphAccumulator):
    """A GlyphAccumulator whose every metric is per 1000 em, whatever the font's own units."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ratio = PDF_EM / self.units_per_em
        self._width_ratio = ratio
        self.hb_font.scale = (PDF_EM, PDF_EM)  # HarfBuzz advances and offsets per 1000 em
        self.units_per_em = PDF_EM
        descriptor = self.cidfont_obj._font_descriptor  # built eagerly, embedded later
        for key in ("/Ascent", "/Descent", "/CapHeight"):
            descriptor[generic.NameObject(key)] = generic.NumberObject(
                round(int(descriptor[key]) * ratio)
            )
        descriptor[generic.NameObject("/FontBBox")] = generic.ArrayObject(
            generic.NumberObject(round(int(value) * ratio)) for value in descriptor["/FontBBox"]
        )

    def _extract_subset(self, options: subset.Options | None = None) -> None:
        if options is None:  # pyHanko's defaults, and drop FontForge's timestamp table quietly
            options = subset.Options(layout_closure=False)
            options.drop_tables += ["GPOS", "GDEF", "GSUB", "FFTM"]
        super()._extract_subset(options)

    def _get_cid_and_width(self, glyph_id: int) -> tuple[int, int]:
        if glyph_id in self._glyphs:
            return self._glyphs[glyph_id]
        cid, width = super()._get_cid_and_width(glyph_id)
        self._glyphs[glyph_id] = result = (cid, round(width * self._width_ratio))
        return result


@dataclass(frozen=True)
class Em1000FontFactory(GlyphAccumulatorFactory):
    """GlyphAccumulatorFactory making Em1000GlyphAccumulator engines."""

    def create_font_engine(
        self, writer: BasePdfFileWriter, obj_stream: Any = None
    ) -> GlyphAccumulator:
        if obj_stream is None and writer.stream_xrefs and self.create_objstream_if_needed:
            obj_stream = writer.prepare_object_stream()
        return Em1000GlyphAccumulator(
            writer=writer,
            font_handle=BytesIO(_font_bytes(self.font_file)),
            font_size=self.font_size,
            ot_script_tag=self.ot_script_tag,
            ot_language_tag=self.ot_language_tag,
            writing_direction=self.writing_direction,
            bcp47_lang_code=self.bcp47_lang_code,
            obj_stream=obj_stream,
        )


# What a stamp can show: Latin, Vietnamese (precomposed and combining), common punctuation.
STAMP_REPERTOIRE = (
    (0x20, 0x7E),
    (0xA0, 0x17F),
    (0x1A0, 0x1B0),
    (0x300, 0x323),
    (0x1EA0, 0x1EF9),
    (0x2010, 0x2026),
    (0x20AB, 0x20AB),
)


@functools.cache
def _font_bytes(path: str) -> bytes:
    """The font cut down once per process to STAMP_REPERTOIRE (80 KB instead of 400 KB), so
    each signature parses and subsets a small font."""
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.glyph_names = True
    options.drop_tables += ["FFTM"]
    font = ttLib.TTFont(path)
    subsetter = subset.Subsetter(options)
    subsetter.populate(
        unicodes=[code for first, last in STAMP_REPERTOIRE for code in range(first, last + 1)]
    )
    subsetter.subset(font)
    out = BytesIO()
    font.save(out)
    return out.getvalue()
