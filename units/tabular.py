"""Reading and writing the unit-tree spreadsheet (.xlsx, .csv): one row per unit."""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("code", "Mã đơn vị", required=True),
    Column("parent_code", "Mã đơn vị cấp trên", required=True),
    Column("name", "Tên đơn vị", required=True),
    Column("short_name", "Tên viết tắt"),
    Column("kind", "Loại đơn vị", required=True),
    Column("symbol_code", "Ký hiệu văn bản"),
    Column("place_name", "Địa danh"),
    Column("member_count", "Số đảng viên"),
    Column("official_count", "Số cán bộ, công chức"),
    Column("youth_count", "Số đoàn viên"),
    Column("other_count", "Số quần chúng"),
    Column("is_active", "Đang hoạt động"),
)


def normalise(text: object) -> str:
    """NFC, trimmed, inner white space folded: files mix composed and decomposed tone marks."""
    if text is None:
        return ""
    if isinstance(text, float) and text.is_integer():
        text = int(text)
    return " ".join(unicodedata.normalize("NFC", str(text)).split())


@dataclass(frozen=True)
class Layout:
    """One kind of spreadsheet: its columns, and what a user is told when a file does not fit."""

    columns: tuple[Column, ...]
    template_hint: str
    no_rows: str


UNIT_LAYOUT = Layout(
    columns=COLUMNS,
    template_hint="Hãy dùng tệp mẫu tải từ trang xuất danh sách.",
    no_rows="Tệp không có dòng đơn vị nào.",
)


def _header_key(cell: object, columns: tuple[Column, ...] = COLUMNS) -> str | None:
    label = normalise(cell).casefold()
    for column in columns:
        if label in {column.key, column.header.casefold()}:
            return column.key
    return None


@dataclass
class ParsedFile:
    """Rows keyed by column; `line` is the spreadsheet row number a user sees (header is 1)."""

    rows: list[tuple[int, dict[str, str]]]


def _rows_from_matrix(matrix: Iterator[Iterable[object]], layout: Layout) -> ParsedFile:
    try:
        header = next(matrix)
    except StopIteration:
        raise ValidationError("Tệp không có dữ liệu.", code="empty") from None
    keys = [_header_key(cell, layout.columns) for cell in header]
    missing = [c.header for c in layout.columns if c.required and c.key not in keys]
    if missing:
        raise ValidationError(
            "Dòng tiêu đề thiếu cột: %(cols)s. %(hint)s",
            code="missing_columns",
            params={"cols": ", ".join(missing), "hint": layout.template_hint},
        )
    rows = []
    for line, values in enumerate(matrix, start=2):
        row = {key: normalise(value) for key, value in zip(keys, values, strict=False) if key}
        if any(row.values()):
            rows.append((line, row))
    if not rows:
        raise ValidationError(layout.no_rows, code="empty")
    return ParsedFile(rows=rows)


def _csv_delimiter(text: str, columns: tuple[Column, ...] = COLUMNS) -> str:
    """The delimiter under which the header names the most columns.

    Excel in a Vietnamese locale writes ";", elsewhere ","; csv.Sniffer is fooled by the comma
    in "Số cán bộ, công chức" and in names, and guesses quoting from the first 4 KB only.
    """
    header = text.partition("\n")[0]
    return max(
        ",;\t",
        key=lambda delimiter: sum(
            _header_key(cell, columns) is not None
            for cell in next(csv.reader([header], delimiter=delimiter), [])
        ),
    )


def read_spreadsheet(file_name: str, content: bytes, layout: Layout = UNIT_LAYOUT) -> ParsedFile:
    """Parse an uploaded .xlsx or .csv; a file that is neither gets a clear ValidationError."""
    lower = file_name.lower()
    if lower.endswith(".xlsx"):
        try:
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
            raise ValidationError(
                "Không đọc được tệp Excel (.xlsx): tệp hỏng hoặc không phải .xlsx.", code="bad_file"
            ) from exc
        try:
            return _rows_from_matrix(iter(workbook.active.iter_rows(values_only=True)), layout)
        finally:
            workbook.close()
    if lower.endswith(".csv"):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValidationError(
                "Tệp CSV phải được lưu với bảng mã UTF-8.", code="bad_encoding"
            ) from exc
        reader = csv.reader(io.StringIO(text), delimiter=_csv_delimiter(text, layout.columns))
        return _rows_from_matrix(iter(reader), layout)
    raise ValidationError("Chỉ nhận tệp .xlsx hoặc .csv.", code="bad_type")


def write_xlsx(rows: Iterable[dict[str, object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Đơn vị"
    sheet.append([c.header for c in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([row.get(c.key, "") for c in COLUMNS])
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            if cell.data_type == "f":
                cell.data_type = "s"  # a name starting with "=" stays text, never a formula
    sheet.freeze_panes = "A2"
    for letter, width in zip(
        "ABCDEFGHIJKL", (16, 16, 60, 24, 24, 14, 14, 12, 12, 12, 12, 12), strict=True
    ):
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_csv(rows: Iterable[dict[str, object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([c.header for c in COLUMNS])
    for row in rows:
        writer.writerow([row.get(c.key, "") for c in COLUMNS])
    # A BOM so that Excel opens the Vietnamese text as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
