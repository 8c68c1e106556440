"""Format profiles hold every size, margin and rule of FORMAT.md and cannot be changed."""

import dataclasses
import unicodedata

import pytest

from campaigns.documents.profiles import (
    DEFAULT_PROFILE,
    PROFILES,
    FormatProfile,
    UnknownProfileError,
    get_profile,
)

TYPE_NAMES = {
    "NQ": "Nghị quyết",
    "QĐ": "Quyết định",
    "CT": "Chỉ thị",
    "KL": "Kết luận",
    "QC": "Quy chế",
    "HD": "Hướng dẫn",
    "TB": "Thông báo",
    "BC": "Báo cáo",
    "KH": "Kế hoạch",
    "CTr": "Chương trình",
    "ĐA": "Đề án",
    "TTr": "Tờ trình",
    "CV": "Công văn",
    "BB": "Biên bản",
}


@pytest.fixture
def hd36() -> FormatProfile:
    return get_profile("hd36-2018")


def test_default_profile_is_hd36_2018():
    assert DEFAULT_PROFILE == "hd36-2018"
    assert get_profile() is PROFILES["hd36-2018"]


def test_every_profile_is_registered_under_its_own_name():
    for name, profile in PROFILES.items():
        assert profile.name == name


def test_unknown_profile_is_a_clear_lookup_error_naming_the_known_ones():
    with pytest.raises(UnknownProfileError, match=r"'hd99-2031'.*hd36-2018"):
        get_profile("hd99-2031")
    assert issubclass(UnknownProfileError, LookupError)


def test_profile_cannot_be_changed(hd36):
    with pytest.raises(dataclasses.FrozenInstanceError):
        hd36.pad_date = False
    with pytest.raises(dataclasses.FrozenInstanceError):
        hd36.body.size_pt = 13
    assert hash(hd36) == hash(get_profile("hd36-2018"))


def test_a_variant_profile_is_a_new_object_leaving_the_registered_one_alone(hd36):
    unpadded = dataclasses.replace(hd36, name="unpadded", pad_date=False)
    assert unpadded.pad_date is False
    assert get_profile("hd36-2018").pad_date is True


def test_page_is_a4_with_practice_margins(hd36):
    assert (hd36.paper, hd36.paper_width_mm, hd36.paper_height_mm) == ("A4", 210, 297)
    margins = (hd36.margin_top_mm, hd36.margin_bottom_mm, hd36.margin_left_mm, hd36.margin_right_mm)
    assert margins == (20, 20, 30, 15)


def test_body_is_14pt_justified_with_1cm_indent_and_6pt_before_paragraphs(hd36):
    assert hd36.font_family == "Portal Serif"
    assert hd36.body.size_pt == 14
    assert hd36.body_size_range_pt[0] <= hd36.body.size_pt <= hd36.body_size_range_pt[1]
    assert hd36.body.align == "justify"
    assert hd36.first_line_indent_mm == 10
    assert hd36.line_height == 1.3
    assert hd36.space_before_paragraph_pt == 6


def test_page_numbers_start_on_page_two_centred_on_top_at_14pt(hd36):
    assert hd36.page_number_from == 2
    assert hd36.page_number_position == "top-center"
    assert hd36.page_number.size_pt == 14


def test_header_sizes_and_styles_follow_the_guidance(hd36):
    assert hd36.party_header == "ĐẢNG CỘNG SẢN VIỆT NAM"
    party = hd36.party_header_style
    assert (party.size_pt, party.bold, party.uppercase) == (15, True, True)
    assert hd36.party_rule == "solid"
    assert hd36.party_rule_matches_text
    superior = hd36.superior_body
    assert (superior.size_pt, superior.bold, superior.uppercase) == (14, False, True)
    issuing = hd36.issuing_body
    assert (issuing.size_pt, issuing.bold, issuing.uppercase) == (14, True, True)
    assert hd36.star == "*"
    number = hd36.number_style
    assert (number.size_pt, number.bold, number.italic) == (14, False, False)
    assert hd36.number_prefix == "Số"
    date = hd36.date_style
    assert (date.size_pt, date.bold, date.italic) == (14, False, True)
    assert hd36.header_columns_equal


def test_dates_are_padded_and_drafts_marked_by_default(hd36):
    assert hd36.pad_date is True
    assert hd36.draft_mark == "DỰ THẢO"


def test_title_and_section_heading_follow_the_guidance(hd36):
    type_name = hd36.type_name_style
    assert 15 <= type_name.size_pt <= 16
    assert (type_name.bold, type_name.uppercase, type_name.align) == (True, True, "center")
    subject = hd36.subject_style
    assert 14 <= subject.size_pt <= 15
    assert (subject.bold, subject.uppercase) == (True, False)
    assert hd36.title_separator == "-----"
    heading = hd36.section_heading
    assert (heading.size_pt, heading.bold, heading.uppercase, heading.align) == (
        14,
        True,
        True,
        "left",
    )
    heading_text = hd36.section_number_format.format(roman="I", title="MỤC ĐÍCH, YÊU CẦU")
    assert heading_text == "I- MỤC ĐÍCH, YÊU CẦU"
    cv_subject = hd36.cv_subject_style
    assert (cv_subject.size_pt, cv_subject.italic) == (12, True)


def test_closing_block_follows_the_guidance(hd36):
    assert hd36.recipients_heading == "Nơi nhận:"
    heading = hd36.recipients_heading_style
    assert (heading.size_pt, heading.underline, heading.bold, heading.align) == (
        14,
        True,
        False,
        "left",
    )
    assert hd36.recipient_line_style.size_pt == 12
    authority = hd36.signing_authority_style
    assert (authority.size_pt, authority.bold, authority.uppercase) == (14, True, True)
    assert (hd36.on_behalf_of_collective, hd36.deputy_for_head, hd36.delegated) == (
        "T/M",
        "K/T",
        "T/L",
    )
    position = hd36.signer_position_style
    # Bold, as the real documents print it (corrected in issue 14; see profiles.py).
    assert (position.size_pt, position.bold, position.uppercase) == (14, True, True)
    assert hd36.signature_blank_lines == 4
    name = hd36.signer_name_style
    assert (name.size_pt, name.bold, name.uppercase) == (14, True, False)


def test_type_code_table_is_exactly_the_guidance_table(hd36):
    assert {t.code: t.name for t in hd36.document_types} == TYPE_NAMES


@pytest.mark.parametrize(("code", "name"), TYPE_NAMES.items())
def test_every_type_code_has_its_vietnamese_name(hd36, code, name):
    assert hd36.type_name(code) == name


def test_only_cong_van_has_no_type_name_title(hd36):
    assert [t.code for t in hd36.document_types if not t.has_title] == ["CV"]


def test_unknown_type_code_is_rejected(hd36):
    with pytest.raises(ValueError, match="'XX'"):
        hd36.type_name("XX")


def test_profile_rejects_a_repeated_type_code(hd36):
    with pytest.raises(ValueError, match="repeats a type code"):
        dataclasses.replace(hd36, document_types=hd36.document_types * 2)


def test_profile_text_is_nfc(hd36):
    texts = (
        [value for value in dataclasses.astuple(hd36) if isinstance(value, str)]
        + [t.name for t in hd36.document_types]
        + [t.code for t in hd36.document_types]
    )
    for text in texts:
        assert unicodedata.is_normalized("NFC", text), text
