"""The vendored document fonts are present, licensed, declared and cover every Vietnamese letter."""

import hashlib
import re
import struct
import unicodedata
from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parents[2] / "static" / "fonts"
FONT_DIR = STATIC / "liberation-serif"
FACES = [
    "LiberationSerif-Regular.ttf",
    "LiberationSerif-Bold.ttf",
    "LiberationSerif-Italic.ttf",
    "LiberationSerif-BoldItalic.ttf",
]

# Vowel modifiers (breve, circumflex, horn) and the five tone marks (grave, acute, hook above,
# tilde, dot below) that Vietnamese puts on Latin letters.
BREVE, CIRCUMFLEX, HORN = "\u0306", "\u0302", "\u031b"
TONES = ["", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"]
# The twelve vowels: a ă â e ê i o ô ơ u ư y.
VOWELS = ["a", "a" + BREVE, "a" + CIRCUMFLEX, "e", "e" + CIRCUMFLEX, "i", "o", "o" + CIRCUMFLEX]
VOWELS += ["o" + HORN, "u", "u" + HORN, "y"]


def vietnamese_letters() -> set[str]:
    """Every Vietnamese letter, lower and upper case, as one NFC code point each."""
    letters = set("abcdefghijklmnopqrstuvwxyz") | {"đ"}
    for vowel in VOWELS:
        for tone in TONES:
            letter = unicodedata.normalize("NFC", vowel + tone)
            assert len(letter) == 1, f"{vowel + tone!r} has no precomposed form"
            letters.add(letter)
    return letters | {letter.upper() for letter in letters}


def cmap_code_points(path: Path) -> set[int]:
    """The BMP code points a TrueType font maps to a glyph, read from its format 4 cmap."""
    data = path.read_bytes()
    (num_tables,) = struct.unpack_from(">H", data, 4)
    tables = {}
    for i in range(num_tables):
        tag, _checksum, offset, _length = struct.unpack_from(">4sIII", data, 12 + 16 * i)
        tables[tag] = offset
    cmap = tables[b"cmap"]
    _version, num_subtables = struct.unpack_from(">HH", data, cmap)
    for i in range(num_subtables):
        platform, encoding, sub_offset = struct.unpack_from(">HHI", data, cmap + 4 + 8 * i)
        sub = cmap + sub_offset
        (fmt,) = struct.unpack_from(">H", data, sub)
        if (platform, encoding) in {(3, 1), (0, 3)} and fmt == 4:
            break
    else:
        raise AssertionError(f"{path.name} has no Unicode BMP cmap of format 4")
    (seg_count_x2,) = struct.unpack_from(">H", data, sub + 6)
    seg_count = seg_count_x2 // 2
    ends_at = sub + 14
    starts_at = ends_at + seg_count_x2 + 2  # after the reserved pad
    deltas_at = starts_at + seg_count_x2
    range_offsets_at = deltas_at + seg_count_x2
    code_points = set()
    for seg in range(seg_count):
        (end,) = struct.unpack_from(">H", data, ends_at + 2 * seg)
        (start,) = struct.unpack_from(">H", data, starts_at + 2 * seg)
        (delta,) = struct.unpack_from(">h", data, deltas_at + 2 * seg)
        range_offset_pos = range_offsets_at + 2 * seg
        (range_offset,) = struct.unpack_from(">H", data, range_offset_pos)
        for code in range(start, end + 1):
            if code == 0xFFFF:
                continue
            if range_offset == 0:
                glyph = (code + delta) & 0xFFFF
            else:
                at = range_offset_pos + range_offset + 2 * (code - start)
                (glyph,) = struct.unpack_from(">H", data, at)
                if glyph:
                    glyph = (glyph + delta) & 0xFFFF
            if glyph:
                code_points.add(code)
    return code_points


def test_vietnamese_letter_set_is_complete():
    letters = vietnamese_letters()
    # 12 vowels × 6 tones, đ, and the 20 other letters of a–z, in both cases.
    assert len(letters) == 2 * (12 * 6 + 1 + 20)
    assert set("ắằẳẵặơưđĐỹỵ") <= letters


@pytest.mark.parametrize("face", FACES)
def test_font_face_is_vendored(face):
    assert (FONT_DIR / face).read_bytes()[:4] == b"\x00\x01\x00\x00"  # a TrueType font


def test_licence_is_vendored_with_the_fonts():
    licence = (FONT_DIR / "LICENSE").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence
    assert "Reserved Font Name Liberation" in licence


def test_manifest_checksums_match_the_vendored_files():
    manifest = (FONT_DIR / "MANIFEST.txt").read_text(encoding="utf-8")
    assert re.search(r"^package: fonts-liberation2 2\.1\.", manifest, re.MULTILINE)
    sums = dict(
        reversed(line.split("  ./"))
        for line in manifest.splitlines()
        if not line.startswith(("#", "package:", "licence:"))
    )
    assert sorted(sums) == sorted([*FACES, "LICENSE"])
    for name, digest in sums.items():
        assert hashlib.sha256((FONT_DIR / name).read_bytes()).hexdigest() == digest, name


def test_stylesheet_declares_all_four_faces_of_portal_serif_by_relative_url():
    css = (STATIC / "portal-fonts.css").read_text(encoding="utf-8")
    blocks = re.findall(r"@font-face\s*{([^}]*)}", css)
    faces = set()
    for block in blocks:
        assert 'font-family: "Portal Serif"' in block
        (url,) = re.findall(r'url\("([^"]+)"\)', block)
        assert not url.startswith(("/", "http")), url
        assert (STATIC / url).is_file(), url
        style = re.search(r"font-style:\s*(\w+)", block)[1]
        weight = re.search(r"font-weight:\s*(\d+)", block)[1]
        faces.add((style, weight, Path(url).name))
    assert faces == {
        ("normal", "400", "LiberationSerif-Regular.ttf"),
        ("normal", "700", "LiberationSerif-Bold.ttf"),
        ("italic", "400", "LiberationSerif-Italic.ttf"),
        ("italic", "700", "LiberationSerif-BoldItalic.ttf"),
    }


def test_cmap_reader_sees_what_the_font_does_not_have():
    covered = cmap_code_points(FONT_DIR / "LiberationSerif-Regular.ttf")
    assert ord("A") in covered
    assert 0x4E00 not in covered  # a CJK ideograph: a serif Latin font has none


@pytest.mark.parametrize("face", FACES)
def test_every_vietnamese_letter_and_combining_mark_is_covered(face):
    covered = cmap_code_points(FONT_DIR / face)
    needed = vietnamese_letters() | {BREVE, CIRCUMFLEX, HORN} | set(TONES[1:])
    missing = sorted(ch for ch in needed if ord(ch) not in covered)
    assert not missing, f"{face} lacks {missing}"
