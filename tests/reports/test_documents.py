"""The report printed as an official BÁO CÁO, and the dashboard exported as .xlsx."""

from __future__ import annotations

import datetime
import io
import subprocess
import unicodedata
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from campaigns.models import Obligation
from reports import services
from reports.documents import report_document, report_document_html
from reports.documents import report_document_pdf as render_report_pdf
from reports.exports import COLUMNS, HEADER_ROW, HEADERS, TOTAL_LABEL, XLSX_TYPE, dashboard_xlsx
from reports.figures import rollup
from reports.models import ProgressReport, StudySession
from tests.factories import MembershipFactory
from tests.reports.test_figures import HCM, TODAY, log, submit
from units.models import Role, Unit

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

HEADINGS = [
    "I- CÔNG TÁC LÃNH ĐẠO, CHỈ ĐẠO, TỔ CHỨC THỰC HIỆN",
    "II- KẾT QUẢ",
    "III- ĐÁNH GIÁ",
    "IV- KIẾN NGHỊ, ĐỀ XUẤT",
]
SECRETARY_NAME = "Lê Văn Sáu"


def pdf_text(pdf: bytes, tmp_path, *, mode: str = "-layout") -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(
        ["pdftotext", mode, str(path), "-"],  # noqa: S607 - poppler-utils on PATH
        check=True,
        capture_output=True,
        text=True,
    )
    return unicodedata.normalize("NFC", result.stdout)


def folded(text: str) -> str:
    """Runs of spaces and line breaks folded, as justified and centred lines leave them; the
    page numbers at the top of pages 2 and on left out."""
    pages = text.split("\f")
    for index, page in enumerate(pages[1:], start=1):
        first, _, rest = page.lstrip("\n").partition("\n")
        pages[index] = rest if first.strip().isdigit() else page
    return " ".join(" ".join(pages).split())


def report_obligation(unit: Unit, directive) -> Obligation:
    return Obligation.objects.get(
        directive=directive, recipient__unit=unit, kind=Obligation.Kind.REPORT
    )


@pytest.fixture
def reporting(cascade, campaign, tree, users):
    """grassroots_a's report on the bloc's guidance, with the prose written, not yet sent."""
    log(campaign, tree.cell_a1, datetime.date(2024, 5, 10), 18, reflections=15)
    log(campaign, tree.cell_a1, datetime.date(2024, 6, 12), 16, form=StudySession.Form.THEMATIC)
    log(campaign, tree.grassroots_a, datetime.date(2024, 4, 20), 30, form="conference")
    submit(tree.cell_a1, cascade.plan, datetime.date(2024, 10, 1))
    users.secretary.full_name = SECRETARY_NAME
    users.secretary.save(update_fields=["full_name"])
    report = services.report_start(
        actor=users.secretary, obligation=report_obligation(tree.grassroots_a, cascade.guidance)
    )
    return services.report_update(
        actor=users.secretary,
        report=report,
        assessment="Ngay sau khi nhận Hướng dẫn, Đảng ủy đã ban hành Kế hoạch thực hiện.",
        strengths="Đảng viên tham gia đông đủ, nghiêm túc.",
        limits="Chi bộ Thanh tra chưa tổ chức sinh hoạt.",
        proposals="Đề nghị cung cấp thêm tài liệu sinh hoạt.",
    )


@pytest.fixture
def submitted(reporting, users):
    report = services.report_submit(actor=users.secretary, report=reporting)
    moment = datetime.datetime(2024, 10, 9, 23, 30, tzinfo=HCM)
    ProgressReport.objects.filter(pk=report.pk).update(
        first_submitted_at=moment, submitted_at=moment
    )
    report.refresh_from_db()
    return report


# ---------------------------------------------------------------------------- the PDF


def test_a_submitted_report_prints_as_an_official_bao_cao(submitted, tmp_path):
    text = pdf_text(render_report_pdf(submitted), tmp_path)
    flat = folded(text)

    # The organisation above over the committee that reports, upper case.
    assert text.strip().startswith("ĐẢNG BỘ KHỐI CƠ QUAN")
    for line in (
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "ĐẢNG ỦY SỞ TÀI CHÍNH",
        "-BC/ĐU",
        "Cần Thơ, ngày 09 tháng 10 năm 2024",
        "BÁO CÁO",
        "Kết quả thực hiện Hướng dẫn số 01-HD/BTGĐUK của Ban Tuyên giáo Đảng ủy Khối",
        "Ngay sau khi nhận Hướng dẫn, Đảng ủy đã ban hành Kế hoạch thực hiện.",
        "1. Ưu điểm Đảng viên tham gia đông đủ, nghiêm túc.",
        "2. Hạn chế, nguyên nhân Chi bộ Thanh tra chưa tổ chức sinh hoạt.",
        "Đề nghị cung cấp thêm tài liệu sinh hoạt.",
        "Nơi nhận:",
        "- Ban Tuyên giáo Đảng ủy Khối,",
        "- Lưu Văn phòng Đảng ủy.",  # the committee files its copy in its office
        "T/M ĐẢNG ỦY",
        "BÍ THƯ",
        SECRETARY_NAME,
    ):
        assert line in flat, line
    positions = [flat.index(heading) for heading in HEADINGS]
    assert positions == sorted(positions)
    assert "DỰ THẢO" not in text
    assert "\ufffd" not in text


def test_the_results_table_holds_the_figures_and_a_row_per_unit_below(submitted, tmp_path):
    flat = folded(pdf_text(render_report_pdf(submitted), tmp_path))

    assert "Đơn vị đã tổ chức sinh hoạt / đơn vị phải thực hiện 2/3 66,7" in flat
    assert "Đảng viên tham gia / tổng số đảng viên 18/35 51,4" in flat
    assert "Số buổi sinh hoạt 3" in flat
    for form in ("Hội nghị quán triệt", "Sinh hoạt chi bộ thường kỳ", "Sinh hoạt chuyên đề"):
        assert f"- {form} 1" in flat
    assert "Bài thu hoạch 15" in flat
    assert "Văn bản thực hiện đã ban hành / phải ban hành 1/1 100" in flat
    assert "2. Kết quả của các đơn vị trực thuộc" in flat
    assert "Chi bộ Văn phòng 1/1 18/20 90 2 15 0" in flat
    assert "Chi bộ Thanh tra 0/1 0/15 0 0 0 0" in flat
    assert "(cấp ủy, trực tiếp)" in flat  # the committee's own conference
    assert "Tổng cộng 2/3 18/35 51,4 3 15 0" in flat  # as the first table says


def test_the_table_of_units_lists_the_committees_own_row_and_adds_up(submitted):
    """The committee held a conference itself and is one of the units that had to: its own row
    makes the rows add up to the total, which is the first table's figures."""
    rows = report_document(submitted).children

    assert [
        (r.number, r.name, r.organised, r.participants, r.rate, r.sessions, r.reflections)
        for r in rows
    ] == [
        ("1", "Chi bộ Văn phòng", "1/1", "18/20", "90", 2, 15),
        ("2", "Chi bộ Thanh tra", "0/1", "0/15", "0", 0, 0),
        ("3", "Đảng bộ Sở Tài chính (cấp ủy, trực tiếp)", "1/1", "0/0", "–", 1, 0),
        ("", "Tổng cộng", "2/3", "18/35", "51,4", 3, 15),
    ]
    *units, total = rows
    assert total.is_total
    for column in ("organised", "participants"):
        parts = [tuple(map(int, getattr(row, column).split("/"))) for row in units]
        assert [sum(p) for p in zip(*parts, strict=True)] == list(
            map(int, getattr(total, column).split("/"))
        )
    for column in ("sessions", "reflections", "propaganda"):
        assert sum(getattr(row, column) for row in units) == getattr(total, column)


def test_a_submitted_report_prints_its_frozen_figures(submitted, campaign, tree, tmp_path):
    # After the deadline: allowed, and today's figures move, but the report was sent as it was.
    log(campaign, tree.cell_a2, datetime.date(2024, 10, 15), 15)
    figures = dict(submitted.figures, not_reported=["Chi bộ Thanh tra"])
    ProgressReport.objects.filter(pk=submitted.pk).update(figures=figures)
    submitted.refresh_from_db()

    flat = folded(pdf_text(render_report_pdf(submitted), tmp_path))

    assert "18/35" in flat
    assert "33/35" not in flat
    assert "3. Đơn vị trực thuộc chưa báo cáo: Chi bộ Thanh tra." in flat


def test_a_sent_report_is_signed_by_the_units_head_whoever_sent_it(
    reporting, users, tree, tmp_path
):
    clerk = MembershipFactory(
        unit=tree.grassroots_a, role=Role.STAFF, user__full_name="Trần Thị Văn Thư"
    ).user
    report = services.report_submit(actor=clerk, report=reporting)

    flat = folded(pdf_text(render_report_pdf(report), tmp_path))

    assert "BÍ THƯ" in flat
    assert SECRETARY_NAME in flat
    assert "Trần Thị Văn Thư" not in flat


def test_a_draft_report_is_marked_undated_and_unsigned(reporting, campaign, tree, tmp_path):
    text = pdf_text(render_report_pdf(reporting), tmp_path)
    flat = folded(text)

    assert "DỰ THẢO" in text
    assert "BÁO CÁO" in flat
    assert "Cần Thơ, ngày tháng năm" in flat  # the blanks are left for the pen
    assert "18/35" in flat  # today's figures
    assert SECRETARY_NAME not in flat
    positions = [flat.index(heading) for heading in HEADINGS]
    assert positions == sorted(positions)


def test_a_cell_signs_for_its_cell_and_has_no_table_of_units_below(
    cascade, campaign, tree, tmp_path
):
    log(campaign, tree.cell_a1, datetime.date(2024, 5, 10), 18, reflections=15)
    report = submit(tree.cell_a1, cascade.plan, datetime.date(2024, 9, 28))
    report.refresh_from_db()

    flat = folded(pdf_text(render_report_pdf(report), tmp_path))

    assert "CHI BỘ VĂN PHÒNG" in flat
    assert "-BC/CB" in flat
    assert "Cần Thơ, ngày 28 tháng 9 năm 2024" in flat
    assert "Kết quả thực hiện Kế hoạch số" in flat
    assert "- Đảng bộ Sở Tài chính," in flat
    assert "- Lưu chi bộ." in flat  # a cell files its own copy
    assert "T/M CHI BỘ" in flat
    assert "18/20" in flat
    assert "đơn vị trực thuộc" not in flat
    assert "DỰ THẢO" not in flat


# ---------------------------------------------------------------------------- the spreadsheet


def sheet_rows(content: bytes) -> list[tuple]:
    workbook = load_workbook(io.BytesIO(content))
    return list(workbook.active.iter_rows(values_only=True))


def expected_row(figures) -> list:
    return [value(figures) for _, _, value in COLUMNS]


@pytest.fixture
def world(cascade, campaign, tree):
    log(campaign, tree.cell_a1, datetime.date(2024, 5, 10), 18, reflections=15)
    log(campaign, tree.grassroots_b, datetime.date(2024, 5, 20), 10, reflections=9)
    log(campaign, tree.grassroots_a, datetime.date(2024, 4, 20), 30, form="conference")
    submit(tree.grassroots_b, cascade.guidance, datetime.date(2024, 10, 10))
    submit(tree.cell_a1, cascade.plan, datetime.date(2024, 10, 1))
    return cascade


def test_the_spreadsheet_has_the_dashboards_figures_per_child_and_a_total(world, campaign, tree):
    result = rollup(campaign, tree.bloc, today=TODAY)

    rows = sheet_rows(dashboard_xlsx(campaign, tree.bloc, today=TODAY))

    assert tree.bloc.name in rows[0][0]
    assert campaign.title in rows[1][0]
    assert "20/10/2024" in rows[1][0]
    assert rows[HEADER_ROW - 1] == HEADERS
    body = {row[1]: list(row[2:]) for row in rows[HEADER_ROW:-1]}
    assert list(body) == [row.unit.code for row in result.children]  # the bloc has none of its own
    for row in result.children:
        assert body[row.unit.code] == expected_row(row.figures)
    grassroots_a = body[tree.grassroots_a.code]
    assert grassroots_a[:6] == [3, 2, 66.7, 35, 18, 51.4]  # as the dashboard shows it
    assert rows[-1][0] == TOTAL_LABEL
    assert list(rows[-1][2:]) == expected_row(result.total)
    assert rows[-1][2:8] == (4, 3, 75, 47, 28, 59.6)


def test_the_spreadsheet_adds_the_units_own_row_when_it_has_figures(world, campaign, tree):
    result = rollup(campaign, tree.grassroots_a, today=TODAY)

    rows = sheet_rows(dashboard_xlsx(campaign, tree.grassroots_a, today=TODAY))

    own = [row for row in rows[HEADER_ROW:] if row[1] == tree.grassroots_a.code]
    assert len(own) == 1
    assert own[0][0].startswith(tree.grassroots_a.name)
    assert list(own[0][2:]) == expected_row(result.own)
    assert [row[1] for row in rows[HEADER_ROW:-1]] == [
        tree.cell_a1.code,
        tree.cell_a2.code,
        tree.grassroots_a.code,
    ]


def test_a_unit_name_that_looks_like_a_formula_stays_text(world, campaign, tree):
    Unit.objects.filter(pk=tree.grassroots_b.pk).update(name='=HYPERLINK("http://x.vn","Bấm")')

    content = dashboard_xlsx(campaign, tree.bloc, today=TODAY)

    cells = {row[1].value: row[0] for row in load_workbook(io.BytesIO(content)).active.iter_rows()}
    cell = cells[tree.grassroots_b.code]
    assert cell.value == '=HYPERLINK("http://x.vn","Bấm")'
    assert cell.data_type == "s"
    sheet_xml = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet_xml


# ---------------------------------------------------------------------------- the views


def test_the_report_pdf_is_served_to_the_unit_and_downloadable(submitted, users, client_for):
    url = reverse("reports:report_pdf", args=[submitted.pk])
    client = client_for(users.secretary)

    shown = client.get(url)
    downloaded = client.get(url, {"download": "1"})

    assert shown.status_code == 200
    assert shown["Content-Type"] == "application/pdf"
    assert shown.content.startswith(b"%PDF")
    assert shown["Content-Disposition"].startswith("inline")
    assert downloaded["Content-Disposition"] == 'attachment; filename="bao-cao-DUK-A.pdf"'
    assert url in client.get(submitted.get_absolute_url()).text


def test_the_dashboard_xlsx_defaults_to_the_latest_campaign(
    world, campaign, tree, users, client_for
):
    client = client_for(users.leader)
    url = reverse("reports:dashboard_xlsx", args=[tree.bloc.pk])

    plain = client.get(url)
    chosen = client.get(url, {"campaign": campaign.pk, "milestone": "abc"})

    for response in (plain, chosen):
        assert response.status_code == 200
        assert response["Content-Type"] == XLSX_TYPE
        assert response["Content-Disposition"] == 'attachment; filename="tong-hop-DUK.xlsx"'
        assert sheet_rows(response.content)[HEADER_ROW - 1] == HEADERS
    assert client.get(url, {"campaign": "999999"}).status_code == 404
    assert client.get(url, {"campaign": "x"}).status_code == 404
    page = client.get(reverse("reports:dashboard", args=[tree.bloc.pk]))
    assert f"{url}?campaign={campaign.pk}" in page.text


def test_the_document_views_are_not_found_outside_the_users_subtree(
    submitted, tree, users, client_for
):
    client = client_for(users.outsider)

    assert client.get(reverse("reports:report_pdf", args=[submitted.pk])).status_code == 404
    assert client.get(reverse("reports:dashboard_xlsx", args=[tree.bloc.pk])).status_code == 404
    assert (
        client.get(reverse("reports:dashboard_xlsx", args=[tree.grassroots_a.pk])).status_code
        == 404
    )


def test_the_html_preview_is_a_fragment_with_the_same_text(reporting):
    html = report_document_html(reporting, standalone=False)

    assert "<html" not in html
    assert 'class="doc-page"' in html
    assert "/static/fonts/portal-fonts.css" in html
    assert "Kết quả thực hiện Hướng dẫn số 01-HD/BTGĐUK" in html
    assert "DỰ THẢO" in html
