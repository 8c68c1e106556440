"""The text the renderers print as it stands: a draft's blanks for the pen as wide as the profile
says, a long trích yếu broken into even lines, the signer's position set as real documents set
it."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from campaigns.documents.formatting import (
    balanced_lines,
    blank_run,
    draft_date_line,
    draft_number_line,
    subject_text,
)
from campaigns.documents.profiles import TextStyle, get_profile
from campaigns.documents.render import document_css
from campaigns.documents.render.fonts import text_width_pt
from tests.campaigns.reference_document import reference_subject

PT_PER_MM = 72 / 25.4
CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "directives"


@pytest.fixture
def profile():
    return get_profile()


def width_mm(text: str, style: TextStyle, profile) -> float:
    return text_width_pt(text, style, profile) / PT_PER_MM


def text_width_mm(profile) -> float:
    return profile.paper_width_mm - profile.margin_left_mm - profile.margin_right_mm


# ---------------------------------------------------------------------------- drafts' blanks


def test_a_drafts_date_leaves_blanks_as_wide_as_the_profile_says(profile):
    line = draft_date_line(place="Cần Thơ", year=2026, profile=profile)

    assert " ".join(line.split()) == "Cần Thơ, ngày tháng năm 2026"
    blanks = re.findall(r" {2,}", line)
    assert len(blanks) == 2
    space_mm = width_mm(" ", profile.date_style, profile)
    for blank in blanks:
        assert abs(len(blank) * space_mm - profile.draft_blank_mm) <= space_mm / 2


def test_the_blank_follows_the_profile(profile):
    wider = dataclasses.replace(profile, name="wider-blanks", draft_blank_mm=15)

    assert len(blank_run(wider.date_style, wider)) == 2 * len(
        blank_run(profile.date_style, profile)
    )
    number = draft_number_line(type_code="HD", issuer_code="BTGĐUK", profile=wider)
    assert re.fullmatch(r"Số {12}-HD/BTGĐUK", number)


def test_a_draft_without_a_place_starts_with_a_capital(profile):
    assert " ".join(draft_date_line(place=" ", year=2026, profile=profile).split()) == (
        "Ngày tháng năm 2026"
    )


# ---------------------------------------------------------------------------- balanced lines


def test_a_long_subject_breaks_into_even_lines_that_fit(profile):
    text = " ".join(reference_subject().split())  # the reference's subject, on one line
    style, width = profile.subject_style, text_width_mm(profile)

    lines = balanced_lines(text, style, width, profile)

    assert " ".join(lines) == text
    widths = [width_mm(line, style, profile) for line in lines]
    assert max(widths) <= width
    # Filling each line in turn ends on "… Nguyễn Phú / Trọng"; even lines do not.
    assert min(widths) >= 0.8 * max(widths), lines
    # No more lines than filling them would take.
    assert sum(widths) > (len(lines) - 1) * width * 0.9


def test_lines_break_between_phrases_rather_than_inside_a_word(profile):
    # Evenest would be "… Nghị quyết Đại / hội đại biểu …", inside the word "Đại hội".
    subject = (
        "Tổ chức học tập, quán triệt Nghị quyết Đại hội đại biểu toàn quốc lần thứ XIV của Đảng"
    )

    assert subject_text(subject, profile).splitlines() == [
        "Tổ chức học tập, quán triệt Nghị quyết Đại hội",
        "đại biểu toàn quốc lần thứ XIV của Đảng",
    ]


def test_a_subject_that_fits_stays_on_one_line(profile):
    subject = "Kết quả thực hiện Hướng dẫn số 32-HD/BTGĐUK"
    assert subject_text(subject, profile) == subject


def test_the_authors_breaks_stay_and_each_of_their_lines_is_balanced(profile):
    subject = subject_text(reference_subject(), profile)  # three lines as the author wrote them

    lines = subject.splitlines()
    written = reference_subject().splitlines()
    assert lines[0] == written[0]
    assert lines[-1] == written[-1]
    assert len(lines) == len(written) + 1  # the long middle line, in two even halves
    halves = [width_mm(line, profile.subject_style, profile) for line in lines[1:3]]
    assert min(halves) >= 0.8 * max(halves)


def test_a_cong_vans_subject_is_balanced_in_its_column(profile):
    subject = "V/v tổ chức sinh hoạt chính trị, tư tưởng về tác phẩm của Tổng Bí thư"
    column_mm = text_width_mm(profile) / 2 - 3  # less the cell's padding on both sides

    lines = subject_text(subject, profile, has_title=False).splitlines()

    assert len(lines) == 2
    assert lines[0].endswith(",")  # at the comma, not inside "tư tưởng"
    for line in lines:
        assert width_mm(line, profile.cv_subject_style, profile) <= column_mm


# ---------------------------------------------------------------------------- the signature


def test_the_position_line_is_bold_as_the_real_documents_print_it(profile):
    # The party documents of the corpus that keep their weights (Word tables through pandoc):
    # the authority and the position both bold.
    for name, position in (
        ("huong-dan-09-HD-BTGDUK-hau-giang-2024.md", "TRƯỞNG BAN"),
        ("huong-dan-05-HD-BTGTU-quang-ngai-2024.md", "PHÓ TRƯỞNG BAN"),
        ("ke-hoach-03-KH-CB-van-phong-so-2024.md", "BÍ THƯ"),
    ):
        assert f"**{position}**" in (CORPUS / name).read_text(encoding="utf-8"), name

    assert profile.signer_position_style.bold
    assert re.search(r"\.doc-position \{[^}]*font-weight: bold", document_css(profile))
    regular = dataclasses.replace(
        profile, name="regular-position", signer_position_style=TextStyle(14, uppercase=True)
    )
    assert re.search(r"\.doc-position \{[^}]*font-weight: normal", document_css(regular))
