"""Directives received as files, through the real pages: upload, check and correct what was read
beside the source text, confirm, discard; on the demo world around the reference directive."""

from __future__ import annotations

import datetime
import io
from pathlib import Path
from types import SimpleNamespace

import lxml.html
import pytest
from django.contrib.messages import get_messages
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from campaigns.documents.extract import (
    extract_directive_text,
    normalise_text,
    read_directive_file,
)
from campaigns.models import (
    Campaign,
    Directive,
    DirectiveImport,
    DirectiveRecipient,
    Milestone,
    Obligation,
)
from tests.campaigns.reference_document import reference_docx
from tests.plugins.cost import assert_cost_bounded, sql_cost
from units.demo import seed_demo_world
from units.models import Unit, User
from units.services import unit_tree_import

pytestmark = pytest.mark.django_db

UPLOAD = reverse("campaigns:import_upload")
REFERENCE_NAME = "Hướng dẫn 32-HD-BTGĐUK.docx"
# Built once: a .docx made again a second later differs in its zip timestamps.
REFERENCE_DOCX = reference_docx()

# A guidance of a province's propaganda department that has no unit on the portal.
OUTSIDE_DIRECTIVE = """TỈNH ỦY QUẢNG NGÃI
BAN TUYÊN GIÁO
*
Số 05-HD/BTGTUQN
ĐẢNG CỘNG SẢN VIỆT NAM
Quảng Ngãi, ngày 12 tháng 3 năm 2024

HƯỚNG DẪN
Tuyên truyền kỷ niệm 70 năm Chiến thắng Điện Biên Phủ
-----
I. MỤC ĐÍCH, YÊU CẦU
1. Tuyên truyền sâu rộng truyền thống vẻ vang của Đảng, của dân tộc.
II. TỔ CHỨC THỰC HIỆN
1. Báo cáo kết quả tuyên truyền về Ban Tuyên giáo Tỉnh ủy chậm nhất ngày 30 tháng 6 năm 2024.

Nơi nhận:
- Ban Tuyên giáo Trung ương,
- Lưu BTG.
K/T TRƯỞNG BAN
PHÓ TRƯỞNG BAN



Phạm Thị Lan Anh
"""


@pytest.fixture
def demo(db) -> SimpleNamespace:
    """The demo tree (34 grassroots organisations under the bloc) and its named logins."""
    seed_demo_world()
    return SimpleNamespace(
        units={u.code: u for u in Unit.objects.filter(code__startswith="DUK-").order_by("path")},
        users={u.username: u for u in User.objects.all()},
    )


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _upload(client, name: str, content: bytes):
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, content)})


def _uploaded_reference(client) -> DirectiveImport:
    response = _upload(client, REFERENCE_NAME, REFERENCE_DOCX)
    job = DirectiveImport.objects.latest("pk")
    assert response.status_code == 302
    assert response.url == job.get_absolute_url()
    return job


def _review_form(response, **typed) -> dict[str, str | list[str]]:
    """What the browser submits from the review form after the user typed `typed` into it
    (None unticks or empties a multiple choice): unticked boxes left out, chosen options."""
    page = lxml.html.fromstring(response.text)
    form = page.get_element_by_id("import-form")
    values: dict[str, list[str]] = {}
    textareas = {t.name for t in form.xpath(".//textarea")}
    for name, value in form.form_values():
        if name in textareas:
            value = value.removeprefix("\n")  # as browsers drop the newline after <textarea>
        values.setdefault(name, []).append(value)
    data = {name: sent[0] if len(sent) == 1 else sent for name, sent in values.items()}
    for name, value in typed.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def _recipient_rows(response) -> dict[str, str]:
    """The review page's "Nơi nhận" table: each line as printed → the units it was matched to."""
    page = lxml.html.fromstring(response.text)
    return {
        " ".join(row.xpath("./td")[0].text_content().split()): " ".join(
            row.xpath("./td")[1].text_content().split()
        )
        for row in page.xpath("//fieldset[@data-field='recipient_lines']//tbody/tr")
    }


def _file_error(response) -> str:
    """The message shown under the upload form's file field."""
    page = lxml.html.fromstring(response.text)
    return " ".join(
        " ".join(e.text_content().split())
        for e in page.xpath("//form[@id='upload-form']//*[contains(@class, 'invalid-feedback')]")
    )


def _stored_files(settings) -> list[Path]:
    return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


def _confirm(client, job: DirectiveImport, **typed):
    review = client.get(job.get_absolute_url())
    assert review.status_code == 200
    return client.post(job.get_absolute_url(), _review_form(review, **typed))


# ---------------------------------------------------------------------------- reading the file


def test_the_uploaded_reference_is_shown_for_review_with_every_field_read(demo, client_for):
    bithu = client_for(demo.users["bithu"])

    response = _upload(bithu, REFERENCE_NAME, REFERENCE_DOCX)

    job = DirectiveImport.objects.get()
    assert response.url == reverse("campaigns:import_review", args=[job.pk])
    assert "Đã đọc văn bản. Kiểm tra từng trường bên dưới rồi xác nhận." in _messages(response)
    review = bithu.get(response.url)
    assert review.status_code == 200
    shown = _review_form(review)
    assert shown["symbol"] == "32-HD/BTGĐUK"
    assert shown["issue_date"] == "2024-03-29"
    assert shown["subject"].startswith("Triển khai đợt sinh hoạt chính trị, tư tưởng sâu rộng")
    assert shown["signer_name"] == "Nguyễn Văn Sẵn"
    assert shown["signer_position"] == "Trưởng ban"
    assert shown["issuer"] == str(demo.units["DUK-BTG"].pk)
    assert shown["units"] == str(demo.units["DUK-01"].pk)  # bithu's own unit, ticked
    assert shown["m-0-kind"] == Milestone.Kind.REPORT_DUE
    assert shown["m-0-due_date"] == "2024-10-10"

    page = lxml.html.fromstring(review.text)
    marks = {
        field: page.get_element_by_id(f"src-{field}")
        for field in ("symbol", "issue_date", "subject", "signer_name", "recipient_lines")
    }
    assert all(m.tag == "mark" and m.get("class") == "src-mark" for m in marks.values())
    assert marks["symbol"].text_content() == "32-HD/BTGĐUK"
    assert marks["issue_date"].text_content() == "ngày 29 tháng 3 năm 2024"
    assert marks["signer_name"].text_content() == "Nguyễn Văn Sẵn"
    assert '<mark class="src-mark" data-field="symbol" id="src-symbol">' in review.text

    rows = _recipient_rows(review)
    assert "cả cấp: 34 đơn vị" in rows["Cấp ủy các TCCSĐ trực thuộc,"]
    assert "lưu trữ" in rows["Lưu Ban Tuyên giáo Đảng ủy Khối."]


def test_confirming_stores_the_received_directive_with_what_each_unit_owes(
    demo, client_for, settings
):
    bithu = client_for(demo.users["bithu"])
    job = _uploaded_reference(bithu)

    response = _confirm(bithu, job, signer_position="Trưởng Ban Tuyên giáo")

    directive = Directive.objects.get()
    assert response.status_code == 302
    assert response.url == directive.get_absolute_url()
    assert "Đã lưu Hướng dẫn 32-HD/BTGĐUK vào văn bản được giao của 1 đơn vị." in _messages(
        response
    )
    assert (
        directive.origin,
        directive.status,
        directive.number,
        directive.symbol,
        directive.issue_date,
        directive.issuer,
        directive.signer_position,
        directive.signer_name,
        directive.source_name,
    ) == (
        Directive.Origin.IMPORTED,
        Directive.Status.ISSUED,
        32,
        "32-HD/BTGĐUK",
        datetime.date(2024, 3, 29),
        demo.units["DUK-BTG"],
        "Trưởng Ban Tuyên giáo",
        "Nguyễn Văn Sẵn",
        REFERENCE_NAME,
    )
    assert not DirectiveImport.objects.exists()
    source = bithu.get(reverse("campaigns:directive_source", args=[directive.pk]))
    assert source.status_code == 200
    assert b"".join(source.streaming_content) == REFERENCE_DOCX
    assert "attachment" in source["Content-Disposition"]
    assert list(DirectiveRecipient.objects.values_list("directive", "unit")) == [
        (directive.pk, demo.units["DUK-01"].pk)
    ]
    assert list(directive.milestones.values_list("kind", "due_date")) == [
        (Milestone.Kind.REPORT_DUE, datetime.date(2024, 10, 10))
    ]
    assert set(directive.obligations.values_list("kind", flat=True)) == {
        Obligation.Kind.IMPLEMENTING,
        Obligation.Kind.SESSIONS,
        Obligation.Kind.REPORT,
    }
    campaign = Campaign.objects.get()
    assert directive.campaign == campaign
    assert campaign.subject == directive.subject

    received = bithu.get(reverse("campaigns:received_list"))
    assert directive.display_title in received.text
    row = DirectiveRecipient.objects.get(directive=directive)
    implemented = bithu.post(reverse("campaigns:directive_implement", args=[row.pk]))
    plan = Directive.objects.get(responds_to=row)
    assert implemented.url == reverse("campaigns:directive_edit", args=[plan.pk])
    assert (plan.kind.code, plan.issuer, plan.status) == (
        "KH",
        demo.units["DUK-01"],
        Directive.Status.DRAFT,
    )
    assert plan.basis.startswith(
        "Thực hiện Hướng dẫn số 32-HD/BTGĐUK ngày 29/3/2024 của Ban Tuyên giáo Đảng ủy Khối"
    )


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ({"symbol": "abc"}, "Số, ký hiệu phải viết dạng 32-HD/BTGĐUK"),
        ({"symbol": "32-KH/BTGĐUK"}, "Ký hiệu ghi loại “KH” nhưng loại văn bản đã chọn là"),
        ({"units": None}, "Chọn ít nhất một đơn vị nhận văn bản này."),
    ],
    ids=["bad-symbol", "kind-mismatch", "no-unit"],
)
def test_a_wrong_field_is_shown_again_with_the_reason_and_nothing_is_stored(
    typed, message, demo, client_for
):
    bithu = client_for(demo.users["bithu"])
    job = _uploaded_reference(bithu)
    corrected = "Trích yếu đã sửa tay, chưa lưu"

    response = _confirm(bithu, job, subject=corrected, **typed)

    assert response.status_code == 200
    assert message in response.text
    assert "Chưa lưu: sửa các ô được đánh dấu bên dưới." in response.text
    shown = _review_form(response)
    assert shown["subject"] == corrected
    for name, value in typed.items():
        assert shown.get(name) == value
    assert 'id="src-symbol"' in response.text  # the source text is still beside the form
    assert not Directive.objects.exists()
    assert not Campaign.objects.exists()
    assert DirectiveImport.objects.filter(pk=job.pk).exists()


def test_the_same_directive_cannot_be_imported_twice_for_the_same_unit(demo, client_for):
    """Two copies uploaded before either was confirmed: the second confirm is refused."""
    bithu = client_for(demo.users["bithu"])
    first, again = _uploaded_reference(bithu), _uploaded_reference(bithu)
    _confirm(bithu, first)
    before = (Directive.objects.count(), Campaign.objects.count(), Obligation.objects.count())

    response = _confirm(bithu, again)

    assert response.status_code == 200
    assert (
        "Đảng bộ Sở Tài chính đã có văn bản số 32-HD/BTGĐUK ngày 29/03/2024 trên Cổng: "
        "không nhập lại." in response.text
    )
    assert before == (1, 1, 3)
    assert (
        Directive.objects.count(),
        Campaign.objects.count(),
        Obligation.objects.count(),
    ) == before
    assert DirectiveImport.objects.filter(pk=again.pk).exists()


def test_a_directive_already_held_is_refused_at_upload_with_a_link_to_it(
    demo, client_for, settings
):
    bithu = client_for(demo.users["bithu"])
    _confirm(bithu, _uploaded_reference(bithu))
    held = Directive.objects.get()
    files = _stored_files(settings)

    response = _upload(bithu, REFERENCE_NAME, REFERENCE_DOCX)

    assert response.status_code == 200
    assert (
        "Cổng đã có văn bản số 32-HD/BTGĐUK ngày 29/03/2024: không nhập lại, hãy mở văn bản đã có."
        in _file_error(response)
    )
    assert held.get_absolute_url() in response.text
    assert not DirectiveImport.objects.exists()
    assert _stored_files(settings) == files


# ---------------------------------------------------------------------------- bad files

SHOPPING_LIST = "Danh sách đi chợ\n- 2 kg gạo\n- 1 chục trứng\n- rau muống, cà chua\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 40
OLD_WORD = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4000


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "danh-sach-di-cho.txt",
            SHOPPING_LIST.encode(),
            "Không nhận ra văn bản chỉ đạo: không thấy số và ký hiệu",
        ),
        ("trong.docx", b"", "rỗng"),
        ("khoang-trang.txt", b"  \n\n  \n", "Tệp rỗng: không có nội dung nào để đọc."),
        (
            "rat-lon.docx",
            b"0" * (50 * 1024 * 1024),
            "Tệp quá lớn (50,0 MB): chỉ nhận tệp đến 20,0 MB.",
        ),
        (
            "anh-doi-ten.docx",
            PNG,
            "Tệp có đuôi .docx nhưng không phải tệp Word hợp lệ (có thể là tệp khác bị đổi tên).",
        ),
        (
            "van-ban-cu.doc",
            OLD_WORD,
            "Tệp Word cũ (.doc) chưa được hỗ trợ: hãy mở bằng Word và lưu lại thành .docx.",
        ),
    ],
    ids=["not-a-directive", "empty", "blank", "50-mb", "png-as-docx", "old-doc"],
)
def test_a_bad_file_gets_a_clear_message_and_nothing_is_stored(
    name, content, message, demo, client_for, settings
):
    response = _upload(client_for(demo.users["bithu"]), name, content)

    assert response.status_code == 200
    assert message in _file_error(response)
    assert not DirectiveImport.objects.exists()
    assert _stored_files(settings) == []


def test_a_good_file_is_kept_until_confirmed(demo, client_for, settings):
    """The control for the test above: an upload that reads is stored, with its file."""
    job = _uploaded_reference(client_for(demo.users["bithu"]))

    assert _stored_files(settings) == [Path(job.file.path)]
    assert Path(job.file.path).read_bytes() == REFERENCE_DOCX


# ---------------------------------------------------------------------------- discarding


def test_discarding_deletes_the_upload_and_its_file(
    demo, client_for, settings, django_capture_on_commit_callbacks
):
    bithu = client_for(demo.users["bithu"])
    job = _uploaded_reference(bithu)
    url = reverse("campaigns:import_discard", args=[job.pk])

    assert bithu.get(url).status_code == 405
    assert DirectiveImport.objects.filter(pk=job.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):  # the file goes once committed
        response = bithu.post(url)

    assert response.url == UPLOAD
    assert f"Đã hủy tệp {REFERENCE_NAME}; không có gì được lưu." in _messages(response)
    assert not DirectiveImport.objects.exists()
    assert _stored_files(settings) == []
    assert bithu.get(reverse("campaigns:import_review", args=[job.pk])).status_code == 404


# ---------------------------------------------------------------------------- outside issuers


@pytest.mark.slow
def test_a_directive_of_an_issuer_outside_the_portal_is_stored_under_its_name(demo, client_for):
    bithu = client_for(demo.users["bithu"])
    response = _upload(bithu, "huong-dan-05-quang-ngai.txt", OUTSIDE_DIRECTIVE.encode())
    job = DirectiveImport.objects.get()
    assert response.url == job.get_absolute_url()
    review = bithu.get(job.get_absolute_url())
    assert "issuer" not in _review_form(review)  # no portal unit to choose

    confirmed = _confirm(bithu, job, issuer_name="Ban Tuyên giáo Tỉnh ủy Quảng Ngãi")

    directive = Directive.objects.get()
    assert confirmed.url == directive.get_absolute_url()
    assert (directive.issuer, directive.issuer_name, directive.symbol, directive.number) == (
        None,
        "Ban Tuyên giáo Tỉnh ủy Quảng Ngãi",
        "05-HD/BTGTUQN",
        5,
    )
    page = bithu.get(directive.get_absolute_url())
    assert page.status_code == 200
    assert "Ban Tuyên giáo Tỉnh ủy Quảng Ngãi" in page.text
    assert "Tải tệp gốc" in page.text
    pdf = bithu.get(reverse("campaigns:directive_pdf", args=[directive.pk]))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    for listing in (reverse("campaigns:received_list"), reverse("home")):
        shown = bithu.get(listing)
        assert shown.status_code == 200
        assert directive.display_title in shown.text
    assert bithu.get(directive.campaign.get_absolute_url()).status_code == 200

    row = DirectiveRecipient.objects.get(directive=directive)
    bithu.post(reverse("campaigns:directive_implement", args=[row.pk]))
    plan = Directive.objects.get(responds_to=row)
    assert plan.basis.startswith(
        "Thực hiện Hướng dẫn số 05-HD/BTGTUQN ngày 12/3/2024 của Ban Tuyên giáo Tỉnh ủy Quảng Ngãi"
    )
    report = row.obligations.get(kind=Obligation.Kind.REPORT)
    started = bithu.post(reverse("reports:report_start", args=[report.pk]))
    assert started.status_code == 302
    assert bithu.get(started.url).status_code == 200


# ---------------------------------------------------------------------------- who may


@pytest.mark.parametrize("who", ["tuyengiao", "bithu.chibo", "lanhdao", "quantri"])
def test_another_users_upload_is_not_found(who, demo, client_for):
    job = _uploaded_reference(client_for(demo.users["bithu"]))
    other = client_for(demo.users[who])

    assert other.get(reverse("campaigns:import_review", args=[job.pk])).status_code == 404
    assert other.post(job.get_absolute_url(), {"symbol": "32-HD/BTGĐUK"}).status_code == 404
    assert other.post(reverse("campaigns:import_discard", args=[job.pk])).status_code == 404
    assert DirectiveImport.objects.filter(pk=job.pk).exists()
    assert not Directive.objects.exists()


def test_the_upload_page_lists_only_the_users_own_pending_files(demo, client_for):
    job = _uploaded_reference(client_for(demo.users["bithu"]))

    own = client_for(demo.users["bithu"]).get(UPLOAD)
    other = client_for(demo.users["tuyengiao"]).get(UPLOAD)

    assert f'href="{job.get_absolute_url()}"' in own.text
    assert REFERENCE_NAME in own.text
    assert job.get_absolute_url() not in other.text
    assert "Không có tệp nào đang chờ." in other.text


@pytest.mark.parametrize("who", ["lanhdao", "quantri"])
def test_a_user_who_issues_for_no_unit_cannot_upload(who, demo, client_for):
    client = client_for(demo.users[who])

    assert client.get(UPLOAD).status_code == 404
    assert _upload(client, REFERENCE_NAME, REFERENCE_DOCX).status_code == 404
    assert not DirectiveImport.objects.exists()


@pytest.mark.parametrize("who", ["bithu", "bithu.chibo", "tuyengiao"])
def test_users_who_issue_may_upload(who, demo, client_for):
    """The control for the test above."""
    assert client_for(demo.users[who]).get(UPLOAD).status_code == 200


# ---------------------------------------------------------------------------- queries


def _add_grassroots(parent: Unit, count: int) -> None:
    rows = [
        (
            step,
            {
                "code": f"{parent.code}-N{step:04d}",
                "name": f"Chi bộ cơ sở số {step}",
                "kind": "chi-bo-co-so",
                "parent_code": parent.code,
                "member_count": "10",
            },
        )
        for step in range(1, count + 1)
    ]
    result = unit_tree_import(actor=None, rows=rows)
    assert result.ok, result.errors


REVIEW_QUERIES = 27


def test_the_review_page_queries_do_not_grow_with_the_grassroots_level(
    demo, client_for, django_assert_max_num_queries
):
    bithu = client_for(demo.users["bithu"])
    job = _uploaded_reference(bithu)
    bithu.get(job.get_absolute_url())  # the session and the user, once

    with sql_cost() as few_cost, django_assert_max_num_queries(REVIEW_QUERIES) as few:
        with_few = bithu.get(job.get_absolute_url())
    _add_grassroots(Unit.objects.get(code="DUK-DCD"), 266)
    with sql_cost() as many_cost, django_assert_max_num_queries(REVIEW_QUERIES) as many:
        with_many = bithu.get(job.get_absolute_url())

    level = "Cấp ủy các TCCSĐ trực thuộc,"
    assert _recipient_rows(with_few)[level].startswith("cả cấp: 34 đơn vị")
    assert _recipient_rows(with_many)[level].startswith("cả cấp: 300 đơn vị")

    assert len(many.captured_queries) == len(few.captured_queries)
    assert_cost_bounded(few_cost, many_cost, what="the review page with 300 grassroots units")


# ---------------------------------------------------------------------------- names and symbols


LONG_NAME = (
    "Hướng dẫn số 32-HD-BTGĐUK ngày 29-3-2024 triển khai đợt sinh hoạt chính trị tư tưởng "
    "về tác phẩm Cây tre Việt Nam của Tổng Bí thư Nguyễn Phú Trọng (bản chính thức).docx"
)


def test_a_long_file_name_is_kept_for_the_download(demo, client_for):
    bithu = client_for(demo.users["bithu"])
    response = _upload(bithu, LONG_NAME, REFERENCE_DOCX)
    job = DirectiveImport.objects.get()
    assert response.url == job.get_absolute_url()

    _confirm(bithu, job)

    directive = Directive.objects.get()
    assert directive.source_name == LONG_NAME
    source = bithu.get(reverse("campaigns:directive_source", args=[directive.pk]))
    assert b"".join(source.streaming_content) == REFERENCE_DOCX


@pytest.mark.parametrize("typed", ["32 - HD / BTGĐUK", "32-hd/btgđuk"])
def test_a_symbol_typed_otherwise_is_still_the_same_directive(demo, client_for, typed):
    """Spaces or lower case in the symbol still name the directive already stored."""
    bithu = client_for(demo.users["bithu"])
    first, again = _uploaded_reference(bithu), _uploaded_reference(bithu)
    _confirm(bithu, first)

    response = _confirm(bithu, again, symbol=typed)

    assert response.status_code == 200
    assert "Đảng bộ Sở Tài chính đã có văn bản số 32-HD/BTGĐUK" in response.text
    assert list(Directive.objects.values_list("symbol", flat=True)) == ["32-HD/BTGĐUK"]


MARKUP = OUTSIDE_DIRECTIVE.replace(
    "Tuyên truyền kỷ niệm 70 năm", "<script>alert('xss')</script> Tuyên truyền kỷ niệm 70 năm"
)


def test_markup_in_the_file_and_its_name_is_shown_as_text(demo, client_for):
    bithu = client_for(demo.users["bithu"])
    _upload(bithu, "<b>huong-dan</b>.txt", MARKUP.encode())
    job = DirectiveImport.objects.get()

    review = bithu.get(job.get_absolute_url())

    assert "<script>alert" not in review.text
    assert "&lt;script&gt;alert" in review.text
    assert "<b>huong-dan</b>" not in review.text


def test_the_issuer_is_a_portal_unit_only_where_the_symbol_code_and_the_place_agree(demo):
    """Every province's propaganda department writes "…/BTGTU": Quảng Ngãi's guidance is not
    Cần Thơ's, though the demo city department has that code."""
    from campaigns.selectors import issuer_match

    city = Unit.objects.get(code="TU-CT-BTG")
    assert issuer_match("52-HD/BTGTU", "Cần Thơ") == city
    assert issuer_match("05-HD/BTGTU", "Quảng Ngãi") is None
    assert issuer_match("32-HD/BTGĐUK", None) == Unit.objects.get(code="DUK-BTG")
    assert issuer_match("32-HD/KHONGCO", "Cần Thơ") is None


def test_a_new_campaign_takes_the_name_the_reader_gives_it_and_needs_one(demo, client):
    client.force_login(demo.users["bithu"])
    job = _uploaded_reference(client)
    page = client.get(reverse("campaigns:import_review", args=[job.pk]))
    data = _review_form(page)
    assert data["campaign_title"].startswith("Triển khai đợt sinh hoạt chính trị")
    assert len(data["campaign_title"]) <= 121

    data["campaign_title"] = ""
    refused = client.post(reverse("campaigns:import_review", args=[job.pk]), data)
    assert refused.status_code == 200
    assert "Chọn một đợt sinh hoạt hoặc đặt tên cho đợt mới." in refused.content.decode()
    assert not Directive.objects.exists()

    data["campaign_title"] = "Tác phẩm “Cây tre Việt Nam”"
    confirmed = client.post(reverse("campaigns:import_review", args=[job.pk]), data)
    assert confirmed.status_code == 302
    assert Directive.objects.get().campaign.title == "Tác phẩm “Cây tre Việt Nam”"


# ---------------------------------------------------------------------------- confirming, rules


def _confirm_directly(demo, **changes) -> Directive:
    """import_confirm as the review page calls it, for the reference read by bithu."""
    from campaigns.models import DirectiveKind
    from campaigns.services import MilestoneData, import_confirm

    # Read as the upload reads it, without its check for a copy already held: these tests
    # confirm the same file several times to test the confirm's own rules.
    text = read_directive_file(io.BytesIO(REFERENCE_DOCX), REFERENCE_NAME)
    job = DirectiveImport.objects.create(
        created_by=demo.users["bithu"],
        file=ContentFile(REFERENCE_DOCX, name=REFERENCE_NAME),
        original_name=REFERENCE_NAME,
        text=normalise_text(text),
        data=extract_directive_text(text),
    )
    values = {
        "actor": demo.users["bithu"],
        "job": job,
        "campaign": None,
        "campaign_title": "Cây tre Việt Nam",
        "kind": DirectiveKind.objects.get(code="HD"),
        "issuer": demo.units["DUK-BTG"],
        "symbol": "32-HD/BTGĐUK",
        "issue_date": datetime.date(2024, 3, 29),
        "units": [demo.units["DUK-01"]],
        "milestones": [
            MilestoneData(kind=Milestone.Kind.REPORT_DUE, due_date=datetime.date(2024, 10, 10))
        ],
        "issuer_name": "Ban Tuyên giáo Đảng ủy Khối",
        "issuing_body": "Ban Tuyên giáo",
        "subject": "Triển khai đợt sinh hoạt chính trị",
        "body": "I- MỤC ĐÍCH, YÊU CẦU",
    }
    return import_confirm(**{**values, **changes})


def test_an_issuer_that_could_not_have_sent_to_the_units_is_taken_as_outside(demo):
    """A sibling grassroots committee does not direct Sở Tài chính: naming it as the issuer
    must not let its staff follow or review Sở Tài chính's work."""
    sibling = demo.units["DUK-02"]

    directive = _confirm_directly(demo, issuer=sibling, issuer_name=sibling.name)

    assert directive.issuer is None
    assert directive.issuer_name == sibling.name
    kept = _confirm_directly(demo, symbol="33-HD/BTGĐUK")
    assert kept.issuer == demo.units["DUK-BTG"]


def test_a_new_campaign_lasts_to_the_end_of_a_month_only_deadline(demo):
    from campaigns.services import MilestoneData

    december = MilestoneData(kind=Milestone.Kind.REPORT_DUE, due_month=datetime.date(2025, 12, 1))

    directive = _confirm_directly(demo, milestones=[december])

    assert directive.campaign.end_date == datetime.date(2025, 12, 31)


def test_a_milestone_outside_the_chosen_campaign_is_refused(demo):
    from django.core.exceptions import ValidationError

    from campaigns.services import MilestoneData

    first = _confirm_directly(demo)
    campaign = first.campaign
    late = [
        MilestoneData(
            kind=Milestone.Kind.REPORT_DUE, due_date=campaign.end_date + datetime.timedelta(days=1)
        )
    ]

    with pytest.raises(ValidationError, match="nằm ngoài đợt sinh hoạt"):
        _confirm_directly(demo, symbol="34-HD/BTGĐUK", campaign=campaign, milestones=late)
    assert Directive.objects.count() == 1


def test_a_material_link_without_a_scheme_is_stored_as_a_web_address(demo):
    from campaigns.services.importing import _material_add

    campaign = _confirm_directly(demo).campaign
    _material_add(campaign, {"title": "Tác phẩm", "url": "www.tuyengiao.vn/cay-tre"})
    _material_add(campaign, {"title": "Bài viết", "url": "không phải địa chỉ"})

    assert dict(campaign.materials.values_list("title", "url")) == {
        "Tác phẩm": "https://www.tuyengiao.vn/cay-tre",
        "Bài viết": "",
    }


# ---------------------------------------------------------------------------- state bodies


CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "directives"


@pytest.mark.parametrize(
    ("name", "symbol", "typed"),
    [
        # The copy kept lost its title: the clerk types the subject.
        ("ke-hoach-109-KH-UBND-tien-giang-2021.txt", "109/KH-UBND", {"subject": "Khảo sát"}),
        # The Front's letter bears no number: registered without one, nothing refused.
        ("cong-van-MTTQ-ban-tuyen-giao-can-tho-2020.txt", "", {}),
        # A copy whose number was left blank and whose date the clerk types.
        ("bao-cao-THCS-mong-an-2022.txt", "", {"issue_date": "2022-05-20"}),
    ],
)
def test_documents_of_state_bodies_and_the_front_are_registered(
    demo, client_for, name, symbol, typed
):
    bithu = client_for(demo.users["bithu"])
    response = _upload(bithu, name, (CORPUS / name).read_bytes())
    assert response.status_code == 302, _file_error(response)
    job = DirectiveImport.objects.get()
    review = bithu.get(job.get_absolute_url())
    assert _review_form(review).get("symbol", "") == symbol  # lxml leaves out an empty input

    confirmed = bithu.post(
        job.get_absolute_url(),
        _review_form(
            review, units=str(demo.units["DUK-01"].pk), campaign_title="Văn bản đến", **typed
        ),
    )

    assert confirmed.status_code == 302, _messages(confirmed)
    directive = Directive.objects.get()
    assert (directive.symbol, directive.origin, directive.issuer) == (
        symbol,
        Directive.Origin.IMPORTED,
        None,
    )
    row = directive.recipients.get()
    assert row.incoming_number == 1
    assert bithu.get(directive.get_absolute_url()).status_code == 200
