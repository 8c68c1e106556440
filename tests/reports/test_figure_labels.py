"""The web figures table, the printed report and the Excel export show the same figures, under the
same labels (reports.figures.FIGURES), pending reports included."""

from __future__ import annotations

import datetime
import html
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from reports.documents import report_document_pdf
from reports.exports import LABEL_ROW, dashboard_xlsx
from reports.figures import FIGURES
from tests.reports.test_documents import folded, pdf_text
from tests.reports.test_figures import TODAY, log, submit

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

PENDING = "Chưa đến hạn"


@pytest.fixture
def outputs(cascade, campaign, tree, users, client_for, tmp_path) -> dict[str, str | bytes]:
    """grassroots_a's submitted report on the guidance, its page and its PDF, and the export
    of grassroots_a's dashboard: all from the same figures."""
    log(campaign, tree.cell_a1, datetime.date(2024, 5, 10), 18, reflections=15)
    submit(tree.cell_a1, cascade.plan, datetime.date(2024, 10, 1))
    report = submit(tree.grassroots_a, cascade.guidance, datetime.date(2024, 10, 9))
    report.refresh_from_db()
    client = client_for(users.secretary)
    work = reverse("reports:unit_work", args=[tree.grassroots_a.pk])
    return {
        "report page": client.get(report.get_absolute_url()).text,
        "work page": client.get(f"{work}?campaign={campaign.pk}").text,
        "pdf": folded(pdf_text(report_document_pdf(report), tmp_path)),
        "xlsx": dashboard_xlsx(campaign, tree.grassroots_a, today=TODAY),
    }


def web_labels(page: str) -> set[str]:
    """The row headings of the page's figures table."""
    table = page.split('class="table table-sm figures"', 1)[1].split("</table>", 1)[0]
    return {
        html.unescape(" ".join(heading.split()))
        for heading in re.findall(r"<th[^>]*>(.*?)</th>", table, flags=re.DOTALL)
    }


def sheet_labels(content: bytes) -> set[str]:
    """The figures' labels over the export's columns (the unit's name and code left out)."""
    sheet = load_workbook(io.BytesIO(content)).active
    (row,) = sheet.iter_rows(min_row=LABEL_ROW, max_row=LABEL_ROW, values_only=True)
    return {label for label in row if label} - {"Đơn vị", "Mã đơn vị"}


def pdf_labels(flat: str, known: set[str]) -> set[str]:
    """The labels among `known` that the printed results table holds (its text only: the
    table of units below has headings of its own)."""
    table = flat.split("1. Kết quả chung", 1)[1].split("2. Kết quả của các đơn vị", 1)[0]
    return {label for label in known if label in table}


def labels(outputs: dict[str, str | bytes]) -> dict[str, set[str]]:
    web = {name: web_labels(str(outputs[name])) for name in ("report page", "work page")}
    sheet = sheet_labels(bytes(outputs["xlsx"]))
    known = set().union(*web.values(), sheet, (figure.label for figure in FIGURES))
    return {**web, "xlsx": sheet, "pdf": pdf_labels(str(outputs["pdf"]), known)}


def test_the_web_table_the_report_and_the_export_show_the_same_figures(outputs):
    shown = labels(outputs)

    assert all(found == shown["pdf"] for found in shown.values()), shown
    assert shown["pdf"] == {figure.label for figure in FIGURES}
    assert PENDING in shown["report page"]


@pytest.mark.parametrize("output", ["report page", "pdf", "xlsx"])
def test_an_output_that_drops_a_figure_no_longer_agrees(outputs, output):
    """The comparison reads each output itself: one without the pending count stands out."""
    if output == "xlsx":
        workbook = load_workbook(io.BytesIO(outputs["xlsx"]))
        sheet = workbook.active
        (row,) = sheet.iter_rows(min_row=LABEL_ROW, max_row=LABEL_ROW)
        sheet.delete_cols(next(cell.column for cell in row if cell.value == PENDING))
        buffer = io.BytesIO()
        workbook.save(buffer)
        outputs["xlsx"] = buffer.getvalue()
    elif output == "pdf":
        outputs["pdf"] = re.sub(rf"- {PENDING} \d+", "", str(outputs["pdf"]))
    else:
        outputs[output] = re.sub(
            rf"<tr>\s*<th[^>]*>{PENDING}</th>.*?</tr>", "", str(outputs[output]), flags=re.DOTALL
        )

    shown = labels(outputs)

    assert PENDING not in shown[output]
    assert any(found != shown[output] for found in shown.values())
