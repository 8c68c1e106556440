"""The pages of the bulk reorganisation file: upload, progress, preview, apply, who may see them."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.units.test_reorganise_import import DAY, GOOD, file_bytes, op
from units.models import Reorganisation, ReorganisationBatch, Unit
from units.services.reorganise_file import LAYOUT
from units.tabular import read_spreadsheet

pytestmark = pytest.mark.django_db


@pytest.fixture
def upload(client_for, django_capture_on_commit_callbacks):
    """POST a file to a unit's upload page as `user`; the preview runs once the upload commits."""

    def post(user, unit, rows, file_type="xlsx"):
        with django_capture_on_commit_callbacks(execute=True):
            return client_for(user).post(
                reverse("units:reorganise_batch_upload", args=[unit.pk]),
                {"file": SimpleUploadedFile(f"sap-xep.{file_type}", file_bytes(rows, file_type))},
            )

    return post


def page_text(response) -> str:
    return " ".join(response.content.decode().split())


@pytest.mark.parametrize("file_type", ["xlsx", "csv"])
def test_admin_previews_a_file_then_applies_it(
    tree, users, upload, client_for, django_capture_on_commit_callbacks, file_type
):
    response = upload(users.admin, tree.bloc, GOOD, file_type)

    batch = ReorganisationBatch.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("units:reorganise_batch_detail", args=[batch.pk])
    client = client_for(users.admin)
    text = page_text(client.get(response.url))
    assert "Xem trước: tệp có 5 dòng, 5 việc sắp xếp, không có dòng lỗi." in text
    assert "Chưa có gì thay đổi." in text
    assert (
        "Hợp nhất Đảng bộ Sở Tài chính (DUK-A), Chi bộ Sở Ngoại vụ (DUK-B) thành đơn vị mới "
        "Đảng bộ Sở Tài chính – Ngoại vụ (DUK-C)"
    ) in text
    assert "Đơn vị kết thúc: <strong>3</strong>" in text
    assert "Cộng 5 việc sắp xếp" in text
    assert ">Thực hiện</button>" in text
    assert not Unit.objects.filter(code="DUK-C").exists()

    with django_capture_on_commit_callbacks(execute=True):
        applied = client.post(reverse("units:reorganise_batch_apply", args=[batch.pk]))

    assert applied.status_code == 302
    text = page_text(client.get(applied.url))
    assert "Đã thực hiện 5 việc sắp xếp" in text
    assert ">Thực hiện</button>" not in text
    assert Unit.objects.get(code="DUK-A").closed_on == DAY
    assert Unit.objects.filter(code="DUK-C", closed_on=None).exists()


def test_a_file_with_a_bad_row_lists_it_and_cannot_be_applied(
    tree, users, upload, client_for, django_capture_on_commit_callbacks
):
    rows = [*GOOD, op("chuyển", "DUK-A-1", new_parent_code="DUK-Z")]

    response = upload(users.admin, tree.bloc, rows)

    text = page_text(client_for(users.admin).get(response.url))
    assert "Tệp có 1 dòng lỗi: không thực hiện được dòng nào." in text
    assert "Dòng 7: không tìm thấy đơn vị cấp trên có mã “DUK-Z”" in text
    assert ">Thực hiện</button>" not in text
    batch = ReorganisationBatch.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        refused = client_for(users.admin).post(
            reverse("units:reorganise_batch_apply", args=[batch.pk]), follow=True
        )
    assert "Chỉ thực hiện được tệp đã xem trước và không có dòng lỗi, một lần." in page_text(
        refused
    )
    assert not Reorganisation.objects.exists()
    assert Unit.objects.get(code="DUK-A").closed_on is None


def test_the_page_polls_while_the_file_is_being_tried(tree, users, client_for):
    batch = ReorganisationBatch.objects.create(
        created_by=users.admin,
        scope=tree.bloc,
        file_name="sap-xep.xlsx",
        content=b"",
        status=ReorganisationBatch.Status.PREVIEWING,
        total_rows=2000,
        processed_rows=500,
    )
    url = reverse("units:reorganise_batch_detail", args=[batch.pk])

    fragment = client_for(users.admin).get(url, headers={"HX-Request": "true"})

    text = page_text(fragment)
    assert text.startswith(f'<div id="reorganise-status" hx-get="{url}" hx-trigger="every 1s"')
    assert "Đang kiểm tra dữ liệu: 500/2.000 dòng." in text
    assert 'aria-valuenow="25"' in text


def test_the_upload_page_documents_the_columns_and_offers_the_template(tree, users, client_for):
    response = client_for(users.admin).get(
        reverse("units:reorganise_batch_upload", args=[tree.bloc.pk])
    )

    text = page_text(response)
    assert response.status_code == 200
    for header in ("Loại sắp xếp", "Mã đơn vị cũ", "Mã đơn vị cấp trên mới", "Số đảng viên"):
        assert header in text
    assert reverse("units:reorganise_batch_template") + "?format=xlsx" in text


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_the_template_downloads_and_reads_back(users, client_for, file_format):
    response = client_for(users.admin).get(
        reverse("units:reorganise_batch_template"), {"format": file_format}
    )

    assert response.status_code == 200
    assert f"mau-sap-xep-don-vi.{file_format}" in response["Content-Disposition"]
    rows = read_spreadsheet(f"mau.{file_format}", response.content, LAYOUT).rows
    assert len(rows) == 7


def test_the_preview_page_runs_a_bounded_number_of_queries(
    tree, users, upload, client_for, django_assert_max_num_queries
):
    response = upload(users.admin, tree.bloc, GOOD)
    client = client_for(users.admin)
    client.get(response.url)  # warm the session

    with django_assert_max_num_queries(12):
        assert client.get(response.url).status_code == 200


# ---------------------------------------------------------------------------- who may


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("admin", 200),
        ("superuser", 200),
        ("outside_admin", 404),
        ("secretary", 404),
        ("staff", 404),
        ("leader", 404),
        ("nobody", 404),
    ],
)
def test_only_managers_of_the_scope_see_the_pages(tree, users, client_for, who, status):
    batch = ReorganisationBatch.objects.create(
        created_by=users.admin, scope=tree.bloc, file_name="sap-xep.xlsx", content=b""
    )
    client = client_for(getattr(users, who))

    assert (
        client.get(reverse("units:reorganise_batch_upload", args=[tree.bloc.pk])).status_code
        == status
    )
    assert (
        client.get(reverse("units:reorganise_batch_detail", args=[batch.pk])).status_code == status
    )
    if status == 404:
        apply = client.post(reverse("units:reorganise_batch_apply", args=[batch.pk]))
        assert apply.status_code == 404
        template = client.get(reverse("units:reorganise_batch_template"))
        assert template.status_code == (200 if who == "outside_admin" else 404)


def test_a_unit_outside_the_admins_scope_answers_404(tree, users, upload, client_for):
    page = reverse("units:reorganise_batch_upload", args=[tree.other_bloc.pk])

    assert client_for(users.admin).get(page).status_code == 404
    assert upload(users.admin, tree.other_bloc, [op("giải thể", "DUK2-A")]).status_code == 404
    assert not ReorganisationBatch.objects.exists()


def test_a_missing_batch_answers_404(users, client_for):
    missing = reverse("units:reorganise_batch_detail", args=[9999])

    assert client_for(users.admin).get(missing).status_code == 404


def test_apply_needs_post(tree, users, client_for):
    batch = ReorganisationBatch.objects.create(
        created_by=users.admin, scope=tree.bloc, file_name="sap-xep.xlsx", content=b""
    )

    response = client_for(users.admin).get(reverse("units:reorganise_batch_apply", args=[batch.pk]))

    assert response.status_code == 405


def test_a_long_preview_is_shown_in_pages_with_the_totals_of_all(tree, users, client_for):
    entry = {"kind": "close", "kind_label": "Giải thể", "day": "01/07/2025", "decision": "1-QĐ/TU"}
    preview = [
        {**entry, "line": n, "lines": [n], "text": f"Giải thể đơn vị {n}", "counts": {}}
        for n in range(2, 452)
    ]
    batch = ReorganisationBatch.objects.create(
        created_by=users.admin,
        scope=tree.bloc,
        file_name="sap-xep.xlsx",
        content=b"",
        status=ReorganisationBatch.Status.PREVIEWED,
        preview=preview,
        summary={"rows": 450, "operations": 450, "counts": {"units_closed": 450}},
    )
    url = reverse("units:reorganise_batch_detail", args=[batch.pk])

    text = page_text(client_for(users.admin).get(url, {"page": 3}))

    assert "Giải thể đơn vị 402" in text
    assert "Giải thể đơn vị 451" in text
    assert "Giải thể đơn vị 401 <" not in text
    assert "Trang 3/3" in text
    assert "Cộng 450 việc sắp xếp" in text
    assert "Đơn vị kết thúc: <strong>450</strong>" in text
