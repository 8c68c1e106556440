"""Reading and writing the unit-tree spreadsheet, and the file builders the import tests share."""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook

from units.tabular import COLUMNS, read_spreadsheet, write_csv, write_xlsx

HEADERS = [column.header for column in COLUMNS]


def _key(label: str) -> str:
    label = unicodedata.normalize("NFC", label).casefold()
    return next((c.key for c in COLUMNS if label in {c.key, c.header.casefold()}), label)


def _matrix(rows: list[dict[str, object]], header: list[str] | None) -> list[list[object]]:
    header = HEADERS if header is None else header
    keys = [_key(label) for label in header]
    return [header, *[[row.get(key, "") for key in keys] for row in rows]]


def xlsx_bytes(rows: list[dict[str, object]], header: list[str] | None = None) -> bytes:
    """An .xlsx with a header row (Vietnamese headers unless given) and one row per dict."""
    workbook = Workbook()
    for values in _matrix(rows, header):
        workbook.active.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(
    rows: list[dict[str, object]],
    header: list[str] | None = None,
    *,
    delimiter: str = ",",
    encoding: str = "utf-8",
) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(_matrix(rows, header))
    return buffer.getvalue().encode(encoding)


def unit_row(code: str, parent_code: str, name: str, **fields: object) -> dict[str, object]:
    """One spreadsheet row for a cell (chi bộ) unless `kind` says otherwise."""
    return {"code": code, "parent_code": parent_code, "name": name, "kind": "chi-bo", **fields}


# ---------------------------------------------------------------------------- reading


def test_xlsx_rows_are_keyed_by_column_and_numbered_as_in_excel():
    content = xlsx_bytes(
        [
            unit_row("C1", "P", "Chi bộ Một", member_count=12),
            {},  # a blank line in the sheet is skipped but still counts
            unit_row("C2", "P", "Chi bộ Hai"),
        ]
    )

    parsed = read_spreadsheet("don-vi.xlsx", content)

    assert [line for line, _ in parsed.rows] == [2, 4]
    _line, first = parsed.rows[0]
    assert first["code"] == "C1"
    assert first["parent_code"] == "P"
    assert first["name"] == "Chi bộ Một"
    assert first["member_count"] == "12"


def test_english_keys_are_accepted_as_headers_in_any_order_and_case():
    header = ["Name", "CODE", "kind", "parent_code", "member_count"]
    content = csv_bytes([unit_row("C1", "P", "Chi bộ Một", member_count="7")], header)

    parsed = read_spreadsheet("units.CSV", content)

    assert parsed.rows == [
        (
            2,
            {
                "name": "Chi bộ Một",
                "code": "C1",
                "kind": "chi-bo",
                "parent_code": "P",
                "member_count": "7",
            },
        )
    ]


def test_decomposed_vietnamese_and_stray_spaces_are_normalised():
    decomposed = unicodedata.normalize("NFD", "  Chi bộ   Điều dưỡng ")
    header = [unicodedata.normalize("NFD", h) for h in HEADERS]
    content = xlsx_bytes([unit_row("C1", "P", decomposed)], header)

    (_, row), *_ = read_spreadsheet("don-vi.xlsx", content).rows

    assert row["name"] == "Chi bộ Điều dưỡng"
    assert unicodedata.is_normalized("NFC", row["name"])


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_csv_delimiter_follows_the_file_even_with_commas_in_names(delimiter):
    # Excel in a Vietnamese locale writes ";"; the header "Số cán bộ, công chức" has a comma anyway.
    rows = [
        unit_row("C1", "P", "Chi bộ Sở Tài chính, Kế hoạch"),
        unit_row("C2", "P", "Chi bộ Văn phòng", place_name="Cần Thơ, Ninh Kiều"),
    ]
    content = csv_bytes(rows, delimiter=delimiter)

    (_, first), (_, second) = read_spreadsheet("don-vi.csv", content).rows

    assert first["name"] == "Chi bộ Sở Tài chính, Kế hoạch"
    assert first["kind"] == "chi-bo"
    assert second["place_name"] == "Cần Thơ, Ninh Kiều"


def test_csv_with_utf8_bom_reads_the_first_header():
    content = b"\xef\xbb\xbf" + csv_bytes([unit_row("C1", "P", "Chi bộ Một")])

    (_, row), *_ = read_spreadsheet("don-vi.csv", content).rows

    assert row["code"] == "C1"


def test_written_csv_reads_back_with_quotes_in_names_far_down_the_file():
    rows = [unit_row(f"C{i}", "P", f"Chi bộ số {i}") for i in range(300)]
    rows.append(unit_row("Q1", "P", 'Chi bộ Công ty "Ánh Sáng", chi nhánh Cái Răng'))

    parsed = read_spreadsheet("don-vi.csv", write_csv(rows))

    assert len(parsed.rows) == 301
    assert parsed.rows[-1][1]["name"] == 'Chi bộ Công ty "Ánh Sáng", chi nhánh Cái Răng'
    assert parsed.rows[-1][1]["kind"] == "chi-bo"


@pytest.mark.parametrize(("writer", "file_name"), [(write_xlsx, "a.xlsx"), (write_csv, "a.csv")])
def test_written_file_reads_back_row_for_row(writer, file_name):
    rows = [
        unit_row("TU", "", "Thành ủy Cần Thơ", kind="tinh-uy", member_count=0, is_active="có"),
        unit_row("C1", "TU", "Chi bộ Một", member_count=1234, is_active="không"),
    ]

    parsed = read_spreadsheet(file_name, writer(rows))

    assert [(line, row["code"], row["parent_code"]) for line, row in parsed.rows] == [
        (2, "TU", ""),
        (3, "C1", "TU"),
    ]
    assert parsed.rows[1][1]["member_count"] == "1234"
    assert parsed.rows[1][1]["is_active"] == "không"


# ---------------------------------------------------------------------------- unreadable files


def _error(file_name: str, content: bytes) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        read_spreadsheet(file_name, content)
    return caught.value


def test_missing_required_column_is_named_in_vietnamese():
    header = [h for h in HEADERS if h != "Mã đơn vị cấp trên"]

    error = _error("don-vi.xlsx", xlsx_bytes([unit_row("C1", "P", "Chi bộ")], header))

    assert error.code == "missing_columns"
    assert "thiếu cột: Mã đơn vị cấp trên" in error.messages[0]


@pytest.mark.parametrize(
    ("file_name", "content"),
    [
        ("trong.csv", b""),
        ("trong.csv", "\ufeff".encode()),
        ("trong.xlsx", xlsx_bytes([], header=[])),
    ],
)
def test_empty_file_is_refused(file_name, content):
    error = _error(file_name, content)

    assert error.code == "empty"
    assert "không có dữ liệu" in error.messages[0]


def test_header_without_rows_is_refused():
    error = _error("don-vi.xlsx", xlsx_bytes([{}, {}]))

    assert error.code == "empty"
    assert error.messages == ["Tệp không có dòng đơn vị nào."]


def _zip_that_is_not_xlsx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("ghi-chu.txt", "không phải Excel")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "content",
    [b"Ma don vi,Ten don vi\nC1,Chi bo\n", b"%PDF-1.7 ...", _zip_that_is_not_xlsx()],
    ids=["csv-bytes", "pdf-bytes", "other-zip"],
)
def test_bytes_that_are_not_xlsx_named_xlsx_are_refused(content):
    error = _error("don-vi.xlsx", content)

    assert error.code == "bad_file"
    assert "Không đọc được tệp Excel" in error.messages[0]


def test_csv_not_in_utf8_is_refused_with_the_encoding_to_use():
    content = csv_bytes([unit_row("C1", "P", "Chi bộ Điều dưỡng")], encoding="utf-16")

    error = _error("don-vi.csv", content)

    assert error.code == "bad_encoding"
    assert "UTF-8" in error.messages[0]


def test_csv_with_windows_1258_text_is_refused_rather_than_read_as_garbage():
    content = "Mã đơn vị,Tên đơn vị\nC1,Chi bộ ".encode() + "Đông\n".encode("cp1258")

    assert _error("don-vi.csv", content).code == "bad_encoding"


@pytest.mark.parametrize("file_name", ["don-vi.xls", "don-vi.ods", "don-vi", "don-vi.xlsx.pdf"])
def test_other_file_types_are_refused(file_name):
    error = _error(file_name, xlsx_bytes([unit_row("C1", "P", "Chi bộ")]))

    assert error.code == "bad_type"
    assert error.messages == ["Chỉ nhận tệp .xlsx hoặc .csv."]
