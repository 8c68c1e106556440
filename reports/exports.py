"""Spreadsheets: the dashboard's figures (one row per child unit, its columns and their labels
from reports.figures.FIGURES), and a unit's registers of documents sent and received."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from operator import attrgetter
from typing import NamedTuple

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from campaigns.models import Campaign, Milestone
from reports.figures import (
    RATE_HEADER,
    FigureDef,
    Figures,
    Format,
    Output,
    figures_for,
    names_on,
    rollup,
)
from reports.registers import IncomingRegister, OutgoingRegister
from units.models import Unit

__all__ = [
    "COLUMNS",
    "HEADERS",
    "HEADER_ROW",
    "LABELS",
    "LABEL_ROW",
    "REGISTER_HEADER_ROW",
    "XLSX_TYPE",
    "dashboard_xlsx",
    "register_xlsx",
]

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Column(NamedTuple):
    """One column of figures: its header under the figure's label, width, and value."""

    header: str
    width: int
    value: Callable[[Figures], object]


def _columns(figure: FigureDef) -> tuple[Column, ...]:
    """A count's one column (headed by its label above); a ratio's owed, done and rate."""
    if figure.format is Format.RATIO:
        owed, done = figure.columns
        return (
            Column(owed, 11, attrgetter(figure.whole)),
            Column(done, 11, attrgetter(figure.key)),
            Column(RATE_HEADER, 9, attrgetter(figure.rate)),
        )
    return (Column("", 12, attrgetter(figure.key)),)


# The figures of reports.figures.FIGURES that the export shows, in its order; then its columns.
SHOWN: tuple[FigureDef, ...] = figures_for(Output.XLSX)
COLUMNS: tuple[Column, ...] = tuple(column for figure in SHOWN for column in _columns(figure))
UNIT_HEADERS = ("Đơn vị", "Mã đơn vị")
# The two header rows as the sheet reads back (None: a cell merged into the one above or left).
LABELS: tuple[str | None, ...] = (
    *UNIT_HEADERS,
    *(label for figure in SHOWN for label in (figure.label, *[None] * (len(_columns(figure)) - 1))),
)
HEADERS: tuple[str | None, ...] = (
    *[None] * len(UNIT_HEADERS),
    *(column.header or None for column in COLUMNS),
)
TOTAL_LABEL = "Tổng cộng"
OWN_SUFFIX = " (cấp ủy, trực tiếp)"
LABEL_ROW = 3  # after the title and the subtitle: the figures' labels
HEADER_ROW = 4  # a ratio's columns; the rows of units follow


def _title(
    campaign: Campaign,
    name: str,
    milestone: Milestone | None,
    day: datetime.date,
    *,
    as_of: bool = False,
):
    title = f"Tổng hợp kết quả: {name}"
    subtitle = f"Đợt sinh hoạt: {campaign.title}"
    if milestone is not None:
        subtitle += (
            f" – {milestone.title or milestone.get_kind_display()} ({milestone.deadline_text})"
        )
    if as_of:
        subtitle += f" – số liệu và cây đơn vị tại ngày {day:%d/%m/%Y}"
    else:
        subtitle += f" – số liệu đến ngày {day:%d/%m/%Y}"
    return title, subtitle


def dashboard_xlsx(
    campaign: Campaign,
    unit: Unit,
    milestone: Milestone | None = None,
    *,
    today: datetime.date | None = None,
    as_of: datetime.date | None = None,
) -> bytes:
    """The dashboard's table as .xlsx: a row per child unit, the unit's own row when it has
    figures of its own, and the total; numbers as numbers, names always as text. `as_of`: the
    tree, names and figures of that day, as the dashboard shows them."""
    today = as_of or today or timezone.localdate()
    result = rollup(campaign, unit, milestone=milestone, today=today, as_of=as_of)
    units = [unit, *(row.unit for row in result.children)]
    names = {u.pk: u.name for u in units}
    if as_of is not None:
        names = {pk: name.name for pk, name in names_on(units, as_of).items()}
    rows: list[tuple[str, str, Figures]] = [
        (names[row.unit.pk], row.unit.code, row.figures) for row in result.children
    ]
    if result.own != Figures():
        rows.append((f"{names[unit.pk]}{OWN_SUFFIX}", unit.code, result.own))

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Tổng hợp"
    title, subtitle = _title(campaign, names[unit.pk], milestone, today, as_of=as_of is not None)
    sheet.append([title])
    sheet.append([subtitle])
    sheet.append(list(LABELS))
    sheet.append([header or "" for header in HEADERS])
    _merge_header(sheet)
    for name, code, figures in rows:
        sheet.append([name, code, *(value(figures) for _, _, value in COLUMNS)])
    sheet.append([TOTAL_LABEL, "", *(value(result.total) for _, _, value in COLUMNS)])

    for cells in sheet.iter_rows():
        for cell in cells:
            if cell.data_type == "f":
                cell.data_type = "s"  # a name starting with "=" stays text, never a formula
    _style(sheet, last_row=sheet.max_row)

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _merge_header(sheet) -> None:
    """A count's label over both header rows; a ratio's across its three columns."""
    spans = [1] * len(UNIT_HEADERS) + [len(_columns(figure)) for figure in SHOWN]
    column = 1
    for span in spans:
        if span == 1:
            sheet.merge_cells(
                start_row=LABEL_ROW, end_row=HEADER_ROW, start_column=column, end_column=column
            )
        else:
            sheet.merge_cells(
                start_row=LABEL_ROW,
                end_row=LABEL_ROW,
                start_column=column,
                end_column=column + span - 1,
            )
        column += span


def _style(sheet, *, last_row: int) -> None:
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"].font = Font(italic=True)
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for cells in sheet.iter_rows(min_row=LABEL_ROW, max_row=HEADER_ROW):
        for cell in cells:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    # Wrapped labels in merged cells: spreadsheet programs do not grow these rows themselves.
    sheet.row_dimensions[LABEL_ROW].height = 48
    sheet.row_dimensions[HEADER_ROW].height = 30
    for cells in sheet.iter_rows(min_row=LABEL_ROW, max_row=last_row):
        for cell in cells:
            cell.border = border
    for cell in sheet[last_row]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=3)
    widths = (48, 14, *(width for _, width, _ in COLUMNS))
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


# ---------------------------------------------------------------------------- registers

REGISTER_HEADER_ROW = 4  # after the unit, the register's title and its year: the columns
# Column widths (characters) under reports.registers' headers, as an office sets its register.
REGISTER_WIDTHS: dict[str, tuple[int, ...]] = {
    OutgoingRegister.title: (16, 11, 60, 22, 40, 8, 30),
    IncomingRegister.title: (11, 8, 32, 16, 11, 56, 22, 11, 30),
}
DATE_FORMAT = "DD/MM/YYYY"


def register_xlsx(register: OutgoingRegister | IncomingRegister) -> bytes:
    """The register as .xlsx, every line the filters keep (not one page): the unit, the title
    and the year above the columns; dates as dates, numbers as numbers, text always as text."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"Năm {register.filters.year}"
    year_line = f"Năm {register.filters.year}"
    if register.narrowed_by:
        year_line += " – " + "; ".join(register.narrowed_by)
    sheet.append([register.unit.name])
    sheet.append([register.title.upper()])
    sheet.append([year_line])
    sheet.append(list(register.headers))
    for row in register.rows:
        sheet.append(list(row.cells))

    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    sheet["A1"].font = Font(bold=True)
    sheet["A2"].font = Font(bold=True, size=14)
    sheet["A3"].font = Font(italic=True)
    for cell in sheet[REGISTER_HEADER_ROW]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
    for cells in sheet.iter_rows(min_row=REGISTER_HEADER_ROW + 1):
        for cell in cells:
            if cell.data_type == "f":
                cell.data_type = "s"  # a subject starting with "=" stays text, never a formula
            if isinstance(cell.value, datetime.date):
                cell.number_format = DATE_FORMAT
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            cell.border = border
    sheet.freeze_panes = sheet.cell(row=REGISTER_HEADER_ROW + 1, column=1)
    sheet.print_title_rows = f"{REGISTER_HEADER_ROW}:{REGISTER_HEADER_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    for index, width in enumerate(REGISTER_WIDTHS[register.title], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
