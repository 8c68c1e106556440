"""The bulk reorganisation file: rows tried in order, previewed without change, applied all or
nothing through the operation services, every bad row named with its line."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from openpyxl import Workbook

from campaigns.models import Obligation
from units.models import (
    Lineage,
    Membership,
    Reorganisation,
    ReorganisationBatch,
    Role,
    Unit,
    UnitNameRecord,
)
from units.services import (
    reorganisation_batch_apply_start,
    reorganisation_batch_start,
    reorganise_rows,
    unit_close,
)
from units.services.reorganise import Decision
from units.services.reorganise_file import (
    COLUMNS,
    LAYOUT,
    UNEXPECTED_ERROR,
    template_csv,
    template_xlsx,
)
from units.tabular import read_spreadsheet

pytestmark = pytest.mark.django_db

DAY = timezone.localdate() - datetime.timedelta(days=7)
DAY_TEXT = DAY.strftime("%d/%m/%Y")
ONE_DAY = datetime.timedelta(days=1)


def op(kind: str, old: str, **fields: object) -> dict[str, object]:
    """One row of the file under decision 12-QĐ/ĐUK of a week ago."""
    return {
        "kind": kind,
        "effective_date": DAY_TEXT,
        "decision_number": "12-QĐ/ĐUK",
        "decision_date": DAY_TEXT,
        "decision_body": "Ban Thường vụ Đảng ủy Khối",
        "old_codes": old,
        **fields,
    }


def file_bytes(rows: list[dict[str, object]], file_type: str = "xlsx") -> bytes:
    """The rows as a file with the Vietnamese headers, as an administrator would save it."""
    matrix = [[c.header for c in COLUMNS], *[[r.get(c.key, "") for c in COLUMNS] for r in rows]]
    if file_type == "csv":
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=";").writerows(matrix)
        return buffer.getvalue().encode("utf-8-sig")
    workbook = Workbook()
    for values in matrix:
        workbook.active.append(values)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def parsed(rows: list[dict[str, object]], file_type: str = "xlsx"):
    return read_spreadsheet(f"sap-xep.{file_type}", file_bytes(rows, file_type), LAYOUT).rows


def run(actor, scope, rows, *, keep: bool, file_type: str = "xlsx"):
    return reorganise_rows(actor=actor, scope=scope, rows=parsed(rows, file_type), keep=keep)


def errors_of(result) -> list[tuple[int, str]]:
    return [(e.line, e.message) for e in result.errors]


def snapshot() -> list[tuple]:
    """Everything an operation may touch, to compare before and after a preview."""
    return [
        sorted(Unit.objects.values_list("code", "path", "closed_on", "is_active", "name")),
        sorted(Membership.objects.values_list("pk", "unit_id", "end_date")),
        Reorganisation.objects.count(),
        Lineage.objects.count(),
        sorted(Obligation.objects.values_list("pk", "unit_id", "handed_over_on")),
    ]


# Lines 2–6: grassroots A and B merged into a new committee C; its two cells then renamed and
# one moved back under the bloc; the bloc's Propaganda Department renamed.
GOOD = [
    op(
        "hợp nhất",
        "DUK-A; DUK-B",
        new_code="DUK-C",
        new_name="Đảng bộ Sở Tài chính – Ngoại vụ",
        new_short_name="ĐB Sở TC-NV",
        new_symbol="ĐU",
        new_kind="dang-bo-co-so",
    ),
    op("đổi tên", "DUK-A-1", new_name="Chi bộ Văn phòng Sở"),
    op("chuyển", "DUK-A-2", new_parent_code="DUK"),
    op(
        "Đổi tên",
        "DUK-BTG",
        new_name="Ban Tuyên giáo và Dân vận Đảng ủy Khối",
        new_symbol="BTGDVĐUK",
    ),
    op("giải thể", "DUK-A-2"),
]


def test_preview_says_what_each_row_would_do_and_changes_nothing(tree, users):
    before = snapshot()

    result = run(users.admin, tree.bloc, GOOD, keep=False)

    assert errors_of(result) == []
    assert snapshot() == before
    merge, rename, move, rename_btg, close = result.operations
    assert merge["line"] == 2
    assert merge["text"] == (
        "Hợp nhất Đảng bộ Sở Tài chính (DUK-A), Chi bộ Sở Ngoại vụ (DUK-B) thành đơn vị mới "
        "Đảng bộ Sở Tài chính – Ngoại vụ (DUK-C)"
    )
    assert merge["counts"] == {
        "children_moved": 2,
        "units_closed": 2,
        "units_opened": 1,
        "memberships_ended": 1,  # the secretary of DUK-A
        "memberships_carried": 1,
    }
    assert rename["text"] == "Đổi tên Chi bộ Văn phòng (DUK-A-1) thành “Chi bộ Văn phòng Sở”"
    assert move["text"] == (
        "Chuyển Chi bộ Thanh tra (DUK-A-2) về trực thuộc Đảng ủy Khối cơ quan Dân Chính Đảng (DUK)"
    )
    assert rename_btg["text"] == (
        "Đổi tên Ban Tuyên giáo Đảng ủy Khối (DUK-BTG) thành "
        "“Ban Tuyên giáo và Dân vận Đảng ủy Khối”"
    )
    assert close["text"] == "Giải thể Chi bộ Thanh tra (DUK-A-2)"
    assert [o["kind"] for o in result.operations] == ["merge", "rename", "move", "rename", "close"]
    assert result.summary["counts"]["units_closed"] == 3
    assert result.summary["operations"] == 5


@pytest.mark.parametrize("file_type", ["xlsx", "csv"])
def test_apply_does_what_the_preview_said(tree, users, file_type):
    preview = run(users.admin, tree.bloc, GOOD, keep=False, file_type=file_type)

    applied = run(users.admin, tree.bloc, GOOD, keep=True, file_type=file_type)

    assert errors_of(applied) == []
    assert applied.operations == preview.operations
    new = Unit.objects.get(code="DUK-C")
    assert new.path[: -Unit.steplen] == tree.bloc.path
    assert (new.opened_on, new.kind.code, new.symbol_code) == (DAY, "dang-bo-co-so", "ĐU")
    assert new.member_count == 12  # summed: B's 12, A's own 0 (its cells' members stay theirs)
    for code in ("DUK-A", "DUK-B"):
        old = Unit.objects.get(code=code)
        assert (old.closed_on, old.is_active) == (DAY, False)
        assert old.path.startswith(new.path)  # kept under the successor, for the figures
    assert Unit.objects.get(code="DUK-A-1").path.startswith(new.path)
    assert Unit.objects.get(code="DUK-A-1").name == "Chi bộ Văn phòng Sở"
    moved = Unit.objects.get(code="DUK-A-2")
    assert moved.path[: -Unit.steplen] == tree.bloc.path
    assert moved.closed_on == DAY
    assert Unit.objects.get(code="DUK-BTG").symbol_code == "BTGDVĐUK"
    assert UnitNameRecord.objects.filter(
        unit__code="DUK-BTG", name="Ban Tuyên giáo Đảng ủy Khối", valid_until=DAY - ONE_DAY
    ).exists()
    assert Membership.objects.get(user=users.secretary, unit=new, end_date=None).role == (
        Role.SECRETARY
    )
    operations = Reorganisation.objects.order_by("pk")
    assert [o.kind for o in operations] == ["merge", "rename", "move", "rename", "close"]
    assert {o.decision_text for o in operations} == {
        f"Quyết định số 12-QĐ/ĐUK ngày {DAY.day}/{DAY.month}/{DAY.year} "
        "của Ban Thường vụ Đảng ủy Khối"
    }
    assert {o.recorded_by for o in operations} == {users.admin}
    assert Unit.objects.find_problems() == ([], [], [], [], [])


def test_a_bad_row_at_line_7_changes_nothing_and_is_named(tree, users):
    rows = [*GOOD, op("chuyển", "DUK-X", new_parent_code="DUK")]
    before = snapshot()

    result = run(users.admin, tree.bloc, rows, keep=True)

    assert errors_of(result) == [(7, "không tìm thấy đơn vị có mã “DUK-X”")]
    assert snapshot() == before
    assert len(result.operations) == 5  # what the good rows would have done, for the page


FUTURE = (timezone.localdate() + ONE_DAY).strftime("%d/%m/%Y")


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        pytest.param(
            [op("sáp xếp", "DUK-B")],
            (
                3,
                "loại sắp xếp “sáp xếp” không rõ: ghi hợp nhất, chia tách, giải thể, đổi tên hoặc chuyển",
            ),
            id="unknown-kind",
        ),
        pytest.param(
            [op("giải thể", "DUK-B", effective_date="31/02/2025")],
            (3, "ngày có hiệu lực “31/02/2025” không đúng dạng ngày/tháng/năm"),
            id="bad-date",
        ),
        pytest.param(
            [op("giải thể", "DUK-B", effective_date=FUTURE)],
            (
                3,
                f"ngày có hiệu lực {FUTURE} sau hôm nay: hãy nhập việc sắp xếp vào ngày nó có hiệu lực",
            ),
            id="future-date",
        ),
        pytest.param(
            [op("giải thể", "DUK-B", decision_number="")],
            (3, "thiếu số quyết định (ví dụ 123-QĐ/TU)"),
            id="no-decision",
        ),
        pytest.param([op("giải thể", "")], (3, "thiếu mã đơn vị cũ"), id="no-old-code"),
        pytest.param(
            [op("giải thể", "DUK-B; DUK-B")], (3, "mã “DUK-B” được ghi hai lần"), id="code-twice"
        ),
        pytest.param(
            [op("giải thể", "DUK-Z")], (3, "không tìm thấy đơn vị có mã “DUK-Z”"), id="unknown-code"
        ),
        pytest.param(
            [op("giải thể", "DUK2-A")],
            (3, "đơn vị “DUK2-A” nằm ngoài Đảng ủy Khối cơ quan Dân Chính Đảng"),
            id="outside-scope",
        ),
        pytest.param(
            [op("giải thể", "DUK")],
            (
                3,
                "“DUK” là đơn vị của tệp này: trong tệp chỉ đổi tên được nó; "
                "hãy sắp xếp nó từ đơn vị cấp trên",
            ),
            id="the-scope-itself",
        ),
        pytest.param(
            [op("giải thể", "DUK-B"), op("hợp nhất", "DUK-B", new_code="DUK-A")],
            (4, "đơn vị “DUK-B” đã kết thúc theo dòng 3"),
            id="closed-by-two-rows",
        ),
        pytest.param(
            [op("chuyển", "DUK-A-1", new_parent_code="DUK-NEW")],
            (3, "không tìm thấy đơn vị cấp trên có mã “DUK-NEW”"),
            id="unknown-parent",
        ),
        pytest.param(
            [
                op("chuyển", "DUK-A-1", new_parent_code="DUK-NEW"),
                op(
                    "hợp nhất",
                    "DUK-A; DUK-B",
                    new_code="DUK-NEW",
                    new_name="Đảng bộ mới",
                    new_kind="dang-bo-co-so",
                ),
            ],
            (
                3,
                "đơn vị cấp trên “DUK-NEW” chỉ được lập ở dòng 4, sau dòng này: "
                "hãy xếp dòng lập đơn vị lên trước",
            ),
            id="parent-created-later",
        ),
        pytest.param(
            [op("hợp nhất", "DUK-A; DUK-B", new_code="DUK-C", new_name="Đảng bộ mới")],
            (3, "đơn vị mới “DUK-C” cần tên và loại đơn vị"),
            id="merge-without-kind",
        ),
        pytest.param(
            [op("hợp nhất", "DUK-B", new_code="DUK-C", new_name="X", new_kind="dang-uy-xa")],
            (3, "loại đơn vị “dang-uy-xa” không có trong danh mục"),
            id="unknown-unit-kind",
        ),
        pytest.param(
            [op("hợp nhất", "DUK-B", new_code="DUK-A", member_count="-3")],
            (3, "Số đảng viên: “-3” không phải số nguyên không âm"),
            id="bad-member-count",
        ),
        pytest.param(
            [op("hợp nhất", "DUK-A", new_code="DUK-A-1")],
            (3, "Không thể hợp nhất Đảng bộ Sở Tài chính vào đơn vị trực thuộc của nó."),
            id="merge-into-own-cell",
        ),
        pytest.param(
            [
                op(
                    "chia tách",
                    "DUK-B",
                    new_code="DUK-B1",
                    new_name="Chi bộ 1",
                    new_kind="chi-bo-co-so",
                )
            ],
            (3, "Chia tách cần ít nhất hai đơn vị mới."),
            id="split-with-one-part",
        ),
        pytest.param(
            [
                op(
                    "chia tách",
                    "DUK-B",
                    new_code="DUK-A",
                    new_name="Chi bộ",
                    new_kind="chi-bo-co-so",
                )
            ],
            (3, "mã đơn vị mới “DUK-A” đã có"),
            id="split-into-existing-code",
        ),
        pytest.param(
            [op("đổi tên", "DUK-B", new_name="Chi bộ mới", new_parent_code="DUK2")],
            (3, "đổi tên không dùng cột “Mã đơn vị cấp trên mới”: hãy để trống"),
            id="rename-with-parent",
        ),
        pytest.param(
            [op("đổi tên", "DUK-B", new_name="Chi bộ Sở Ngoại vụ")],
            (3, "Tên và ký hiệu mới giống tên hiện tại."),
            id="rename-to-same-name",
        ),
        pytest.param(
            [op("chuyển", "DUK-B")], (3, "thiếu mã đơn vị cấp trên mới"), id="move-without-parent"
        ),
        pytest.param(
            [op("chuyển", "DUK-B", new_parent_code="DUK")],
            (3, "Đơn vị đã trực thuộc đơn vị này."),
            id="move-to-own-parent",
        ),
    ],
)
def test_each_kind_of_mistake_is_named_with_its_line(tree, users, rows, expected):
    # Line 2 of every file is a good merger, so the mistakes are on line 3 or later.
    good = op("sáp nhập", "DUK-A-2", new_code="DUK-A-1")
    before = snapshot()

    result = run(users.admin, tree.bloc, [good, *rows], keep=True)

    assert errors_of(result) == [expected]
    assert snapshot() == before


def test_every_bad_row_is_listed_not_just_the_first(tree, users):
    rows = [
        op("giải thể", "DUK-Z"),
        op("giải thể", "DUK-B", effective_date="hôm qua"),
        op("giải thể", "DUK-A-1"),
        op("chuyển", "DUK-A-1", new_parent_code="DUK"),
    ]

    result = run(users.admin, tree.bloc, rows, keep=False)

    assert errors_of(result) == [
        (2, "không tìm thấy đơn vị có mã “DUK-Z”"),
        (3, "ngày có hiệu lực “hôm qua” không đúng dạng ngày/tháng/năm"),
        (5, "đơn vị “DUK-A-1” đã kết thúc theo dòng 4"),
    ]


def test_a_unit_made_by_a_bad_row_is_named_in_the_rows_that_use_it(tree, users):
    rows = [
        op("hợp nhất", "DUK-A; DUK-B", new_code="DUK-C", new_name="Đảng bộ mới", new_kind="x"),
        op("chuyển", "DUK2-A", new_parent_code="DUK-C"),
        op("chuyển", "DUK-A-1", new_parent_code="DUK-C"),
    ]

    result = run(users.admin, tree.bloc, rows, keep=False)

    assert errors_of(result) == [
        (2, "loại đơn vị “x” không có trong danh mục"),
        (3, "đơn vị “DUK2-A” nằm ngoài Đảng ủy Khối cơ quan Dân Chính Đảng"),
        (3, "không tìm thấy đơn vị cấp trên có mã “DUK-C”"),
        (4, "không tìm thấy đơn vị cấp trên có mã “DUK-C”"),
    ]


def test_a_unit_made_by_a_row_the_services_refuse_is_named_in_the_rows_that_use_it(tree, users):
    rows = [
        op(
            "hợp nhất",
            "DUK-A; DUK-B",
            new_code="DUK-C",
            new_name="Đảng bộ mới",
            new_kind="dang-bo-co-so",
            new_parent_code="DUK-A-1",
        ),
        op("chuyển", "DUK-BTG", new_parent_code="DUK-C"),
    ]

    result = run(users.admin, tree.bloc, rows, keep=False)

    assert errors_of(result) == [
        (2, "Không thể hợp nhất Đảng bộ Sở Tài chính vào đơn vị trực thuộc của nó."),
        (3, "đơn vị “DUK-C” được lập ở dòng 2, dòng đó có lỗi"),
    ]


def test_split_rows_make_one_operation_and_the_first_part_takes_over(tree, users):
    rows = [
        op(
            "chia tách",
            "DUK-A",
            new_code="DUK-A-TC",
            new_name="Đảng bộ Sở Tài chính",
            new_kind="Đảng bộ cơ sở",
        ),
        op("đổi tên", "DUK-B", new_name="Chi bộ Sở Ngoại vụ tỉnh"),
        op(
            "chia tách",
            "DUK-A",
            new_code="DUK-A-KH",
            new_name="Chi bộ Sở Kế hoạch",
            new_kind="chi-bo-co-so",
            member_count="9",
        ),
        op("chuyển", "DUK-A-2", new_parent_code="DUK-A-KH"),
    ]

    result = run(users.admin, tree.bloc, rows, keep=True)

    assert errors_of(result) == []
    split = result.operations[0]
    assert split["lines"] == [2, 4]
    assert split["text"] == (
        "Chia tách Đảng bộ Sở Tài chính (DUK-A) thành Đảng bộ Sở Tài chính (DUK-A-TC), "
        "Chi bộ Sở Kế hoạch (DUK-A-KH); Đảng bộ Sở Tài chính tiếp nhận công việc"
    )
    taker, other = Unit.objects.get(code="DUK-A-TC"), Unit.objects.get(code="DUK-A-KH")
    assert Unit.objects.get(code="DUK-A-1").path[: -Unit.steplen] == taker.path
    assert Unit.objects.get(code="DUK-A-2").path[: -Unit.steplen] == other.path
    assert other.member_count == 9
    assert Membership.objects.get(user=users.secretary, end_date=None).unit == taker
    links = Lineage.objects.filter(predecessor__code="DUK-A").order_by("successor__code")
    assert [(link.successor.code, link.takes_over_work) for link in links] == [
        ("DUK-A-KH", False),
        ("DUK-A-TC", True),
    ]


def test_split_rows_with_different_decisions_are_refused(tree, users):
    part = {"new_name": "Chi bộ", "new_kind": "chi-bo-co-so"}
    rows = [
        op("chia tách", "DUK-B", new_code="DUK-B1", **part),
        op("chia tách", "DUK-B", new_code="DUK-B2", decision_number="13-QĐ/ĐUK", **part),
    ]

    result = run(users.admin, tree.bloc, rows, keep=False)

    assert (
        3,
        "chia tách “DUK-B” đã ghi ở dòng 2 với ngày hoặc số quyết định khác: các phần "
        "của một lần chia tách phải cùng ngày, cùng quyết định",
    ) in errors_of(result)


def test_close_hands_children_to_the_named_successor(tree, users):
    result = run(users.admin, tree.bloc, [op("giải thể", "DUK-A", new_code="DUK-B")], keep=True)

    assert errors_of(result) == []
    assert result.operations[0]["text"] == (
        "Giải thể Đảng bộ Sở Tài chính (DUK-A); Chi bộ Sở Ngoại vụ (DUK-B) tiếp nhận"
    )
    assert Unit.objects.get(code="DUK-A-1").path[: -Unit.steplen] == tree.grassroots_b.path
    assert Unit.objects.get(code="DUK-A").closed_on == DAY


def test_merge_into_an_existing_unit_keeps_it_and_sets_the_member_count(tree, users):
    result = run(
        users.admin,
        tree.bloc,
        [op("sáp nhập", "DUK-A-1, DUK-A-2", new_code="DUK-B", member_count="1.047")],
        keep=True,
    )

    assert errors_of(result) == []
    assert result.operations[0]["text"] == (
        "Sáp nhập Chi bộ Văn phòng (DUK-A-1), Chi bộ Thanh tra (DUK-A-2) vào "
        "Chi bộ Sở Ngoại vụ (DUK-B)"
    )
    into = Unit.objects.get(code="DUK-B")
    assert (into.closed_on, into.member_count) == (None, 1047)
    assert Unit.objects.filter(code__in=["DUK-A-1", "DUK-A-2"], closed_on=DAY).count() == 2


def test_open_obligations_pass_to_the_successor_as_the_preview_counted(tree, users, issued):
    # Before the report deadline of the bloc's guidance (10/10/2024): both owe it still.
    rows = [
        op(
            "hợp nhất",
            "DUK-A; DUK-B",
            new_code="DUK-C",
            new_name="Đảng bộ mới",
            new_kind="dang-bo-co-so",
            effective_date="01/07/2024",
        )
    ]

    preview = run(users.admin, tree.bloc, rows, keep=False)
    applied = run(users.admin, tree.bloc, rows, keep=True)

    handed = preview.operations[0]["counts"]["obligations_handed_over"]
    assert handed == Obligation.objects.filter(directive=issued).count() > 0
    assert applied.operations == preview.operations
    new = Unit.objects.get(code="DUK-C")
    assert set(Obligation.objects.filter(directive=issued).values_list("unit", flat=True)) == {
        new.pk
    }


def test_the_services_check_the_actor_too(tree, users):
    # An administrator of another bloc uploading for this one would be refused at the upload;
    # a file run as them still cannot touch units they do not manage.
    result = run(users.outside_admin, tree.bloc, [op("giải thể", "DUK-B")], keep=True)

    assert errors_of(result) == [(2, "Bạn không có quyền với đơn vị này.")]
    assert Unit.objects.get(code="DUK-B").closed_on is None


def test_the_template_reads_back_with_one_row_of_each_kind():
    for name, content in (("mau.xlsx", template_xlsx()), ("mau.csv", template_csv())):
        rows = read_spreadsheet(name, content, LAYOUT).rows
        assert {row["kind"] for _, row in rows} == {
            "hợp nhất",
            "sáp nhập",
            "chia tách",
            "giải thể",
            "đổi tên",
            "chuyển",
        }
        assert rows[0][1]["effective_date"] == "01/07/2025"


# ---------------------------------------------------------------------------- the batch


@pytest.fixture
def start(django_capture_on_commit_callbacks):
    """Upload a file as `actor`; the preview task runs (eagerly) once the upload commits."""

    def upload(actor, scope, rows, file_type="xlsx") -> ReorganisationBatch:
        with django_capture_on_commit_callbacks(execute=True):
            batch = reorganisation_batch_start(
                actor=actor,
                scope=scope,
                file_name=f"sap-xep.{file_type}",
                content=file_bytes(rows, file_type),
            )
        batch.refresh_from_db()
        return batch

    return upload


@pytest.fixture
def apply(django_capture_on_commit_callbacks):
    def run_apply(actor, batch) -> ReorganisationBatch:
        with django_capture_on_commit_callbacks(execute=True):
            reorganisation_batch_apply_start(actor=actor, batch=batch)
        batch.refresh_from_db()
        return batch

    return run_apply


@pytest.mark.parametrize("file_type", ["xlsx", "csv"])
def test_a_batch_is_previewed_then_applied_by_its_tasks(tree, users, start, apply, file_type):
    before = snapshot()

    batch = start(users.admin, tree.bloc, GOOD, file_type)

    assert (batch.status, batch.errors, batch.total_rows) == ("previewed", [], 5)
    assert snapshot() == before
    preview = batch.preview
    assert [row["line"] for row in preview] == [2, 3, 4, 5, 6]

    batch = apply(users.admin, batch)

    assert batch.status == ReorganisationBatch.Status.APPLIED
    assert (batch.applied_by, batch.errors) == (users.admin, [])
    assert batch.applied_at is not None
    assert batch.preview == preview
    assert batch.operations.count() == 5
    assert Unit.objects.get(code="DUK-A").closed_on == DAY


def test_a_batch_with_a_bad_row_cannot_be_applied(tree, users, start, apply):
    batch = start(users.admin, tree.bloc, [*GOOD, op("giải thể", "DUK2-A")])

    assert batch.status == ReorganisationBatch.Status.INVALID
    assert batch.errors == [
        {"line": 7, "message": "đơn vị “DUK2-A” nằm ngoài Đảng ủy Khối cơ quan Dân Chính Đảng"}
    ]
    with pytest.raises(ValidationError, match="Chỉ thực hiện được tệp đã xem trước"):
        apply(users.admin, batch)
    assert not Reorganisation.objects.exists()


def test_a_batch_is_applied_once(tree, users, start, apply):
    batch = apply(users.admin, start(users.admin, tree.bloc, GOOD))

    with pytest.raises(ValidationError, match="một lần"):
        apply(users.admin, batch)
    assert Reorganisation.objects.count() == 5


def test_a_tree_changed_since_the_preview_fails_the_batch_and_keeps_nothing(
    tree, users, start, apply
):
    batch = start(users.admin, tree.bloc, GOOD)
    unit_close(actor=users.admin, unit=tree.grassroots_b, day=DAY, decision=Decision("1-QĐ/ĐUK"))
    before = snapshot()

    batch = apply(users.admin, batch)

    assert batch.status == ReorganisationBatch.Status.FAILED
    assert batch.errors == [
        {"line": 2, "message": f"đơn vị “DUK-B” đã không còn từ ngày {DAY_TEXT}"}
    ]
    assert snapshot() == before


def test_an_unreadable_file_is_reported_on_line_1(tree, users, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        batch = reorganisation_batch_start(
            actor=users.admin, scope=tree.bloc, file_name="sap-xep.csv", content=b"a;b\n1;2\n"
        )
    batch.refresh_from_db()

    assert batch.status == ReorganisationBatch.Status.INVALID
    assert batch.errors[0]["line"] == 1
    assert batch.errors[0]["message"].startswith("Dòng tiêu đề thiếu cột: Loại sắp xếp")


def test_an_unexpected_failure_is_recorded_and_changes_nothing(tree, users, start, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("connection lost")

    monkeypatch.setattr("units.services.reorganise_import.unit_merge", broken)

    batch = start(users.admin, tree.bloc, GOOD)

    assert (batch.status, batch.errors) == (
        ReorganisationBatch.Status.INVALID,
        [{"line": 0, "message": UNEXPECTED_ERROR}],
    )
    assert not Reorganisation.objects.exists()


def test_only_a_manager_of_the_scope_can_start_a_batch(tree, users):
    with pytest.raises(ValidationError, match="Bạn không có quyền với đơn vị này"):
        reorganisation_batch_start(
            actor=users.outside_admin, scope=tree.bloc, file_name="x.csv", content=b""
        )
    assert not ReorganisationBatch.objects.exists()
