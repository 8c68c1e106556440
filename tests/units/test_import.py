"""Importing a unit-tree spreadsheet: new subtrees, all-or-nothing errors, updates, scope, web flow."""

from __future__ import annotations

import datetime
import unicodedata

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests.units.test_tabular import csv_bytes, unit_row, xlsx_bytes
from units.models import Unit, UnitImport, UnitNameRecord
from units.selectors import export_rows
from units.services import ImportResult, unit_import_run, unit_tree_import
from units.tabular import read_spreadsheet, write_csv, write_xlsx

pytestmark = pytest.mark.django_db


def import_rows(actor, rows: list[dict[str, object]], file_type: str = "xlsx") -> ImportResult:
    """Write `rows` to a file of that type and import it as `actor` would."""
    content = xlsx_bytes(rows) if file_type == "xlsx" else csv_bytes(rows)
    return unit_tree_import(actor=actor, rows=read_spreadsheet(f"don-vi.{file_type}", content).rows)


def errors_of(result: ImportResult) -> list[tuple[int, str]]:
    return [(error.line, error.message) for error in result.errors]


def assert_tree_is_sound() -> None:
    assert Unit.objects.find_problems() == ([], [], [], [], [])


def refreshed(unit: Unit) -> Unit:
    return Unit.objects.get(pk=unit.pk)


# A new grassroots committee under the bloc, with two cells: lines 2, 3 and 4 of the sheet.
NEW_SUBTREE = [
    unit_row(
        "DUK-C",
        "DUK",
        "Đảng bộ Sở Y tế",
        kind="dang-bo-co-so",
        short_name="ĐB Sở Y tế",
        symbol_code="ĐBSYT",
        place_name="Cần Thơ",
    ),
    unit_row(
        "DUK-C-1", "DUK-C", "Chi bộ Khám bệnh", kind="Chi bộ trực thuộc", member_count="1.234"
    ),
    unit_row(
        "DUK-C-2",
        "DUK-C",
        unicodedata.normalize("NFD", "Chi bộ Điều dưỡng"),
        member_count=15,
        official_count="2",
        youth_count=" 3 ",
        other_count="",
        is_active="không",
    ),
]


# ---------------------------------------------------------------------------- new subtree


@pytest.mark.parametrize("file_type", ["xlsx", "csv"])
def test_import_creates_new_subtree_under_its_parent(tree, file_type):
    result = import_rows(None, NEW_SUBTREE, file_type)

    assert (result.created, result.updated, result.errors) == (3, 0, [])
    committee = Unit.objects.get(code="DUK-C")
    assert committee.path.startswith(tree.bloc.path)
    assert committee.depth == tree.bloc.depth + 1
    assert committee.kind.code == "dang-bo-co-so"
    assert (committee.short_name, committee.symbol_code) == ("ĐB Sở Y tế", "ĐBSYT")
    assert [u.code for u in Unit.objects.get_children(tree.bloc)] == [
        "DUK-BTG",
        "DUK-A",
        "DUK-B",
        "DUK-C",
    ]
    assert [u.code for u in Unit.objects.get_children(committee)] == ["DUK-C-1", "DUK-C-2"]
    assert {u.depth for u in Unit.objects.get_children(committee)} == {committee.depth + 1}
    assert refreshed(tree.bloc).numchild == 4
    assert committee.numchild == 2
    assert Unit.objects.get(code="DUK-C-1").numchild == 0
    assert_tree_is_sound()


@pytest.mark.parametrize("file_type", ["xlsx", "csv"])
def test_import_parses_counts_kinds_activity_and_normalises_names(tree, file_type):
    import_rows(None, NEW_SUBTREE, file_type)

    examination = Unit.objects.get(code="DUK-C-1")
    assert examination.kind.code == "chi-bo"  # given by the kind's name, not its code
    assert examination.member_count == 1234
    assert examination.is_active is True
    nursing = Unit.objects.get(code="DUK-C-2")
    assert nursing.name == "Chi bộ Điều dưỡng"
    assert unicodedata.is_normalized("NFC", nursing.name)
    assert Unit.objects.filter(name="Chi bộ Điều dưỡng").count() == 1
    assert (nursing.member_count, nursing.official_count, nursing.youth_count) == (15, 2, 3)
    assert nursing.other_count == 0
    assert nursing.is_active is False


def test_english_column_keys_work_as_headers(tree):
    header = ["code", "parent_code", "name", "kind", "member_count"]
    content = csv_bytes([unit_row("DUK-B-1", "DUK-B", "Chi bộ Lãnh sự", member_count=9)], header)

    result = unit_tree_import(actor=None, rows=read_spreadsheet("units.csv", content).rows)

    assert (result.created, result.errors) == (1, [])
    assert Unit.objects.get(code="DUK-B-1").member_count == 9
    assert refreshed(tree.grassroots_b).numchild == 1


def test_children_listed_before_their_parent_are_still_placed(tree):
    rows = [NEW_SUBTREE[2], NEW_SUBTREE[1], NEW_SUBTREE[0]]

    result = import_rows(None, rows)

    assert (result.created, result.errors) == (3, [])
    committee = Unit.objects.get(code="DUK-C")
    assert {u.code for u in Unit.objects.get_children(committee)} == {"DUK-C-1", "DUK-C-2"}
    assert_tree_is_sound()


def test_new_units_go_after_existing_children_and_after_an_earlier_import(tree):
    import_rows(None, [unit_row("DUK-A-3", "DUK-A", "Chi bộ Kho bạc")])
    import_rows(None, [unit_row("DUK-A-4", "DUK-A", "Chi bộ Thuế")])

    children = [u.code for u in Unit.objects.get_children(tree.grassroots_a)]
    assert children == ["DUK-A-1", "DUK-A-2", "DUK-A-3", "DUK-A-4"]
    assert refreshed(tree.grassroots_a).numchild == 4
    assert_tree_is_sound()


# ---------------------------------------------------------------------------- all or nothing


GOOD_FIRST = unit_row("DUK-C", "DUK", "Đảng bộ Sở Y tế", kind="dang-bo-co-so")  # line 2
GOOD_LAST = unit_row("DUK-C-1", "DUK-C", "Chi bộ Khám bệnh")  # line 4


@pytest.mark.parametrize(
    ("bad_row", "reason"),
    [
        (unit_row("", "DUK-C", "Chi bộ Dược"), "thiếu mã đơn vị"),
        (unit_row("X" * 41, "DUK-C", "Chi bộ Dược"), "mã đơn vị dài quá 40 ký tự"),
        (unit_row("DUK-C-2", "DUK-C", ""), "thiếu tên đơn vị"),
        (
            unit_row("DUK-C-2", "DUK-C", "Chi bộ Dược", kind="to-dang"),
            "loại đơn vị “to-dang” không có trong danh mục",
        ),
        (unit_row("DUK-C-2", "DUK-C", "Chi bộ Dược", kind=""), "thiếu loại đơn vị"),
        (
            unit_row("DUK-C-2", "DUK-X", "Chi bộ Dược"),
            "không tìm thấy đơn vị cấp trên có mã “DUK-X”",
        ),
        (unit_row("DUK-C", "DUK", "Đảng bộ Sở Y tế (trùng)"), "mã đơn vị trùng với dòng 2"),
        (
            unit_row("DUK-C-2", "DUK-C-2", "Chi bộ Dược"),
            "đơn vị không thể là cấp trên của chính nó",
        ),
        (
            unit_row("DUK-C-2", "DUK-C", "Chi bộ Dược", member_count="-5"),
            "“-5” không phải số nguyên không âm",
        ),
        (
            unit_row("DUK-C-2", "DUK-C", "Chi bộ Dược", member_count="hai mươi"),
            "“hai mươi” không phải số nguyên không âm",
        ),
        (
            unit_row("DUK-C-2", "DUK-C", "Chi bộ Dược", member_count="12,5"),
            "“12,5” không phải số nguyên không âm",
        ),
        (
            unit_row("DUK-C-2", "DUK-C", "Chi bộ Dược", youth_count="²"),
            "“²” không phải số nguyên không âm",
        ),
        (
            unit_row("DUK-C-2", "DUK-C", "Chi bộ Dược", is_active="tạm dừng"),
            "cột đang hoạt động phải là “có” hoặc “không”, không phải “tạm dừng”",
        ),
        (
            unit_row("DUK-C-2", "DUK-C", "Chi bộ Dược", symbol_code="K" * 41),
            "dài quá 40 ký tự",
        ),
    ],
    ids=[
        "missing-code",
        "code-too-long",
        "missing-name",
        "unknown-kind",
        "missing-kind",
        "unknown-parent",
        "duplicate-code",
        "own-parent",
        "negative-count",
        "words-as-count",
        "fraction-as-count",
        "superscript-as-count",
        "bad-is-active",
        "symbol-too-long",
    ],
)
@pytest.mark.parametrize("file_type", ["xlsx", "csv"])
def test_one_bad_row_imports_nothing_and_names_its_line(tree, bad_row, reason, file_type):
    before = Unit.objects.count()

    result = import_rows(None, [GOOD_FIRST, bad_row, GOOD_LAST], file_type)

    assert [error.line for error in result.errors] == [3]
    assert reason in result.errors[0].message
    assert (result.created, result.updated) == (0, 0)
    assert Unit.objects.count() == before
    assert not Unit.objects.filter(code="DUK-C").exists()


def test_count_error_names_the_column(tree):
    result = import_rows(None, [unit_row("DUK-B-1", "DUK-B", "Chi bộ", official_count="-1")])

    assert "Số cán bộ, công chức" in result.errors[0].message


def test_several_problems_in_one_row_are_all_given(tree):
    result = import_rows(None, [unit_row("DUK-C", "DUK", "", kind="", member_count="-1")])

    (error,) = result.errors
    assert "thiếu tên đơn vị" in error.message
    assert "thiếu loại đơn vị" in error.message
    assert "không phải số nguyên không âm" in error.message


def test_cycle_between_new_rows_is_reported_on_each_row(tree):
    rows = [
        GOOD_FIRST,
        unit_row("V-1", "V-2", "Chi bộ Vòng Một"),
        unit_row("V-2", "V-1", "Chi bộ Vòng Hai"),
    ]

    result = import_rows(None, rows)

    assert [error.line for error in result.errors] == [3, 4]
    assert all("vòng lặp" in error.message for error in result.errors)
    assert not Unit.objects.filter(code__in=["DUK-C", "V-1", "V-2"]).exists()


def test_children_of_a_bad_row_are_reported_with_that_row(tree):
    rows = [
        GOOD_FIRST,
        unit_row("DUK-D", "DUK", "", kind="dang-bo-co-so"),  # line 3: no name
        unit_row("DUK-D-1", "DUK-D", "Chi bộ Một"),
        unit_row("DUK-D-1-A", "DUK-D-1", "Tổ đảng A"),
    ]

    result = import_rows(None, rows)

    assert [error.line for error in result.errors] == [3, 4, 5]
    assert "đơn vị cấp trên ở dòng 3 có lỗi" in result.errors[1].message
    assert "dòng 3 có lỗi" in result.errors[2].message
    assert Unit.objects.filter(code__startswith="DUK-D").count() == 0


def test_every_bad_row_is_reported_not_just_the_first(tree):
    before = Unit.objects.count()
    rows = [
        GOOD_FIRST,  # 2
        unit_row("DUK-C-1", "DUK-C", ""),  # 3
        unit_row("DUK-C-2", "DUK-C", "Chi bộ Hai"),  # 4
        unit_row("DUK-C-3", "KHONG-CO", "Chi bộ Ba"),  # 5
        unit_row("DUK-C-4", "DUK-C", "Chi bộ Bốn", member_count="nhiều"),  # 6
        unit_row("DUK-C-5", "DUK-C", "Chi bộ Năm"),  # 7
        unit_row("DUK-C-2", "DUK-C", "Chi bộ Hai (lặp)"),  # 8
    ]

    result = import_rows(None, rows)

    assert errors_of(result) == [
        (3, "thiếu tên đơn vị"),
        (5, "không tìm thấy đơn vị cấp trên có mã “KHONG-CO”"),
        (6, "Số đảng viên: “nhiều” không phải số nguyên không âm"),
        (8, "mã đơn vị trùng với dòng 4"),
    ]
    assert [error.code for error in result.errors] == ["DUK-C-1", "DUK-C-3", "DUK-C-4", "DUK-C-2"]
    assert Unit.objects.count() == before


def test_bad_update_row_also_stops_the_new_rows(tree):
    rows = [GOOD_FIRST, unit_row("DUK-A-1", "DUK-A", "Chi bộ Văn phòng", member_count="-20")]

    result = import_rows(None, rows)

    assert [error.line for error in result.errors] == [3]
    assert not Unit.objects.filter(code="DUK-C").exists()
    assert refreshed(tree.cell_a1).member_count == 20


# ---------------------------------------------------------------------------- updates


def exported(unit: Unit) -> list[dict[str, object]]:
    return list(export_rows(unit))


@pytest.mark.parametrize(
    ("writer", "file_name"), [(write_xlsx, "don-vi.xlsx"), (write_csv, "don-vi.csv")]
)
def test_reimporting_an_export_changes_nothing(tree, users, writer, file_name):
    before = list(Unit.objects.order_by("path").values())
    content = writer(exported(tree.bloc))

    result = unit_tree_import(actor=users.admin, rows=read_spreadsheet(file_name, content).rows)

    assert (result.created, result.updated, result.errors) == (0, 0, [])
    assert list(Unit.objects.order_by("path").values()) == before
    assert not UnitNameRecord.objects.exists()


def test_changed_name_is_kept_as_a_rename_with_the_old_name(tree, users):
    rows = exported(tree.grassroots_a)
    rows[1]["name"] = "Chi bộ Văn phòng Sở"

    result = import_rows(users.admin, rows)

    assert (result.created, result.updated, result.errors) == (0, 1, [])
    cell = refreshed(tree.cell_a1)
    assert cell.name == "Chi bộ Văn phòng Sở"
    assert cell.name_since == timezone.localdate()
    (record,) = UnitNameRecord.objects.filter(unit=cell)
    assert record.name == "Chi bộ Văn phòng"
    assert record.valid_until == timezone.localdate() - datetime.timedelta(days=1)
    assert record.recorded_by == users.admin
    assert refreshed(tree.cell_a2).name == "Chi bộ Thanh tra"


def test_changed_counts_update_the_unit_without_a_rename(tree, users):
    rows = exported(tree.grassroots_a)
    rows[2].update(member_count="1.015", is_active="không", kind="Chi bộ cơ sở")

    result = import_rows(users.admin, rows, "csv")

    assert (result.created, result.updated, result.errors) == (0, 1, [])
    cell = refreshed(tree.cell_a2)
    assert (cell.member_count, cell.is_active, cell.kind.code) == (1015, False, "chi-bo-co-so")
    assert not UnitNameRecord.objects.exists()


def test_update_and_new_units_in_one_file(tree, users):
    rows = [*exported(tree.grassroots_b), unit_row("DUK-B-1", "DUK-B", "Chi bộ Lãnh sự")]
    rows[0]["member_count"] = 13

    result = import_rows(users.admin, rows)

    assert (result.created, result.updated) == (1, 1)
    grassroots = refreshed(tree.grassroots_b)
    assert (grassroots.member_count, grassroots.numchild) == (13, 1)
    assert_tree_is_sound()


@pytest.mark.parametrize("new_parent", ["DUK-B", "DUK-E", ""], ids=["other", "new", "none"])
def test_changing_the_parent_of_an_existing_unit_is_refused(tree, new_parent):
    rows = [
        unit_row("DUK-E", "DUK", "Đảng bộ Sở Công Thương", kind="dang-bo-co-so"),
        unit_row("DUK-A-1", new_parent, "Chi bộ Văn phòng"),
    ]

    result = import_rows(None, rows)

    assert [error.line for error in result.errors] == [3]
    assert "không đổi được đơn vị cấp trên" in result.errors[0].message
    assert "“Chuyển đơn vị”" in result.errors[0].message
    assert refreshed(tree.cell_a1).path == tree.cell_a1.path
    assert not Unit.objects.filter(code="DUK-E").exists()


# ---------------------------------------------------------------------------- scope


def test_admin_cannot_add_units_under_a_parent_outside_their_subtree(tree, users):
    before = Unit.objects.count()
    rows = [
        unit_row("DUK-C", "DUK", "Đảng bộ Sở Y tế", kind="dang-bo-co-so"),
        unit_row("DUK2-B", "DUK2", "Đảng bộ Công ty Điện lực", kind="dang-bo-co-so"),
        unit_row("DUK2-B-1", "DUK2-B", "Chi bộ Phân xưởng"),
        unit_row("TU-VP", "TU", "Văn phòng Thành ủy", kind="ban-dang"),
    ]

    result = import_rows(users.admin, rows)

    assert errors_of(result) == [
        (3, "đơn vị cấp trên nằm ngoài phạm vi bạn quản lý"),
        (4, "đơn vị cấp trên ở dòng 3 có lỗi"),
        (5, "đơn vị cấp trên nằm ngoài phạm vi bạn quản lý"),
    ]
    assert Unit.objects.count() == before


def test_admin_cannot_update_a_unit_outside_their_subtree(tree, users):
    rows = exported(tree.other_grassroots)
    rows[1]["name"] = "Chi bộ Nhà máy nước số 1"

    result = import_rows(users.admin, rows)

    assert errors_of(result) == [
        (2, "đơn vị này nằm ngoài phạm vi bạn quản lý"),
        (3, "đơn vị này nằm ngoài phạm vi bạn quản lý"),
    ]
    assert refreshed(tree.other_cell).name == "Chi bộ Nhà máy nước"


def test_admin_cannot_create_a_root(tree, users):
    result = import_rows(users.admin, [unit_row("TINH-2", "", "Tỉnh ủy Hậu Giang", kind="tinh-uy")])

    assert "chỉ quản trị hệ thống được tạo đơn vị gốc" in result.errors[0].message
    assert not Unit.objects.filter(code="TINH-2").exists()


def test_secretary_cannot_import_even_inside_their_own_unit(tree, users):
    result = import_rows(users.secretary, [unit_row("DUK-A-3", "DUK-A", "Chi bộ Kho bạc")])

    assert errors_of(result) == [(2, "đơn vị cấp trên nằm ngoài phạm vi bạn quản lý")]


@pytest.mark.parametrize("who", ["superuser", None])
def test_superuser_and_command_line_can_create_roots(tree, users, who):
    actor = getattr(users, who) if who else None
    rows = [
        unit_row("TINH-2", "", "Tỉnh ủy Hậu Giang", kind="tinh-uy"),
        unit_row("TINH-2-BTG", "TINH-2", "Ban Tuyên giáo Tỉnh ủy", kind="ban-dang"),
        unit_row("DUK2-B", "DUK2", "Đảng bộ Công ty Điện lực", kind="dang-bo-co-so"),
    ]

    result = import_rows(actor, rows)

    assert (result.created, result.errors) == (3, [])
    root = Unit.objects.get(code="TINH-2")
    assert root.depth == 1
    assert [u.code for u in Unit.objects.get_root_nodes()] == ["TU", "TINH-2"]
    assert [u.code for u in Unit.objects.get_children(root)] == ["TINH-2-BTG"]
    assert refreshed(tree.other_bloc).numchild == 2
    assert_tree_is_sound()


# ---------------------------------------------------------------------------- query bound


@pytest.mark.parametrize("size", [50, 500])
def test_import_runs_a_bounded_number_of_queries(tree, users, size, django_assert_max_num_queries):
    rows = [
        (line, {k: str(v) for k, v in unit_row(f"N-{line}", "DUK-A", f"Chi bộ số {line}").items()})
        for line in range(2, size + 2)
    ]

    # SQLite inserts at most 999 values per statement: 500 units take 9 INSERTs there.
    with django_assert_max_num_queries(20):
        result = unit_tree_import(actor=users.admin, rows=rows)

    assert (result.created, result.errors) == (size, [])
    assert refreshed(tree.grassroots_a).numchild == size + 2


# ---------------------------------------------------------------------------- web flow


@pytest.fixture
def upload(client_for, django_capture_on_commit_callbacks):
    """`upload(user, file_name, content, **headers)`: POST the import form, running the task."""

    def post(user, file_name: str, content: bytes, **headers):
        client = client_for(user)
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                reverse("units:import_form"),
                {"file": SimpleUploadedFile(file_name, content)},
                headers=headers,
            )

    return post


def page_text(response) -> str:
    return " ".join(response.content.decode().split())


@pytest.mark.parametrize("file_name", ["don-vi.xlsx", "don-vi.csv"])
def test_admin_uploads_a_file_and_sees_it_imported(tree, users, upload, client_for, file_name):
    content = xlsx_bytes(NEW_SUBTREE) if file_name.endswith("xlsx") else csv_bytes(NEW_SUBTREE)

    response = upload(users.admin, file_name, content)

    job = UnitImport.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("units:import_detail", args=[job.pk])
    page = client_for(users.admin).get(response.url)
    assert page.status_code == 200
    assert "Đã nhập xong 3 dòng: thêm mới 3 đơn vị, cập nhật 0 đơn vị." in page_text(page)
    assert Unit.objects.get(code="DUK-C-2").path.startswith(tree.bloc.path)
    assert (job.status, job.created_by, job.content) == (UnitImport.Status.DONE, users.admin, b"")


def test_upload_with_bad_rows_shows_each_bad_line_and_imports_nothing(
    tree, users, upload, client_for
):
    before = Unit.objects.count()
    rows = [
        GOOD_FIRST,
        unit_row("DUK-C-1", "DUK-C", ""),
        unit_row("DUK2-B", "DUK2", "Đảng bộ Công ty Điện lực", kind="dang-bo-co-so"),
    ]

    response = upload(users.admin, "don-vi.xlsx", xlsx_bytes(rows))

    text = page_text(client_for(users.admin).get(response.url))
    assert "Không nhập dòng nào: tệp có 2 lỗi." in text
    assert "<td>3</td> <td>DUK-C-1</td> <td>thiếu tên đơn vị</td>" in text
    assert (
        "<td>4</td> <td>DUK2-B</td> <td>đơn vị cấp trên nằm ngoài phạm vi bạn quản lý</td>" in text
    )
    assert Unit.objects.count() == before
    assert UnitImport.objects.get().status == UnitImport.Status.FAILED


@pytest.mark.parametrize(
    ("file_name", "content", "message"),
    [
        (
            "don-vi.xlsx",
            xlsx_bytes([unit_row("DUK-C", "DUK", "Đảng bộ")], header=["Mã đơn vị", "Tên đơn vị"]),
            "Dòng tiêu đề thiếu cột: Mã đơn vị cấp trên, Loại đơn vị.",
        ),
        ("don-vi.csv", "\ufeff".encode(), "Tệp không có dữ liệu."),
        ("don-vi.xlsx", b"PK\x03\x04 not really a zip", "Không đọc được tệp Excel (.xlsx)"),
        ("don-vi.csv", "Mã,Tên\nC1,Đông\n".encode("utf-16"), "bảng mã UTF-8"),
    ],
    ids=["missing-column", "empty", "not-xlsx", "not-utf8"],
)
def test_unreadable_upload_shows_why_on_line_one(
    tree, users, upload, client_for, file_name, content, message
):
    before = Unit.objects.count()

    response = upload(users.admin, file_name, content)

    job = UnitImport.objects.get()
    assert job.status == UnitImport.Status.FAILED
    assert job.errors[0]["line"] == 1
    assert message in job.errors[0]["message"]
    assert message in page_text(client_for(users.admin).get(response.url))
    assert Unit.objects.count() == before


def test_htmx_upload_answers_with_a_client_redirect(tree, users, upload):
    response = upload(users.admin, "don-vi.csv", csv_bytes(NEW_SUBTREE), HX_Request="true")

    assert response.status_code == 200
    assert response["HX-Redirect"] == UnitImport.objects.get().get_absolute_url()


def test_htmx_poll_of_a_finished_import_returns_the_result_fragment(
    tree, users, upload, client_for
):
    response = upload(users.admin, "don-vi.csv", csv_bytes(NEW_SUBTREE))

    fragment = client_for(users.admin).get(response.url, headers={"HX-Request": "true"})

    assert "thêm mới 3 đơn vị" in page_text(fragment)
    assert "<html" not in fragment.content.decode()
    assert "hx-trigger" not in fragment.content.decode()  # a finished import stops polling


def test_only_the_uploader_and_superusers_see_an_import(tree, users, upload, client_for):
    response = upload(users.admin, "don-vi.csv", csv_bytes(NEW_SUBTREE))

    assert client_for(users.outside_admin).get(response.url).status_code == 404
    assert client_for(users.secretary).get(response.url).status_code == 404
    assert client_for(users.superuser).get(response.url).status_code == 200
    missing = reverse("units:import_detail", args=[UnitImport.objects.get().pk + 1])
    assert client_for(users.admin).get(missing).status_code == 404


@pytest.mark.parametrize("who", ["secretary", "staff", "leader", "nobody"])
def test_non_admins_get_404_on_the_import_form(tree, users, client_for, who):
    client = client_for(getattr(users, who))

    assert client.get(reverse("units:import_form")).status_code == 404
    response = client.post(
        reverse("units:import_form"),
        {"file": SimpleUploadedFile("don-vi.csv", csv_bytes(NEW_SUBTREE))},
    )
    assert response.status_code == 404
    assert not UnitImport.objects.exists()


def test_admin_sees_the_import_form(tree, users, client_for):
    response = client_for(users.admin).get(reverse("units:import_form"))

    assert response.status_code == 200
    assert "Tải lên và nhập" in response.content.decode()


def test_too_large_upload_re_renders_the_form_with_the_limit(tree, users, upload, settings):
    settings.UNIT_IMPORT_MAX_BYTES = 1024 * 1024

    response = upload(users.admin, "don-vi.csv", b"x" * (1024 * 1024 + 1))

    assert response.status_code == 200
    assert "Tệp lớn hơn giới hạn 1,0 MB." in page_text(response)
    assert not UnitImport.objects.exists()


@pytest.mark.parametrize("file_name", ["don-vi.xls", "don-vi.pdf", "don-vi"])
def test_wrong_file_type_re_renders_the_form(tree, users, upload, file_name):
    response = upload(users.admin, file_name, xlsx_bytes(NEW_SUBTREE))

    assert response.status_code == 200
    assert "Chỉ nhận tệp .xlsx hoặc .csv." in page_text(response)
    assert not UnitImport.objects.exists()


def test_empty_upload_re_renders_the_form(tree, users, upload):
    response = upload(users.admin, "don-vi.xlsx", b"")

    assert response.status_code == 200
    assert not UnitImport.objects.exists()
    assert not Unit.objects.filter(code="DUK-C").exists()


def test_an_unexpected_failure_marks_the_import_failed_and_imports_nothing(
    tree, users, monkeypatch
):
    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr("units.services.tree_import._apply_import", broken)
    job = UnitImport.objects.create(
        created_by=users.admin,
        file_name="them.xlsx",
        content=xlsx_bytes([unit_row("DUK-A-7", "DUK-A", "Chi bộ Kho bạc")]),
    )

    unit_import_run(unit_import=job)

    job.refresh_from_db()
    assert job.status == UnitImport.Status.FAILED
    assert job.is_finished  # the progress page stops polling
    assert "Lỗi hệ thống khi nhập" in job.errors[0]["message"]
    assert not Unit.objects.filter(code="DUK-A-7").exists()


def test_a_code_with_spaces_is_refused_with_its_line(tree):
    result = import_rows(None, [unit_row("DUK A 8", "DUK-A", "Chi bộ Kho")])

    assert errors_of(result)[0][0] == 2
    assert "chỉ được gồm chữ, số" in errors_of(result)[0][1]
    assert not Unit.objects.filter(name="Chi bộ Kho").exists()


@pytest.mark.parametrize(
    ("status", "processed", "total", "shown"),
    [
        (UnitImport.Status.PENDING, 0, 0, "Đang chờ xử lý"),
        (UnitImport.Status.RUNNING, 0, 0, "Đang đọc tệp"),
        (UnitImport.Status.RUNNING, 500, 2000, "Đang kiểm tra dữ liệu: 500/2.000 dòng"),
        (UnitImport.Status.RUNNING, 2000, 2000, "đang ghi vào cơ sở dữ liệu"),
    ],
)
def test_a_running_import_says_which_phase_it_is_in_and_keeps_polling(
    tree, users, client_for, status, processed, total, shown
):
    job = UnitImport.objects.create(
        created_by=users.admin,
        file_name="lon.xlsx",
        status=status,
        processed_rows=processed,
        total_rows=total,
    )

    response = client_for(users.admin).get(job.get_absolute_url(), headers={"HX-Request": "true"})

    assert shown in page_text(response)
    assert 'hx-trigger="every 1s"' in response.text
