"""Tests for the pasted-body parser in campaigns/documents/body.py."""

import unicodedata
from pathlib import Path

import pytest

from campaigns.documents.body import Block, BlockKind, ends_sentence, parse_body, render_plain

# The real directive the portal must reproduce (a copy of shared/reference/, kept as test data).
REFERENCE = (
    Path(__file__).resolve().parents[1] / "fixtures" / "huong-dan-32-HD-BTGDUK-can-tho-2024.txt"
)

SECTION, ITEM, BULLET, PARAGRAPH = (
    BlockKind.SECTION,
    BlockKind.ITEM,
    BlockKind.BULLET,
    BlockKind.PARAGRAPH,
)


def _printed(block: Block) -> str:
    return f"{block.marker} {block.text}".strip()


def _signatures(text: str) -> list[tuple[BlockKind, str, int, str]]:
    return [(b.kind, b.marker, b.level, b.text) for b in parse_body(text)]


@pytest.fixture(scope="module")
def reference_body() -> str:
    lines = REFERENCE.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Thực hiện Hướng dẫn số 52"))
    end = next(i for i, line in enumerate(lines) if line.strip() == "Nơi nhận:")
    return "\n".join(lines[start:end])


@pytest.fixture(scope="module")
def reference_blocks(reference_body: str) -> list[Block]:
    return parse_body(reference_body)


# The reference directive ------------------------------------------------------------------


def test_reference_section_headings_in_order(reference_blocks):
    headings = [_printed(b) for b in reference_blocks if b.kind is SECTION]
    assert headings == ["I- MỤC ĐÍCH, YÊU CẦU", "II- NỘI DUNG SINH HOẠT", "III- TỔ CHỨC THỰC HIỆN"]


def test_reference_sub_items_are_level_two_with_their_titles(reference_blocks):
    sub_items = [(b.marker, b.level, b.text) for b in reference_blocks if b.marker.count(".") == 2]
    assert [(marker, level) for marker, level, _ in sub_items] == [
        ("1.1.", 2),
        ("1.2.", 2),
        ("1.3.", 2),
    ]
    assert sub_items[0][2].startswith("Phần thứ nhất: Vai trò quan trọng")
    assert sub_items[1][2].startswith("Phần thứ hai: Đối ngoại Việt Nam")
    assert sub_items[2][2] == "Phần thứ ba: Dấu ấn đối ngoại, ngoại giao"


def test_reference_item_one_one_has_three_bullets_one_level_deeper(reference_blocks):
    start = next(i for i, b in enumerate(reference_blocks) if b.marker == "1.1.")
    end = next(i for i, b in enumerate(reference_blocks) if b.marker == "1.2.")
    under = reference_blocks[start + 1 : end]
    assert [(b.kind, b.level) for b in under] == [(BULLET, 3)] * 3


def test_reference_opening_sentence_is_a_paragraph(reference_blocks):
    first = reference_blocks[0]
    assert first.kind is PARAGRAPH
    assert first.marker == ""
    assert first.text.startswith("Thực hiện Hướng dẫn số 52-HD/BTGTU")
    assert first.text.endswith("như sau:")


def test_reference_loses_no_word(reference_body, reference_blocks):
    source_words = reference_body.split()
    parsed_words = " ".join(_printed(b) for b in reference_blocks).split()
    assert parsed_words == source_words


def test_reference_folds_inner_runs_of_spaces(reference_blocks):
    assert all("  " not in b.text for b in reference_blocks)
    assert any(b.text.endswith("dân tộc Việt Nam.") for b in reference_blocks)


def test_reference_round_trips(reference_blocks):
    assert parse_body(render_plain(reference_blocks)) == reference_blocks


# Line endings, white space, Unicode --------------------------------------------------------


@pytest.mark.parametrize("newline", ["\r\n", "\r", "\n"])
def test_line_endings_all_split_lines(newline):
    text = newline.join(["I- MỤC ĐÍCH", "1. Một.", "- Ý thứ nhất."])
    assert [b.kind for b in parse_body(text)] == [SECTION, ITEM, BULLET]


def test_non_breaking_spaces_and_tabs_fold_to_one_space():
    blocks = parse_body("1.\u00a0Nội\tdung \u00a0 chính.")
    assert (blocks[0].marker, blocks[0].text) == ("1.", "Nội dung chính.")


def test_marker_separated_by_a_tab_is_recognised():
    assert _signatures("-\tTuyên truyền.") == [(BULLET, "-", 1, "Tuyên truyền.")]


def test_blank_lines_produce_no_blocks():
    assert len(parse_body("\n\n1. Một.\n\n   \n\u00a0\n2. Hai.\n\n")) == 2


def test_decomposed_input_is_normalised_to_composed():
    decomposed = unicodedata.normalize("NFD", "I- MỤC ĐÍCH, YÊU CẦU")
    block = parse_body(decomposed)[0]
    assert block.kind is SECTION
    assert block.text == "MỤC ĐÍCH, YÊU CẦU"
    assert unicodedata.is_normalized("NFC", block.text)


def test_byte_order_mark_and_zero_width_space_are_dropped():
    assert parse_body("\ufeff1.\u200b Một.")[0].text == "Một."


# Markers -----------------------------------------------------------------------------------


def test_numbered_marker_with_space_before_dot():
    assert _signatures("1 . Việc triển khai.") == [(ITEM, "1.", 1, "Việc triển khai.")]


def test_sub_item_without_final_dot_before_capital_letter():
    assert _signatures("1.1 Phần thứ nhất") == [(ITEM, "1.1.", 2, "Phần thứ nhất")]


def test_number_without_final_dot_before_lower_case_is_text():
    assert _signatures("1.1 triệu người tham gia.") == [
        (PARAGRAPH, "", 0, "1.1 triệu người tham gia.")
    ]


def test_third_level_item():
    assert _signatures("1.1.1. Chi tiết")[0][1:3] == ("1.1.1.", 3)


def test_year_and_thousands_are_not_items():
    kinds = [b.kind for b in parse_body("2024. Năm bản lề.\n\n1.000 người dự.")]
    assert kinds == [PARAGRAPH, PARAGRAPH]


def test_lettered_items_are_one_deeper_than_last_numbered_item():
    text = "1. Một\na) Ý a\n1.1. Một một\nb) Ý b\nII- KHÁC\nc) Ý c"
    assert [(b.marker, b.level) for b in parse_body(text)] == [
        ("1.", 1),
        ("a)", 2),
        ("1.1.", 2),
        ("b)", 3),
        ("II-", 0),
        ("c)", 1),
    ]


def test_bullets_are_one_deeper_than_the_item_they_follow():
    text = "1. Một\n- x\n1.1. Một một\n- y\na) Ý a\n- z"
    assert [(b.kind, b.level) for b in parse_body(text) if b.kind is BULLET] == [
        (BULLET, 2),
        (BULLET, 3),
        (BULLET, 4),
    ]


@pytest.mark.parametrize("dash", ["-", "–", "•", "+"])
def test_bullet_characters_print_as_hyphen(dash):
    assert _signatures(f"{dash} Tuyên truyền.") == [(BULLET, "-", 1, "Tuyên truyền.")]


def test_negative_number_is_not_a_bullet():
    assert parse_body("-5 độ C là nhiệt độ thấp nhất.")[0].kind is PARAGRAPH


def test_dash_inside_text_stays_in_the_text():
    blocks = parse_body("- Chính trị - kinh tế quốc tế.")
    assert len(blocks) == 1
    assert blocks[0].text == "Chính trị - kinh tế quốc tế."


def test_dash_rule_is_not_a_bullet():
    assert parse_body("-----")[0].kind is PARAGRAPH


# Sections ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "marker", "text"),
    [
        ("I- MỤC ĐÍCH, YÊU CẦU", "I-", "MỤC ĐÍCH, YÊU CẦU"),
        ("II. NỘI DUNG", "II.", "NỘI DUNG"),
        ("I - MỤC ĐÍCH", "I-", "MỤC ĐÍCH"),
        ("III – TỔ CHỨC THỰC HIỆN", "III-", "TỔ CHỨC THỰC HIỆN"),
        ("IV-NHIỆM VỤ", "IV-", "NHIỆM VỤ"),
        ("XX. KẾT LUẬN", "XX.", "KẾT LUẬN"),
        ("II. Nội dung sinh hoạt", "II.", "Nội dung sinh hoạt"),
    ],
)
def test_section_headings_are_recognised(line, marker, text):
    assert _signatures(line) == [(SECTION, marker, 0, text)]


@pytest.mark.parametrize(
    "line",
    [
        "Việt Nam là bạn, là đối tác tin cậy.",
        "Ông Nguyễn Văn A phát biểu.",
        "V. I. Lênin viết về ngoại giao",
        "V. I. LÊNIN VÀ NGOẠI GIAO",
        "V. Lênin viết rằng ngoại giao là một nghệ thuật. Ông nhấn mạnh điều đó",
        "XXI. KHÔNG CÓ MỤC NÀY",
        "I-rắc và I-ta-li-a ký kết hiệp định",
        "X-quang phổi",
        "II. Nội dung này viết thường và dài, " + "nhiều chữ " * 12 + "vẫn không phải đề mục",
    ],
)
def test_prose_starting_like_a_roman_numeral_is_not_a_section(line):
    assert parse_body(line)[0].kind is not SECTION


# Hard wrap ---------------------------------------------------------------------------------


def test_line_wrapped_mid_sentence_joins_previous_paragraph():
    blocks = parse_body("Thực hiện Hướng dẫn số 52 của Ban\nTuyên giáo Thành ủy, như sau:")
    assert [b.text for b in blocks] == [
        "Thực hiện Hướng dẫn số 52 của Ban Tuyên giáo Thành ủy, như sau:"
    ]


def test_line_wrapped_mid_sentence_joins_previous_bullet():
    blocks = parse_body("- Khẳng định bước phát triển\nvề tư duy lý luận.")
    assert [(b.kind, b.text) for b in blocks] == [
        (BULLET, "Khẳng định bước phát triển về tư duy lý luận.")
    ]


@pytest.mark.parametrize("end", [".", ":", ";", "!", "?", "…", ".”"])
def test_line_after_sentence_end_starts_new_paragraph(end):
    assert len(parse_body(f"Câu thứ nhất{end}\nCâu thứ hai.")) == 2


def test_line_after_blank_line_starts_new_paragraph():
    assert len(parse_body("Câu chưa hết\n\ntiếp theo.")) == 2


def test_item_title_without_dot_is_not_joined_to_next_marker():
    text = "1. Những nội dung cốt lõi của tác phẩm\n1.1. Phần thứ nhất\n- Khẳng định."
    assert [b.marker for b in parse_body(text)] == ["1.", "1.1.", "-"]


@pytest.mark.parametrize(
    ("heading", "prose"),
    [
        ("I- MỤC ĐÍCH, YÊU CẦU", "Việc triển khai đợt sinh hoạt."),
        ("II. Nội dung sinh hoạt", "Các chi bộ sinh hoạt theo chuyên đề"),
    ],
)
def test_section_heading_is_not_joined_to_following_prose(heading, prose):
    assert [b.kind for b in parse_body(f"{heading}\n{prose}")] == [SECTION, PARAGRAPH]


def test_wrapped_upper_case_section_heading_is_joined():
    assert _signatures("I- MỤC ĐÍCH,\nYÊU CẦU") == [(SECTION, "I-", 0, "MỤC ĐÍCH, YÊU CẦU")]


def test_number_alone_on_its_line_takes_the_next_line_as_text():
    assert _signatures("1.\nViệc triển khai.") == [(ITEM, "1.", 1, "Việc triển khai.")]


def test_paragraph_takes_level_of_item_it_belongs_to():
    blocks = parse_body("1.1. Phần thứ nhất.\nNội dung phần thứ nhất.")
    assert [(b.kind, b.level) for b in blocks] == [(ITEM, 2), (PARAGRAPH, 2)]


# Pasting from Word: one line a paragraph ---------------------------------------------------


def test_seed_text_pasted_gives_one_block_per_line(reference_body):
    """Word puts each paragraph on one line: every line is a block of its own, none merged."""
    lines = [" ".join(line.split()) for line in reference_body.splitlines() if line.strip()]
    assert [_printed(b) for b in parse_body(reference_body)] == lines


def test_seed_text_without_word_list_numbers_keeps_titles_apart(reference_body):
    """Word's automatic "1.1." numbers can be lost in a plain-text paste: the sub-titles that
    remain must not run into the numbered title above them."""
    pasted = "\n".join(
        line.split(". ", 1)[1] if line.startswith(("1.1. ", "1.2. ", "1.3. ")) else line
        for line in reference_body.splitlines()
    )
    blocks = parse_body(pasted)
    start = next(i for i, b in enumerate(blocks) if b.text == "NỘI DUNG SINH HOẠT")
    assert [(b.kind, b.marker, " ".join(b.text.split()[:4])) for b in blocks[start:][:8]] == [
        (SECTION, "II-", "NỘI DUNG SINH HOẠT"),
        (ITEM, "1.", "Những nội dung cốt"),
        (PARAGRAPH, "", "Phần thứ nhất: Vai"),
        (BULLET, "-", "Khẳng định bước phát"),
        (BULLET, "-", "Khẳng định sự lãnh"),
        (BULLET, "-", "Làm rõ bối cảnh"),
        (PARAGRAPH, "", "Phần thứ hai: Đối"),
        (BULLET, "-", "Khẳng định đối ngoại"),
    ]
    assert blocks[start + 1].text == "Những nội dung cốt lõi của tác phẩm"


def test_short_title_is_not_joined_to_a_long_line_after_it():
    text = (
        "1. Những nội dung cốt lõi của tác phẩm\n"
        "Phần thứ nhất: Vai trò quan trọng và đóng góp to lớn của công tác đối ngoại trong sự "
        "nghiệp xây dựng và bảo vệ Tổ quốc"
    )
    assert [(b.kind, b.text[:13]) for b in parse_body(text)] == [
        (ITEM, "Những nội dun"),
        (PARAGRAPH, "Phần thứ nhất"),
    ]


def test_text_wrapped_at_a_width_is_joined_back():
    text = (
        "- Khẳng định bước phát triển về tư duy lý luận của Đảng về\n"
        "đối ngoại trong công cuộc đổi mới đất nước dựa trên sự kế\n"
        "thừa, phát huy truyền thống dân tộc.\n"
        "1. Những nội dung cốt lõi\n"
        "Phần thứ nhất"
    )
    assert [(b.kind, b.text) for b in parse_body(text)] == [
        (
            BULLET,
            "Khẳng định bước phát triển về tư duy lý luận của Đảng về đối ngoại trong công cuộc "
            "đổi mới đất nước dựa trên sự kế thừa, phát huy truyền thống dân tộc.",
        ),
        (ITEM, "Những nội dung cốt lõi"),
        (PARAGRAPH, "Phần thứ nhất"),
    ]


# Text wrapped by hand next to one-line paragraphs -------------------------------------------

# "Căn cứ …" wrapped by hand at about 80 characters, both continuations starting in upper case.
CAN_CU = [
    "Căn cứ Hướng dẫn số 52-HD/BTGTU ngày 15/3/2024 của Ban Tuyên giáo Thành ủy Cần",
    "Thơ về việc tổ chức đợt sinh hoạt chính trị, tư tưởng về tác phẩm của đồng chí",
    "Nguyễn Phú Trọng, Tổng Bí thư Ban Chấp hành Trung ương Đảng;",
]
# A paragraph as Word pastes it: one line of 400-odd characters.
WORD_PARAGRAPH = "Thực hiện " + "nội dung sinh hoạt chính trị, tư tưởng, " * 11 + "như sau:"


@pytest.mark.parametrize("gap", [[], [""]])
def test_wrapped_paragraph_before_a_long_one_line_paragraph_is_joined(gap):
    """One long Word paragraph in the text must not keep a paragraph wrapped by hand apart."""
    blocks = parse_body("\n".join([*CAN_CU, *gap, WORD_PARAGRAPH]))
    assert [(b.kind, b.text) for b in blocks] == [
        (PARAGRAPH, " ".join(CAN_CU)),
        (PARAGRAPH, WORD_PARAGRAPH),
    ]


def test_line_going_on_in_lower_case_is_joined_whatever_the_width():
    text = "Các chi bộ tổ chức sinh hoạt chuyên đề theo\nhướng dẫn.\n" + WORD_PARAGRAPH
    assert [b.text[:20] for b in parse_body(text)] == [
        "Các chi bộ tổ chức s",
        "Thực hiện nội dung s",
    ]


def test_mixed_text_joins_wrapped_lines_and_keeps_one_line_paragraphs_and_titles_apart():
    long_without_stop = (
        "Vai trò quan trọng và đóng góp to lớn của công tác đối ngoại trong sự nghiệp xây "
        "dựng và bảo vệ Tổ quốc, " * 4 + "qua các thời kỳ cách mạng"
    )
    text = "\n".join(
        [
            *CAN_CU,
            "Ban Tuyên giáo Đảng ủy Khối hướng dẫn như sau:",
            "I- MỤC ĐÍCH, YÊU CẦU",
            "1. Những nội dung cốt lõi của tác phẩm",
            "Phần thứ nhất: Vai trò quan trọng và đóng góp to lớn của công tác đối ngoại",
            long_without_stop,
            "a) Hình thức sinh hoạt",
            "Tập trung tại hội trường Đảng ủy Khối.",
            "- Các chi bộ tổ chức sinh hoạt chuyên đề theo hướng dẫn của Ban Tuyên giáo Đảng",
            "ủy Khối, bảo đảm đúng thời gian, nội dung và thành phần tham dự theo quy định",
            "Đảng ủy Khối ban hành.",
            WORD_PARAGRAPH,
        ]
    )
    assert [(b.kind, b.marker, b.text[:36]) for b in parse_body(text)] == [
        (PARAGRAPH, "", "Căn cứ Hướng dẫn số 52-HD/BTGTU ngày"),
        (PARAGRAPH, "", "Ban Tuyên giáo Đảng ủy Khối hướng dẫ"),
        (SECTION, "I-", "MỤC ĐÍCH, YÊU CẦU"),
        (ITEM, "1.", "Những nội dung cốt lõi của tác phẩm"),
        (PARAGRAPH, "", "Phần thứ nhất: Vai trò quan trọng và"),
        (PARAGRAPH, "", "Vai trò quan trọng và đóng góp to lớ"),
        (ITEM, "a)", "Hình thức sinh hoạt"),
        (PARAGRAPH, "", "Tập trung tại hội trường Đảng ủy Khố"),
        (BULLET, "-", "Các chi bộ tổ chức sinh hoạt chuyên "),
        (PARAGRAPH, "", "Thực hiện nội dung sinh hoạt chính t"),
    ]
    assert parse_body(text)[0].text == " ".join(CAN_CU)
    assert parse_body(text)[8].text.endswith("theo quy định Đảng ủy Khối ban hành.")


def test_seed_text_after_a_wrapped_paragraph_still_gives_one_block_per_line(reference_body):
    """The wrap width read from a hand-wrapped paragraph does not join the Word lines after it."""
    blocks = parse_body("\n".join([*CAN_CU, reference_body]))
    assert [_printed(b) for b in blocks] == [" ".join(CAN_CU)] + [
        _printed(b) for b in parse_body(reference_body)
    ]


def _wrap(line: str, width: int) -> list[str]:
    """``line`` wrapped by hand at ``width``, never right after a sentence's end (a line ending
    so ends its paragraph, wrapped or not)."""
    lines = [""]
    for word in line.split():
        if lines[-1] and len(lines[-1]) + 1 + len(word) > width and not ends_sentence(lines[-1]):
            lines.append(word)
        else:
            lines[-1] = f"{lines[-1]} {word}".strip()
    return lines


@pytest.mark.parametrize("width", [60, 80, 100])
@pytest.mark.parametrize("wrapped", [0, 1])
def test_seed_text_with_every_other_paragraph_wrapped_gives_the_same_blocks(
    reference_body, width, wrapped
):
    """Half the paragraphs wrapped at one width, half left on one line, as a mixed paste."""
    lines = [" ".join(line.split()) for line in reference_body.splitlines() if line.strip()]
    mixed = []
    for index, line in enumerate(lines):
        mixed += _wrap(line, width) if index % 2 == wrapped else [line]
    assert len(mixed) > 2 * len(lines)
    assert parse_body("\n".join(mixed)) == parse_body(reference_body)


@pytest.mark.parametrize("glyph", ["\uf0b7", "\uf0a7", "\uf0d8", "·", "●", "▪"])
def test_word_bullet_glyphs_print_as_hyphen(glyph):
    assert _signatures(f"1. Một\n{glyph}\tTuyên truyền.") == [
        (ITEM, "1.", 1, "Một"),
        (BULLET, "-", 2, "Tuyên truyền."),
    ]


# Headings keep with the next block ---------------------------------------------------------


def test_sections_and_titled_items_of_every_level_are_headings(reference_blocks):
    headings = [_printed(b)[:30].strip() for b in reference_blocks if b.is_heading]
    assert headings == [
        "I- MỤC ĐÍCH, YÊU CẦU",
        "II- NỘI DUNG SINH HOẠT",
        "1. Những nội dung cốt lõi của",
        "1.1. Phần thứ nhất: Vai trò qu",
        "1.2. Phần thứ hai: Đối ngoại V",
        "1.3. Phần thứ ba: Dấu ấn đối n",
        "2. Giá trị của tác phẩm",
        "III- TỔ CHỨC THỰC HIỆN",
    ]


@pytest.mark.parametrize(
    ("text", "heading"),
    [
        ("a) Hình thức sinh hoạt", True),
        ("a) Các chi bộ sinh hoạt theo chuyên đề.", False),
        ("1. " + "Nội dung rất dài không có dấu chấm " * 7, False),
        ("- Sinh hoạt chi bộ", False),
        ("Đoạn văn không có dấu chấm", False),
    ],
)
def test_only_short_unfinished_items_are_headings(text, heading):
    assert parse_body(text)[0].is_heading is heading


# Round trip --------------------------------------------------------------------------------

MESSY = "\r\n".join(
    [
        "\ufeffThực hiện Hướng dẫn số 52 của Ban",
        "Tuyên giáo,\tnhư sau:",
        "",
        unicodedata.normalize("NFD", "I - MỤC ĐÍCH,"),
        "YÊU CẦU",
        "1 . Những nội dung\u00a0cốt lõi",
        "1.1 Phần thứ nhất",
        "Nội dung bị ngắt",
        "dòng giữa câu.",
        "• Ý một",
        "a ) Ý a",
        "–\tÝ hai;",
        "V. I. Lênin viết",
        "",
        "-5 độ C.",
        "2.",
        "Giá trị của tác phẩm",
        "II. Nội dung sinh hoạt",
        "Đoạn văn sau đề mục",
        "1.",
        "",
        "- ",
    ]
)


def test_round_trip_of_messy_paste_is_stable():
    blocks = parse_body(MESSY)
    assert parse_body(render_plain(blocks)) == blocks


def test_render_plain_writes_one_block_per_line_with_printed_markers():
    blocks = parse_body("I - MỤC ĐÍCH\n1 . Một\n• Ý.\nĐoạn.")
    assert render_plain(blocks) == "I- MỤC ĐÍCH\n1. Một\n- Ý.\n\nĐoạn.\n"


def test_render_plain_of_no_blocks_is_empty():
    assert render_plain([]) == ""
