"""The dashboard's figures as a spreadsheet: one row per child unit, from reports.figures only."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from campaigns.models import Campaign, Milestone
from reports.figures import Figures, rollup
from units.models import Unit

__all__ = ["COLUMNS", "XLSX_TYPE", "dashboard_xlsx"]

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Header, width, value of a row's figures. The unit's name and code come first.
COLUMNS: tuple[tuple[str, int, Callable[[Figures], object]], ...] = (
    ("Đơn vị phải thực hiện", 12, lambda f: f.expected_units),
    ("Đơn vị đã sinh hoạt", 12, lambda f: f.organised_units),
    ("Tỷ lệ (%)", 9, lambda f: f.organised_rate),
    ("Đảng viên", 10, lambda f: f.members),
    ("Đảng viên tham gia", 11, lambda f: f.participants),
    ("Tỷ lệ tham gia (%)", 10, lambda f: f.participation_rate),
    ("Số buổi", 8, lambda f: f.sessions),
    ("Bài thu hoạch", 10, lambda f: f.reflections),
    ("Tin bài tuyên truyền", 11, lambda f: f.propaganda),
    ("Văn bản thực hiện phải ban hành", 13, lambda f: f.plans_expected),
    ("Đã ban hành", 10, lambda f: f.plans_issued),
    ("Báo cáo phải gửi", 10, lambda f: f.reports_expected),
    ("Đúng hạn", 9, lambda f: f.reports_on_time),
    ("Trễ hạn", 9, lambda f: f.reports_late),
    ("Quá hạn chưa gửi", 10, lambda f: f.reports_missing),
    ("Chưa đến hạn", 10, lambda f: f.reports_pending),
)
HEADERS = ("Đơn vị", "Mã đơn vị", *(header for header, _, _ in COLUMNS))
TOTAL_LABEL = "Tổng cộng"
OWN_SUFFIX = " (cấp ủy, trực tiếp)"
HEADER_ROW = 3  # after the title and the subtitle


def _title(campaign: Campaign, unit: Unit, milestone: Milestone | None, day: datetime.date):
    title = f"Tổng hợp kết quả: {unit.name}"
    subtitle = f"Đợt sinh hoạt: {campaign.title}"
    if milestone is not None:
        subtitle += (
            f" – {milestone.title or milestone.get_kind_display()} ({milestone.deadline_text})"
        )
    subtitle += f" – số liệu đến ngày {day:%d/%m/%Y}"
    return title, subtitle


def dashboard_xlsx(
    campaign: Campaign,
    unit: Unit,
    milestone: Milestone | None = None,
    *,
    today: datetime.date | None = None,
) -> bytes:
    """The dashboard's table as .xlsx: a row per child unit, the unit's own row when it has
    figures of its own, and the total; numbers as numbers, names always as text."""
    today = today or timezone.localdate()
    result = rollup(campaign, unit, milestone=milestone, today=today)
    rows: list[tuple[str, str, Figures]] = [
        (row.unit.name, row.unit.code, row.figures) for row in result.children
    ]
    if result.own != Figures():
        rows.append((f"{unit.name}{OWN_SUFFIX}", unit.code, result.own))

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Tổng hợp"
    title, subtitle = _title(campaign, unit, milestone, today)
    sheet.append([title])
    sheet.append([subtitle])
    sheet.append(list(HEADERS))
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


def _style(sheet, *, last_row: int) -> None:
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"].font = Font(italic=True)
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for cell in sheet[HEADER_ROW]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for cells in sheet.iter_rows(min_row=HEADER_ROW, max_row=last_row):
        for cell in cells:
            cell.border = border
    for cell in sheet[last_row]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=3)
    widths = (48, 14, *(width for _, width, _ in COLUMNS))
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
