"""Exporting a unit's subtree to .xlsx/.csv, and the export_units/import_units commands."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from tests.units.test_tabular import HEADERS, unit_row, xlsx_bytes
from units.models import Unit
from units.services import unit_tree_import
from units.tabular import read_spreadsheet

pytestmark = pytest.mark.django_db

BLOC_SUBTREE = {
    # code: parent code
    "DUK": "TU",
    "DUK-BTG": "DUK",
    "DUK-A": "DUK",
    "DUK-A-1": "DUK-A",
    "DUK-A-2": "DUK-A",
    "DUK-B": "DUK",
}


def export(client, unit: Unit, file_format: str):
    return client.get(reverse("units:unit_export", args=[unit.pk]), {"format": file_format})


def sheet_rows(content: bytes) -> list[tuple]:
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    return list(workbook.active.iter_rows(values_only=True))


def test_xlsx_export_holds_the_subtree_only_with_parent_codes(tree, users, client_for):
    response = export(client_for(users.admin), tree.bloc, "xlsx")

    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == 'attachment; filename="don-vi-DUK.xlsx"'
    header, *rows = sheet_rows(response.content)
    assert list(header) == HEADERS
    assert {row[0]: row[1] for row in rows} == BLOC_SUBTREE
    assert [row[0] for row in rows][:3] == ["DUK", "DUK-BTG", "DUK-A"]  # parents first
    cell = next(row for row in rows if row[0] == "DUK-A-1")
    assert cell[2:5] == ("Chi bộ Văn phòng", None, "chi-bo")
    assert cell[7] == 20
    assert cell[11] == "có"


def test_csv_export_holds_the_subtree_only_and_excel_reads_it_as_utf8(tree, users, client_for):
    response = export(client_for(users.admin), tree.grassroots_a, "csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="don-vi-DUK-A.csv"'
    assert response.content.startswith(b"\xef\xbb\xbf")
    parsed = read_spreadsheet("x.csv", response.content)
    assert [(row["code"], row["parent_code"], row["name"]) for _, row in parsed.rows] == [
        ("DUK-A", "DUK", "Đảng bộ Sở Tài chính"),
        ("DUK-A-1", "DUK-A", "Chi bộ Văn phòng"),
        ("DUK-A-2", "DUK-A", "Chi bộ Thanh tra"),
    ]
    assert "DUK2" not in response.content.decode("utf-8-sig")


def test_export_of_the_root_has_no_parent_code(tree, users, client_for):
    response = export(client_for(users.superuser), tree.city, "csv")

    rows = read_spreadsheet("x.csv", response.content).rows
    assert len(rows) == Unit.objects.count()
    assert rows[0][1]["code"] == "TU"
    assert rows[0][1]["parent_code"] == ""


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_exported_file_reimports_cleanly(tree, users, client_for, file_format):
    response = export(client_for(users.admin), tree.bloc, file_format)
    rows = read_spreadsheet(f"don-vi.{file_format}", response.content).rows

    result = unit_tree_import(actor=users.admin, rows=rows)

    assert (result.created, result.updated, result.errors) == (0, 0, [])


def test_exported_file_with_a_new_row_imports_that_row_only(tree, users, client_for):
    response = export(client_for(users.admin), tree.bloc, "csv")
    content = response.content + "DUK-B-1,DUK-B,Chi bộ Lãnh sự,,chi-bo,,,9,,,,có\r\n".encode()

    result = unit_tree_import(actor=users.admin, rows=read_spreadsheet("x.csv", content).rows)

    assert (result.created, result.updated, result.errors) == (1, 0, [])
    assert Unit.objects.get(code="DUK-B-1").path.startswith(tree.grassroots_b.path)


@pytest.mark.parametrize("who", ["outsider", "outside_admin", "nobody"])
def test_export_of_a_unit_outside_scope_is_404(tree, users, client_for, who):
    response = export(client_for(getattr(users, who)), tree.bloc, "xlsx")

    assert response.status_code == 404


def test_a_cell_secretary_exports_only_their_cell(tree, users, client_for):
    response = export(client_for(users.cell_secretary), tree.cell_a1, "csv")

    assert [row["code"] for _, row in read_spreadsheet("x.csv", response.content).rows] == [
        "DUK-A-1"
    ]
    assert export(client_for(users.cell_secretary), tree.grassroots_a, "csv").status_code == 404


# ---------------------------------------------------------------------------- commands


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_commands_round_trip_a_deleted_subtree(tree, tmp_path, capsys, suffix):
    file = tmp_path / f"khoi{suffix}"
    before = {
        u.code: (u.name, u.kind_id, u.member_count, u.symbol_code)
        for u in Unit.objects.filter(path__startswith=tree.bloc.path)
    }

    call_command("export_units", str(file), root="DUK")
    assert "Đã xuất 6 đơn vị" in capsys.readouterr().out
    Unit.objects.get(pk=tree.bloc.pk).delete()
    assert not Unit.objects.filter(code="DUK").exists()
    call_command("import_units", str(file))

    assert "Đã nhập: thêm 6 đơn vị, cập nhật 0 đơn vị." in capsys.readouterr().out
    after = {
        u.code: (u.name, u.kind_id, u.member_count, u.symbol_code)
        for u in Unit.objects.filter(path__startswith=Unit.objects.get(code="DUK").path)
    }
    assert after == before
    assert Unit.objects.get(code="DUK-A-2").path.startswith(Unit.objects.get(code="DUK-A").path)
    assert Unit.objects.get(code="TU").numchild == 3
    assert Unit.objects.find_problems() == ([], [], [], [], [])


def test_export_command_writes_the_whole_tree_and_reimports_unchanged(tree, tmp_path, capsys):
    file = tmp_path / "ca-cay.xlsx"

    call_command("export_units", str(file))
    call_command("import_units", str(file))

    out = capsys.readouterr().out
    assert f"Đã xuất {Unit.objects.count()} đơn vị" in out
    assert "Đã nhập: thêm 0 đơn vị, cập nhật 0 đơn vị." in out
    rows = read_spreadsheet(file.name, file.read_bytes()).rows
    assert {row["code"] for _, row in rows} == set(Unit.objects.values_list("code", flat=True))


def test_import_command_lists_bad_lines_and_imports_nothing(tree, tmp_path, capsys):
    file = tmp_path / "loi.xlsx"
    file.write_bytes(
        xlsx_bytes(
            [
                unit_row("DUK-C", "DUK", "Đảng bộ Sở Y tế", kind="dang-bo-co-so"),
                unit_row("DUK-C-1", "DUK-X", "Chi bộ Khám bệnh"),
            ]
        )
    )
    before = Unit.objects.count()

    with pytest.raises(CommandError, match="tệp có 1 dòng lỗi"):
        call_command("import_units", str(file))

    assert "Dòng 3 (DUK-C-1): không tìm thấy đơn vị cấp trên" in capsys.readouterr().err
    assert Unit.objects.count() == before


def test_import_command_refuses_a_missing_or_unreadable_file(tree, tmp_path):
    with pytest.raises(CommandError, match="Không tìm thấy tệp"):
        call_command("import_units", str(tmp_path / "khong-co.xlsx"))
    unreadable = tmp_path / "hong.xlsx"
    unreadable.write_bytes(b"not a workbook")
    with pytest.raises(CommandError, match="Không đọc được tệp Excel"):
        call_command("import_units", str(unreadable))


def test_export_command_refuses_an_unknown_root(tree, tmp_path):
    with pytest.raises(CommandError, match="Không có đơn vị mã KHONG-CO"):
        call_command("export_units", str(tmp_path / "x.xlsx"), root="KHONG-CO")


def test_a_name_that_looks_like_a_formula_is_exported_as_text(tree, users, client_for):
    Unit.objects.filter(pk=tree.cell_a1.pk).update(name='=HYPERLINK("http://x")')
    response = client_for(users.admin).get(
        reverse("units:unit_export", args=[tree.grassroots_a.pk]) + "?format=xlsx"
    )

    sheet = load_workbook(io.BytesIO(response.content)).active
    cell = next(c for row in sheet.iter_rows() for c in row if str(c.value).startswith("=HYPER"))
    assert cell.data_type == "s"


def test_export_file_name_survives_a_vietnamese_unit_code(tree, users, client_for):
    Unit.objects.filter(pk=tree.bloc.pk).update(code="ĐUK")
    response = client_for(users.admin).get(
        reverse("units:unit_export", args=[tree.bloc.pk]) + "?format=csv"
    )

    assert "filename*=utf-8''don-vi-%C4%90UK.csv" in response["Content-Disposition"]
