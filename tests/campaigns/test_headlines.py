"""The header's two names: which body goes on which line for every kind of unit, the author's
corrections followed, and the lines each name is broken into in the PDF and the .docx."""

from __future__ import annotations

import datetime
import io
import json
import re
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from django.forms import model_to_dict
from django.urls import reverse
from docx import Document

from campaigns import services
from campaigns.documents.headlines import (
    column_width_pt,
    committee_header,
    committee_name,
    header_lines,
    header_problem,
    level_body_name,
    normalise_header,
    organ_header,
    organisation_name,
    shorten_to_fit,
)
from campaigns.documents.profiles import get_profile
from campaigns.documents.render import render_docx, render_pdf
from campaigns.documents.render.fonts import text_width_pt
from campaigns.forms import DirectiveForm
from campaigns.models import Directive, Obligation
from campaigns.selectors import directive_document, header_names, issuer_defaults
from campaigns.services import DRAFT_EDIT_FIELDS
from reports import services as report_services
from reports.documents import report_document
from tests.campaigns.reference_document import reference_context
from tests.factories import UnitFactory, kind
from tests.plugins.directives import make_draft
from units.demo import AGENCIES, CELL_NAMES
from units.services import Decision, NewUnit, unit_merge, unit_rename, unit_split

PROFILE = get_profile()
SUPERIOR, ISSUING = PROFILE.superior_body, PROFILE.issuing_body
BLOC = "Đảng ủy Khối cơ quan Dân Chính Đảng TP Cần Thơ"
# The demo's long names: committees, cells and the superior lines over them.
DEMO_NAMES = [
    *(f"{prefix} {agency}" for agency, _ in AGENCIES for prefix in ("Đảng ủy", "Chi bộ")),
    *(f"Chi bộ {cell}" for cell in CELL_NAMES),
    BLOC,
    "Đảng bộ Khối cơ quan Dân Chính Đảng TP Cần Thơ",
]


def _fits(line: str, style) -> bool:
    width = text_width_pt(line.upper(), style, PROFILE)
    assert width is not None
    return width <= column_width_pt(PROFILE)


# ---------------------------------------------------------------------------- line breaks


@pytest.mark.parametrize(
    ("name", "style", "printed"),
    [
        # 32-HD/BTGĐUK: "ĐẢNG ỦY KHỐI CƠ QUAN / DÂN CHÍNH ĐẢNG TP CẦN THƠ" over "BAN TUYÊN GIÁO".
        (BLOC, SUPERIOR, ("Đảng ủy Khối cơ quan", "Dân Chính Đảng TP Cần Thơ")),
        # 28-BC/ĐUK: "ĐẢNG BỘ THÀNH PHỐ CẦN THƠ" over "ĐẢNG ỦY KHỐI CƠ QUAN / DÂN CHÍNH ĐẢNG".
        (
            "Đảng ủy Khối cơ quan Dân Chính Đảng",
            ISSUING,
            ("Đảng ủy Khối cơ quan", "Dân Chính Đảng"),
        ),
    ],
)
def test_the_cantho_bloc_name_breaks_where_its_real_documents_break_it(name, style, printed):
    assert header_lines(name, style, PROFILE) == printed


@pytest.mark.parametrize("name", ["Ban Tuyên giáo", "Đảng ủy Sở Tư pháp", "Thành ủy Cần Thơ"])
def test_a_short_name_stays_on_one_line(name):
    assert header_lines(name, ISSUING, PROFILE) == (name,)


def test_the_authors_line_break_is_kept_even_where_no_balance_would_put_it():
    typed = "  Đảng ủy Khối cơ quan Dân Chính\r\n  Đảng   TP Cần Thơ \r\n\r\n"

    stored = normalise_header(typed)

    assert stored == "Đảng ủy Khối cơ quan Dân Chính\nĐảng TP Cần Thơ"
    assert header_lines(stored, SUPERIOR, PROFILE) == (
        "Đảng ủy Khối cơ quan Dân Chính",
        "Đảng TP Cần Thơ",
    )


def test_no_word_is_left_alone_on_a_line():
    # A column just too narrow for "ĐẢNG ỦY SỞ TƯ PHÁP": filling it would leave "PHÁP" alone.
    filled = text_width_pt("ĐẢNG ỦY SỞ TƯ", ISSUING, PROFILE)
    assert filled is not None
    narrow_mm = (filled + 2) * 25.4 / 72 + 3  # the column plus its padding
    text_mm = PROFILE.paper_width_mm - PROFILE.margin_left_mm - PROFILE.margin_right_mm
    narrow = replace(PROFILE, margin_right_mm=PROFILE.margin_right_mm + text_mm - 2 * narrow_mm)

    assert header_lines("Đảng ủy Sở Tư pháp", ISSUING, narrow) == ("Đảng ủy", "Sở Tư pháp")


@pytest.mark.parametrize("name", DEMO_NAMES)
def test_every_demo_name_is_set_on_fitting_lines_of_two_words_or_more(name):
    proposed = shorten_to_fit(name, ISSUING, PROFILE, 2)
    lines = header_lines(proposed, ISSUING, PROFILE)

    assert " ".join(lines) == proposed
    assert all(_fits(line, ISSUING) for line in lines), lines
    assert len(lines) == 1 or all(len(line.split()) >= 2 for line in lines), lines


def test_a_break_inside_a_word_gives_way_to_one_between_words():
    # "Kế hoạch" is one word: the line breaks before "và", not after "Kế".
    assert header_lines("Đảng ủy Sở Kế hoạch và Đầu tư", ISSUING, PROFILE) == (
        "Đảng ủy Sở Kế hoạch",
        "và Đầu tư",
    )


def test_a_name_too_long_for_two_lines_is_abbreviated_as_real_headers_are():
    full = "Đảng bộ Khối cơ quan Dân Chính Đảng thành phố Cần Thơ"
    assert len(header_lines(full, SUPERIOR, PROFILE)) == 3

    assert shorten_to_fit(full, SUPERIOR, PROFILE, 2) == (
        "Đảng bộ Khối cơ quan Dân Chính Đảng TP Cần Thơ"
    )
    assert shorten_to_fit("Đảng bộ thành phố Cần Thơ", SUPERIOR, PROFILE, 2) == (
        "Đảng bộ thành phố Cần Thơ"
    )


def test_header_problems_are_said_in_vietnamese():
    three = "Đảng bộ Khối cơ quan Dân Chính Đảng thành phố Cần Thơ"
    assert "cần 3 dòng" in (header_problem(three, SUPERIOR, PROFILE, 2) or "")
    assert header_problem(BLOC, SUPERIOR, PROFILE, 2) is None
    typed = "Đảng ủy Khối\ncơ quan Dân\nChính Đảng"
    assert "có 3 dòng" in (header_problem(typed, SUPERIOR, PROFILE, 2) or "")
    wide = "Đảng ủy Khối cơ quan Dân Chính Đảng TP Cần Thơ\nvà các đoàn thể"
    assert "dài hơn cột" in (header_problem(wide, SUPERIOR, PROFILE, 2) or "")


# ---------------------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("name", "organisation", "committee"),
    [
        ("Thành ủy Cần Thơ", "Đảng bộ thành phố Cần Thơ", "Thành ủy Cần Thơ"),
        ("Tỉnh ủy Bình Định", "Đảng bộ tỉnh Bình Định", "Tỉnh ủy Bình Định"),
        ("Đảng bộ tỉnh Bình Định", "Đảng bộ tỉnh Bình Định", "Tỉnh ủy Bình Định"),
        ("Đảng ủy Khối các cơ quan", "Đảng bộ Khối các cơ quan", "Đảng ủy Khối các cơ quan"),
        ("Đảng bộ Sở Tư pháp", "Đảng bộ Sở Tư pháp", "Đảng ủy Sở Tư pháp"),
        ("Đảng Uỷ xã Tân Phú", "Đảng bộ xã Tân Phú", "Đảng Uỷ xã Tân Phú"),  # old spelling
        ("Đảng bộ Quân sự tỉnh", "Đảng bộ Quân sự tỉnh", "Đảng ủy Quân sự tỉnh"),  # not "quận"
        ("Chi bộ Văn phòng", "Chi bộ Văn phòng", "Chi bộ Văn phòng"),
        ("Ban Chỉ đạo 35", None, None),
    ],
)
def test_organisation_and_committee_names(name, organisation, committee):
    assert (organisation_name(name), committee_name(name)) == (organisation, committee)


REAL = Path(__file__).resolve().parents[1] / "fixtures" / "directives"


@pytest.mark.parametrize(
    ("document", "derive"),
    [
        # A bloc committee under the city, a grassroots committee under it and under the city.
        (
            "bao-cao-28-BC-DUK-can-tho-2024.txt",
            lambda: committee_header(
                "Đảng ủy Khối cơ quan Dân Chính Đảng thành phố Cần Thơ", "Thành ủy Cần Thơ"
            ),
        ),
        (
            "ke-hoach-107-KH-DUK-binh-dinh-2024.txt",
            lambda: committee_header(
                "Đảng ủy Khối các cơ quan tỉnh Bình Định", "Tỉnh ủy Bình Định"
            ),
        ),
        (
            "thong-bao-45-TB-DUK-dong-thap-2024.txt",
            lambda: committee_header(
                "Đảng ủy Khối Doanh nghiệp tỉnh Đồng Tháp", "Tỉnh ủy Đồng Tháp"
            ),
        ),
        (
            "ke-hoach-12-KH-DU-so-giao-duc-can-tho-2024.txt",
            lambda: committee_header(
                "Đảng bộ Sở Giáo dục và Đào tạo", "Đảng ủy Khối cơ quan Dân Chính Đảng"
            ),
        ),
        (
            "ke-hoach-56-KH-DU-dai-hoc-can-tho-2024.txt",
            lambda: committee_header("Đảng bộ Trường Đại học Cần Thơ", "Thành ủy Cần Thơ"),
        ),
        # A cell under its grassroots committee.
        (
            "ke-hoach-03-KH-CB-van-phong-so-2024.md",
            lambda: committee_header("Chi bộ Văn phòng Sở", "Đảng bộ Sở Giáo dục và Đào tạo"),
        ),
        # Organs of a provincial committee and of a bloc committee.
        (
            "huong-dan-05-HD-BTGTU-quang-ngai-2024.md",
            lambda: organ_header("Ban Tuyên giáo Tỉnh ủy Quảng Ngãi", "", "Tỉnh ủy Quảng Ngãi", ""),
        ),
        (
            "huong-dan-14-HD-BTGDVTU-an-giang-2025.pdftotext.txt",
            lambda: organ_header(
                "Ban Tuyên giáo và Dân vận Tỉnh ủy An Giang", "", "Tỉnh ủy An Giang", ""
            ),
        ),
        (
            "huong-dan-09-HD-BTGDUK-hau-giang-2024.md",
            lambda: organ_header(
                "Ban Tuyên giáo Đảng ủy Khối", "", "Đảng ủy Khối các cơ quan tỉnh Hậu Giang", ""
            ),
        ),
    ],
)
def test_names_in_the_tree_give_the_header_real_documents_print(document, derive):
    printed = json.loads((REAL / f"{document}.expected.json").read_text(encoding="utf-8"))

    def spelled(text: str) -> str:  # upper case as printed, "UỶ" written "ỦY"
        return text.upper().replace("UỶ", "ỦY")

    assert tuple(spelled(line) for line in derive()) == (
        spelled(printed["superior_body"]),
        spelled(printed["issuing_body"]),
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("unit", "expected"),
    [
        ("city", ("", "Thành ủy Cần Thơ")),  # tỉnh ủy / thành ủy: its own name only
        ("city_btg", ("Thành ủy Cần Thơ", "Ban Tuyên giáo")),  # ban đảng
        ("bloc_btg", ("Đảng ủy Khối cơ quan Dân Chính Đảng", "Ban Tuyên giáo")),
        ("bloc", ("Đảng bộ thành phố Cần Thơ", "Đảng ủy Khối cơ quan Dân Chính Đảng")),
        ("grassroots_a", ("Đảng bộ Khối cơ quan Dân Chính Đảng", "Đảng ủy Sở Tài chính")),
        ("grassroots_b", ("Đảng bộ Khối cơ quan Dân Chính Đảng", "Chi bộ Sở Ngoại vụ")),
        ("cell_a1", ("Đảng bộ Sở Tài chính", "Chi bộ Văn phòng")),  # chi bộ trực thuộc
    ],
)
def test_each_kind_of_unit_prints_the_organisation_above_over_the_body_that_issues(
    tree, unit, expected
):
    assert header_names(getattr(tree, unit)) == expected


@pytest.mark.django_db
def test_the_demo_names_print_as_the_reference_and_real_plans_do():
    city = UnitFactory(code="CT", name="Thành ủy Cần Thơ", kind=kind("tinh-uy"))
    bloc = UnitFactory(
        parent=city,
        code="CT-DUK",
        name="Đảng ủy Khối cơ quan Dân Chính Đảng thành phố Cần Thơ",
        short_name="Đảng ủy Khối",
        kind=kind("dang-uy-cap-tren-co-so"),
    )
    organ = UnitFactory(
        parent=bloc,
        code="CT-DUK-BTG",
        name="Ban Tuyên giáo Đảng ủy Khối",
        short_name="Ban Tuyên giáo",
        kind=kind("ban-dang"),
    )
    justice = UnitFactory(
        parent=bloc, code="CT-DUK-STP", name="Đảng bộ Sở Tư pháp", kind=kind("dang-bo-co-so")
    )
    city_organ = UnitFactory(
        parent=city,
        code="CT-BTG",
        name="Ban Tuyên giáo Thành ủy Cần Thơ",
        short_name="Ban Tuyên giáo Thành ủy",
        kind=kind("ban-dang"),
    )

    assert header_names(organ) == (BLOC, "Ban Tuyên giáo")  # 32-HD/BTGĐUK
    assert header_names(bloc) == (
        "Đảng bộ thành phố Cần Thơ",
        "Đảng ủy Khối cơ quan Dân Chính Đảng",
    )
    assert header_names(justice) == (
        "Đảng bộ Khối cơ quan Dân Chính Đảng TP Cần Thơ",
        "Đảng ủy Sở Tư pháp",
    )
    assert header_names(city_organ) == ("Thành ủy Cần Thơ", "Ban Tuyên giáo")


@pytest.mark.django_db
def test_names_the_portal_cannot_read_are_printed_as_written(tree):
    unit = UnitFactory(
        parent=tree.bloc, code="BCD", name="Tổ công tác đặc biệt", kind=kind("dang-bo-co-so")
    )
    youth = UnitFactory(parent=tree.bloc, code="DK", name="Đoàn Khối", kind=kind("doan-the"))

    assert header_names(unit) == ("Đảng bộ Khối cơ quan Dân Chính Đảng", "Tổ công tác đặc biệt")
    assert header_names(youth) == ("Đảng ủy Khối cơ quan Dân Chính Đảng", "Đoàn Khối")


# ---------------------------------------------------------------------------- since 2025


@pytest.mark.parametrize(
    ("name", "without_province"),
    [
        ("Đảng ủy các cơ quan Đảng thành phố Cần Thơ", "Đảng ủy các cơ quan Đảng thành phố"),
        ("Đảng bộ Ủy ban nhân dân tỉnh An Giang", "Đảng bộ Ủy ban nhân dân tỉnh"),
        ("Đảng Uỷ UBND TP Cần Thơ", "Đảng Uỷ UBND TP"),  # old spelling, abbreviated
        ("Đảng ủy các cơ quan Đảng tỉnh", None),  # no province named: as it is
        ("Đảng ủy Khối các cơ quan tỉnh Bình Định", None),  # a bloc drops its whole place
        ("Chi bộ Văn phòng Ủy ban nhân dân tỉnh An Giang", None),  # an office's cell
        ("Đảng bộ Văn phòng Ủy ban nhân dân thành phố Cần Thơ", None),
    ],
)
def test_bodies_named_after_their_level_drop_only_the_provinces_name(name, without_province):
    assert level_body_name(name) == without_province


@pytest.mark.django_db
def test_the_bodies_of_2025_print_the_headers_of_their_documents():
    city = UnitFactory(code="CT", name="Thành ủy Cần Thơ", kind=kind("tinh-uy"))
    department = UnitFactory(
        parent=city,
        code="CT-BTGDV",
        name="Ban Tuyên giáo và Dân vận Thành ủy Cần Thơ",
        short_name="Ban Tuyên giáo và Dân vận Thành ủy",
        symbol_code="BTGDVTU",
        kind=kind("ban-dang"),
    )
    party = UnitFactory(
        parent=city,
        code="CT-CQD",
        name="Đảng ủy các cơ quan Đảng thành phố Cần Thơ",
        kind=kind("dang-uy-cac-co-quan-tinh"),
    )
    government = UnitFactory(
        parent=city,
        code="CT-UBND",
        name="Đảng ủy Ủy ban nhân dân thành phố Cần Thơ",
        kind=kind("dang-uy-cac-co-quan-tinh"),
    )
    ward = UnitFactory(
        parent=city, code="CT-NK", name="Đảng ủy phường Ninh Kiều", kind=kind("dang-uy-xa-phuong")
    )
    newspaper = UnitFactory(
        parent=party, code="CT-CQD-1", name="Đảng bộ Báo Cần Thơ", kind=kind("dang-bo-co-so")
    )
    finance = UnitFactory(
        parent=government, code="CT-UB-1", name="Đảng bộ Sở Tài chính", kind=kind("dang-bo-co-so")
    )
    area = UnitFactory(parent=ward, code="CT-NK-1", name="Chi bộ khu vực 1", kind=kind("chi-bo"))

    assert header_names(department) == ("Thành ủy Cần Thơ", "Ban Tuyên giáo và Dân vận")
    assert header_names(party) == (
        "Đảng bộ thành phố Cần Thơ",
        "Đảng ủy các cơ quan Đảng thành phố",
    )
    assert header_names(government) == (
        "Đảng bộ thành phố Cần Thơ",
        "Đảng ủy Ủy ban nhân dân thành phố",
    )
    assert header_names(ward) == ("Đảng bộ thành phố Cần Thơ", "Đảng ủy phường Ninh Kiều")
    assert header_names(newspaper) == ("Đảng bộ các cơ quan Đảng thành phố", "Đảng ủy Báo Cần Thơ")
    assert header_names(finance) == ("Đảng bộ Ủy ban nhân dân thành phố", "Đảng ủy Sở Tài chính")
    assert header_names(area) == ("Đảng bộ phường Ninh Kiều", "Chi bộ khu vực 1")
    # Printed on two lines each, never breaking the name of a body inside.
    assert header_lines("Đảng ủy Ủy ban nhân dân thành phố", ISSUING, PROFILE) == (
        "Đảng ủy Ủy ban nhân dân",
        "thành phố",
    )
    assert header_lines("Đảng bộ các cơ quan Đảng thành phố", SUPERIOR, PROFILE) == (
        "Đảng bộ các cơ quan Đảng",
        "thành phố",
    )


REORGANISED = datetime.date(2025, 7, 1)


@pytest.mark.django_db
def test_a_cell_whose_committee_merged_in_2025_keeps_the_header_of_its_2024_documents(tree):
    planning = UnitFactory(
        parent=tree.bloc,
        code="DUK-KH",
        name="Đảng bộ Sở Kế hoạch và Đầu tư",
        kind=kind("dang-bo-co-so"),
    )
    cell = UnitFactory(parent=planning, code="DUK-KH-1", name="Chi bộ Phòng Tổng hợp")

    unit_merge(
        actor=None,
        predecessors=[planning],
        into=tree.grassroots_a,
        day=REORGANISED,
        decision=Decision("02-QĐ/ĐU", datetime.date(2025, 6, 30)),
    )
    cell.refresh_from_db()

    assert header_names(cell, on=datetime.date(2024, 10, 1)) == (
        "Đảng bộ Sở Kế hoạch và Đầu tư",
        "Chi bộ Phòng Tổng hợp",
    )
    assert header_names(cell, on=REORGANISED) == ("Đảng bộ Sở Tài chính", "Chi bộ Phòng Tổng hợp")
    assert header_names(cell) == ("Đảng bộ Sở Tài chính", "Chi bộ Phòng Tổng hợp")


@pytest.mark.django_db
def test_a_committee_renamed_in_2025_heads_the_documents_of_each_day_with_its_name_then(tree):
    unit_rename(
        actor=None,
        unit=tree.bloc,
        name="Đảng ủy các cơ quan Đảng thành phố Cần Thơ",
        short_name="",
        symbol_code="ĐU",
        effective_date=REORGANISED,
    )
    tree.grassroots_a.refresh_from_db()

    assert header_names(tree.grassroots_a, on=datetime.date(2024, 10, 1)) == (
        "Đảng bộ Khối cơ quan Dân Chính Đảng",
        "Đảng ủy Sở Tài chính",
    )
    assert issuer_defaults(tree.bloc, on=datetime.date(2024, 10, 1))["symbol_code"] == "ĐUK"
    assert header_names(tree.grassroots_a) == (
        "Đảng bộ các cơ quan Đảng thành phố",
        "Đảng ủy Sở Tài chính",
    )
    assert issuer_defaults(tree.bloc)["issuing_body"] == "Đảng ủy các cơ quan Đảng thành phố"


@pytest.mark.django_db
def test_a_header_printed_under_the_bloc_is_no_correction_once_the_bloc_has_split(
    campaign, tree, users
):
    # In 2024 the plan printed what the portal proposed under the bloc; in 2025 the bloc split
    # and Sở Tài chính went to the committee of the People's Committee.
    proposed_then = header_names(tree.grassroots_a)
    _issue_plan(
        campaign,
        tree,
        users,
        datetime.date(2024, 5, 2),
        superior_body=CORRECTED[0],
        issuing_body=CORRECTED[1],
    )
    unit_split(
        actor=None,
        unit=tree.bloc,
        parts=[
            NewUnit(
                code="CQD",
                name="Đảng ủy các cơ quan Đảng thành phố Cần Thơ",
                kind=kind("dang-uy-cac-co-quan-tinh"),
            ),
            NewUnit(
                code="UBND",
                name="Đảng ủy Ủy ban nhân dân thành phố Cần Thơ",
                kind=kind("dang-uy-cac-co-quan-tinh"),
            ),
        ],
        day=REORGANISED,
        decision=Decision("1370-QĐ/TU", datetime.date(2025, 6, 27)),
        takes_over=1,
    )
    tree.grassroots_a.refresh_from_db()

    assert proposed_then != CORRECTED
    # New drafts follow the tree of today, not the correction made under the old parent.
    assert header_names(tree.grassroots_a) == (
        "Đảng bộ Ủy ban nhân dân thành phố",
        "Đảng ủy Sở Tài chính",
    )
    # A report sent in 2024 still prints what the unit's documents printed then.
    assert header_names(tree.grassroots_a, on=datetime.date(2024, 6, 1)) == CORRECTED
    assert header_names(tree.grassroots_a, on=datetime.date(2024, 5, 1)) == proposed_then


# ---------------------------------------------------------------------------- corrections


def _issue_plan(campaign, tree, users, day: datetime.date, **header) -> None:
    plan = make_draft(
        campaign,
        tree.grassroots_a,
        users.secretary,
        kind=None,
        symbol_code="ĐU",
        issue_date=day,
        recipient_lines="- Lưu.",
        **header,
    )
    services.directive_issue(actor=users.secretary, directive=plan)


CORRECTED = ("Đảng bộ Khối cơ quan\nDân Chính Đảng TP Cần Thơ", "Đảng ủy Sở Tài chính")


@pytest.mark.django_db
def test_new_drafts_and_reports_follow_the_header_the_author_corrected(
    cascade, campaign, tree, users
):
    _issue_plan(
        campaign,
        tree,
        users,
        datetime.date(2024, 5, 2),
        superior_body=CORRECTED[0],
        issuing_body=CORRECTED[1],
    )
    defaults = issuer_defaults(tree.grassroots_a)
    report = report_services.report_start(
        actor=users.secretary,
        obligation=Obligation.objects.get(
            directive=cascade.guidance, recipient__unit=tree.grassroots_a, kind="report"
        ),
    )
    document = report_document(report).document

    assert (defaults["superior_body"], defaults["issuing_body"]) == CORRECTED
    assert document.superior_lines == ("Đảng bộ Khối cơ quan", "Dân Chính Đảng TP Cần Thơ")
    assert document.issuing_lines == ("Đảng ủy Sở Tài chính",)


@pytest.mark.django_db
def test_a_header_as_the_portal_proposed_it_once_is_no_correction(campaign, tree, users):
    # Plans issued before headers were derived per kind carry the parent over the unit's name.
    _issue_plan(
        campaign,
        tree,
        users,
        datetime.date(2024, 5, 2),
        superior_body="Đảng ủy Khối cơ quan Dân Chính Đảng",
        issuing_body="Đảng bộ Sở Tài chính",
    )

    assert header_names(tree.grassroots_a) == (
        "Đảng bộ Khối cơ quan Dân Chính Đảng",
        "Đảng ủy Sở Tài chính",
    )


@pytest.mark.django_db
def test_the_header_read_from_an_imported_copy_is_no_correction(campaign, tree, users):
    _issue_plan(
        campaign,
        tree,
        users,
        datetime.date(2024, 5, 2),
        superior_body=CORRECTED[0],
        issuing_body=CORRECTED[1],
    )
    # The same document entered from a file: its header is what the reader made of the file.
    Directive.objects.filter(issuer=tree.grassroots_a).update(origin=Directive.Origin.IMPORTED)

    assert header_names(tree.grassroots_a) == (
        "Đảng bộ Khối cơ quan Dân Chính Đảng",
        "Đảng ủy Sở Tài chính",
    )


@pytest.mark.django_db
def test_a_correction_after_the_day_or_before_a_rename_does_not_count(campaign, tree, users):
    _issue_plan(
        campaign,
        tree,
        users,
        datetime.date(2024, 5, 2),
        superior_body=CORRECTED[0],
        issuing_body=CORRECTED[1],
    )
    derived = ("Đảng bộ Khối cơ quan Dân Chính Đảng", "Đảng ủy Sở Tài chính")

    # A report sent on 1 May printed the header of that day.
    assert header_names(tree.grassroots_a, on=datetime.date(2024, 5, 1)) == derived
    assert header_names(tree.grassroots_a, on=datetime.date(2024, 5, 2)) == CORRECTED

    tree.grassroots_a.name_since = datetime.date(2024, 6, 1)
    tree.grassroots_a.save(update_fields=["name_since"])
    assert header_names(tree.grassroots_a) == derived


# ---------------------------------------------------------------------------- the draft form


def _form_data(draft, **typed) -> dict:
    data = {k: ("" if v is None else v) for k, v in model_to_dict(draft, DRAFT_EDIT_FIELDS).items()}
    data = {k: v for k, v in data.items() if v is not False}
    return {**data, **typed}


@pytest.mark.django_db
def test_the_draft_form_keeps_the_authors_break_and_refuses_a_third_line(draft):
    kept = DirectiveForm(
        _form_data(draft, superior_body="Đảng ủy Khối cơ quan\r\nDân Chính Đảng TP Cần Thơ"),
        instance=draft,
    )
    too_long = DirectiveForm(
        _form_data(draft, issuing_body="Đảng ủy Ban Quản lý các khu chế xuất và công nghiệp"),
        instance=draft,
    )

    assert kept.is_valid(), kept.errors
    assert kept.cleaned_data["superior_body"] == "Đảng ủy Khối cơ quan\nDân Chính Đảng TP Cần Thơ"
    assert not too_long.is_valid()
    assert too_long.errors["issuing_body"] == [
        "Tên này cần 3 dòng trong cột tiêu đề, văn bản chỉ in tối đa 2 dòng: hãy viết tắt (ví dụ "
        "“TP” thay cho “thành phố”) hoặc rút gọn tên."
    ]
    # The preview shows what was typed, so the author sees the third line.
    assert directive_document(too_long.instance).issuing_lines == (
        "Đảng ủy Ban Quản lý",
        "các khu chế xuất",
        "và công nghiệp",
    )


@pytest.mark.django_db
def test_the_draft_page_offers_the_header_names_as_short_text_areas(draft, users, client_for):
    response = client_for(users.staff).get(reverse("campaigns:directive_edit", args=[draft.pk]))
    html = response.content.decode()

    assert re.search(r'<textarea name="superior_body" cols="\d+" rows="2"', html)
    assert re.search(r'<textarea name="issuing_body" cols="\d+" rows="2"', html)


# ---------------------------------------------------------------------------- PDF and .docx


def _left_column_lines(pdf: bytes, tmp_path) -> list[str]:
    """The left header column's text lines, top to bottom, down to the star."""
    path = tmp_path / "header.pdf"
    path.write_bytes(pdf)
    bbox = subprocess.run(
        ["pdftotext", "-bbox", "-f", "1", "-l", "1", str(path), "-"],  # noqa: S607 - poppler
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    pattern = r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">([^<]*)<'
    middle_pt = (PROFILE.margin_left_mm + column_width_pt(PROFILE) * 25.4 / 72 + 3) * 72 / 25.4
    rows: dict[int, list[tuple[float, str]]] = {}
    for x, y, word in re.findall(pattern, bbox):
        if float(x) < middle_pt:
            rows.setdefault(round(float(y)), []).append((float(x), word))
    lines = [" ".join(w for _, w in sorted(words)) for _, words in sorted(rows.items())]
    return lines[: lines.index("*")]


@pytest.mark.slow
def test_the_pdf_prints_the_chosen_lines_and_the_authors_own(tmp_path):
    proposed = replace(reference_context(), blocks=())
    typed = replace(proposed, superior_body="Đảng ủy Khối cơ quan Dân\nChính Đảng TP Cần Thơ")

    assert _left_column_lines(render_pdf(proposed), tmp_path) == [
        "ĐẢNG ỦY KHỐI CƠ QUAN",
        "DÂN CHÍNH ĐẢNG TP CẦN THƠ",
        "BAN TUYÊN GIÁO",
    ]
    assert _left_column_lines(render_pdf(typed), tmp_path) == [
        "ĐẢNG ỦY KHỐI CƠ QUAN DÂN",
        "CHÍNH ĐẢNG TP CẦN THƠ",
        "BAN TUYÊN GIÁO",
    ]


def test_the_docx_breaks_the_names_where_the_pdf_does():
    document = Document(io.BytesIO(render_docx(replace(reference_context(), blocks=()))))
    left = document.tables[0].rows[0].cells[0]

    assert [p.text for p in left.paragraphs] == [
        "ĐẢNG ỦY KHỐI CƠ QUAN\nDÂN CHÍNH ĐẢNG TP CẦN THƠ",
        "BAN TUYÊN GIÁO",
        "*",
    ]
