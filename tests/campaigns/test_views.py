"""The campaign and directive pages as a person uses them: writing, issuing, printing, receiving,
implementing and uploading, through the real endpoints."""

from __future__ import annotations

import datetime
import io
import re
import shutil
import subprocess
import unicodedata

import lxml.html
import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from docx import Document

from campaigns import services
from campaigns import urls as campaign_urls
from campaigns.models import (
    Directive,
    DirectiveRecipient,
    Milestone,
    Obligation,
    StudyMaterial,
)
from campaigns.selectors import Level
from tests.plugins.cost import assert_cost_bounded, request_cost
from tests.plugins.directives import directive_kind, make_draft
from units.services import unit_rename, unit_tree_import

pytestmark = pytest.mark.django_db

REFUSED = "Văn bản đã ban hành không thể sửa"
REQUIRED = "Trường này là bắt buộc."


def _url(name: str, obj) -> str:
    return reverse(f"campaigns:{name}", args=[obj.pk])


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _browser_form(response, field: str, **typed) -> dict[str, str | list[str]]:
    """What a browser submits from the page's form that holds `field`, after the user typed
    `typed` into it: unticked boxes left out, each select's chosen option, hidden fields."""
    page = lxml.html.fromstring(response.text)
    form = next(f for f in page.forms if field in f.fields)
    values: dict[str, list[str]] = {}
    for name, value in form.form_values():
        values.setdefault(name, []).append(value)
    data = {name: sent[0] if len(sent) == 1 else sent for name, sent in values.items()}
    data.update(typed)
    return data


def _pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "van-ban.pdf"
    path.write_bytes(content)
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "pdftotext (poppler-utils) is needed to read PDFs"
    result = subprocess.run([pdftotext, "-layout", str(path), "-"], capture_output=True, check=True)
    return unicodedata.normalize("NFC", result.stdout.decode("utf-8"))


def _docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    return unicodedata.normalize("NFC", "\n".join(parts))


def _recipient_row(html: str, unit) -> str:
    """The directive page's status row of one recipient unit."""
    found = re.search(rf'<tr data-unit="{re.escape(unit.code)}">(.*?)</tr>', html, re.DOTALL)
    assert found, f"no status row for {unit.code}"
    return found[1]


# ---------------------------------------------------------------------------- issued is final

READ_ONLY = {
    "directive_detail",
    "directive_pdf",
    "directive_docx",
    "directive_history",
    "directive_source",
}
# Every URL that takes a directive's pk and is not read-only: a new editing page lands here by
# itself, and with it the promise that it cannot change an issued directive.
CHANGING_URLS = sorted(
    p.name
    for p in campaign_urls.urlpatterns
    if p.name.startswith("directive_")
    and "pk" in p.pattern.regex.groupindex
    and p.name not in READ_ONLY
    and p.name != "directive_implement"  # its pk is a recipient row, not a directive
    # Signing keeps the issued PDF and adds a signed one beside it, on an issued directive only
    # (tests/campaigns/test_directive_signing.py).
    and p.name not in {"directive_sign", "directive_upload_signed", "directive_pdf_unsigned"}
)
# The pages that answer an issued directive by sending the user back to it with the reason.
# The preview shows typed text without saving; a replacement is a new draft by design.
REFUSING_URLS = [n for n in CHANGING_URLS if n not in {"directive_preview", "directive_replace"}]


def test_the_url_walk_finds_every_directive_editing_page():
    assert set(CHANGING_URLS) >= {
        "directive_edit",
        "directive_preview",
        "directive_recipients",
        "directive_milestones",
        "directive_issue",
        "directive_delete",
        "directive_replace",
    }


def _changing_posts(tree) -> list[dict]:
    """Submissions that change a draft through each page: its text, recipients (added and
    removed), milestones, and the issue confirmation."""
    rewrite = {
        "kind": str(directive_kind("KH").pk),
        "superior_body": "Cơ quan cấp trên sửa sau khi ban hành",
        "issuing_body": "Ban sửa sau khi ban hành",
        "symbol_code": "SUASAU",
        "place": "Hà Nội",
        "issue_date": "2024-05-01",
        "subject": "Trích yếu sửa sau khi ban hành",
        "basis": "",
        "body": "I- NỘI DUNG SỬA SAU KHI BAN HÀNH",
        "audience": "",
        "recipient_lines": "- Nơi nhận sửa sau,",
        "signing_authority": "",
        "signer_position": "Phó trưởng ban",
        "signer_name": "Người Sửa Sau",
        "requires_implementing": "on",
        "level": Level.CHILDREN,
        "codes": tree.cell_a1.code,
        "m-TOTAL_FORMS": "1",
        "m-INITIAL_FORMS": "0",
        "m-MIN_NUM_FORMS": "0",
        "m-MAX_NUM_FORMS": "1000",
        "m-0-kind": Milestone.Kind.BRIEFING,
        "m-0-title": "Hội nghị thêm sau khi ban hành",
        "m-0-due_date": "2024-06-01",
        "m-0-due_month": "",
        "m-0-applies_to": Milestone.Applies.ALL,
        "confirm": "on",
    }
    remove = {"remove": "", "remove_unit": [str(tree.grassroots_a.pk), str(tree.grassroots_b.pk)]}
    return [rewrite, remove]


def _state(directive: Directive) -> dict:
    """Everything stored about a directive, down to its issued PDF's bytes."""
    row = Directive.objects.filter(pk=directive.pk).values().first()
    pdf = None
    if row and row["issued_pdf"]:
        stored = Directive.objects.get(pk=directive.pk).issued_pdf
        with stored.open("rb") as handle:
            pdf = handle.read()
    return {
        "row": row,
        "recipients": list(
            DirectiveRecipient.objects.filter(directive_id=directive.pk).order_by("pk").values()
        ),
        "milestones": list(
            Milestone.objects.filter(directive_id=directive.pk).order_by("pk").values()
        ),
        "obligations": list(
            Obligation.objects.filter(directive_id=directive.pk).order_by("pk").values()
        ),
        "pdf": pdf,
    }


@pytest.mark.slow
@pytest.mark.parametrize("name", CHANGING_URLS)
def test_an_issued_directive_cannot_be_changed_through_any_url(
    name, issued, tree, users, client_for
):
    client = client_for(users.staff)
    before = _state(issued)
    assert before["pdf"].startswith(b"%PDF")

    client.get(_url(name, issued))
    for data in _changing_posts(tree):
        client.post(_url(name, issued), data)

    assert _state(issued) == before


@pytest.mark.slow
@pytest.mark.parametrize("name", REFUSING_URLS)
def test_the_same_submissions_do_change_a_draft(name, draft, tree, users, client_for):
    """The control for the test above: its submissions are ones that really write."""
    client = client_for(users.staff)
    before = _state(draft)

    for data in _changing_posts(tree):
        client.post(_url(name, draft), data)

    assert _state(draft) != before


@pytest.mark.slow
@pytest.mark.parametrize("name", REFUSING_URLS)
def test_editing_pages_send_an_issued_directive_back_with_the_reason(
    name, issued, tree, users, client_for
):
    client = client_for(users.staff)

    shown = client.get(_url(name, issued))
    posted = client.post(_url(name, issued), _changing_posts(tree)[0])

    for response in (shown, posted):
        if response is shown and response.status_code == 405:
            continue  # an action that takes only POST
        assert response.status_code == 302
        assert response.url == issued.get_absolute_url()
        assert any(REFUSED in m for m in _messages(response))


@pytest.mark.slow
def test_a_replacement_is_a_new_draft_and_the_issued_directive_stays(issued, users, client_for):
    response = client_for(users.staff).post(_url("directive_replace", issued))

    replacement = Directive.objects.get(replaces=issued)
    assert response.url == _url("directive_edit", replacement)
    assert replacement.is_draft
    assert Directive.objects.get(pk=issued.pk).status == Directive.Status.ISSUED
    assert set(replacement.recipients.values_list("unit_id", flat=True)) == set(
        issued.recipients.values_list("unit_id", flat=True)
    )


# ---------------------------------------------------------------------------- printed names


def _draft_through_the_pages(campaign, tree, users, client_for) -> Directive:
    """A guidance of the bloc's Propaganda Department written as staff do it: create (header
    lines from the tree), type the text, send to the grassroots level, issue."""
    client = client_for(users.staff)
    created = client.post(
        reverse("campaigns:directive_create"),
        {"campaign": campaign.pk, "kind": directive_kind("HD").pk, "issuer": tree.bloc_btg.pk},
    )
    directive = Directive.objects.get(campaign=campaign)
    assert created.url == _url("directive_edit", directive)
    editor = client.get(_url("directive_edit", directive))
    saved = client.post(
        _url("directive_edit", directive),
        _browser_form(
            editor,
            "body",
            symbol_code="BTGĐUK",
            issue_date="2024-03-29",
            subject="Triển khai đợt sinh hoạt chính trị, tư tưởng",
            body="I- MỤC ĐÍCH, YÊU CẦU\n1. Cán bộ, đảng viên nắm vững nội dung.",
            signer_position="Trưởng ban",
            signer_name="Nguyễn Văn Sẵn",
        ),
    )
    assert saved.status_code == 302
    client.post(_url("directive_recipients", directive), {"level": Level.GRASSROOTS})
    issued = client.post(_url("directive_issue", directive), {"confirm": "on"})
    assert issued.url == directive.get_absolute_url()
    directive.refresh_from_db()
    assert directive.status == Directive.Status.ISSUED
    return directive


@pytest.mark.slow
def test_renaming_units_after_issue_leaves_the_printed_names(
    campaign, tree, users, client_for, tmp_path
):
    directive = _draft_through_the_pages(campaign, tree, users, client_for)
    client = client_for(users.staff)
    pdf_before = _pdf_text(client.get(_url("directive_pdf", directive)).content, tmp_path)
    today = timezone.localdate()

    for unit, name in (
        (tree.bloc, "Đảng ủy Các cơ quan Đảng thành phố"),
        (tree.bloc_btg, "Ban Tuyên giáo và Dân vận Đảng ủy"),
        (tree.grassroots_a, "Đảng bộ Sở Tài chính và Kế hoạch"),
    ):
        unit_rename(
            actor=users.admin,
            unit=unit,
            name=name,
            short_name="",
            symbol_code=unit.symbol_code,
            effective_date=today,
        )
    pdf_after = _pdf_text(client.get(_url("directive_pdf", directive)).content, tmp_path)
    docx_after = _docx_text(client.get(_url("directive_docx", directive)).content)
    shown_after = client.get(directive.get_absolute_url()).context["document"]

    assert pdf_after == pdf_before
    assert "Số 01-HD/BTGĐUK" in pdf_after
    for printed in (pdf_after, docx_after, shown_after):
        assert "Đảng bộ Sở Tài chính," in printed
        assert "Sở Tài chính và Kế hoạch" not in printed
        assert "ĐẢNG ỦY KHỐI CƠ QUAN" in printed.upper()  # the bloc's name at issue
        assert "DÂN VẬN" not in printed.upper()
        assert "CÁC CƠ QUAN ĐẢNG THÀNH PHỐ" not in printed.upper()


@pytest.mark.slow
def test_the_word_file_of_an_issued_directive_carries_its_number(issued, users, client_for):
    response = client_for(users.staff).get(_url("directive_docx", issued))

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    text = _docx_text(response.content)
    assert "Số 01-HD/BTGĐUK" in text
    assert "DỰ THẢO" not in text


# ---------------------------------------------------------------------------- query counts


def _add_grassroots(parent, count: int, start: int = 1) -> None:
    """`count` grassroots cells under `parent` in one import (a factory per unit is minutes)."""
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
        for step in range(start, start + count)
    ]
    result = unit_tree_import(actor=None, rows=rows)
    assert result.ok, result.errors


def _issue_to_children(campaign, tree, users) -> Directive:
    directive = make_draft(campaign, tree.bloc_btg, users.staff)
    services.recipients_add(actor=users.staff, directive=directive, level=Level.CHILDREN)
    with pytest.MonkeyPatch.context() as patch:
        # The stored PDF plays no part in the pages measured; rendering it is half the test.
        patch.setattr(
            "campaigns.services.issuing.issued_pdf_and_box", lambda directive: (b"%PDF-1.7\n", None)
        )
        return services.directive_issue(actor=users.staff, directive=directive)


@pytest.mark.slow
def test_directive_page_queries_do_not_grow_with_its_recipients(campaign, tree, users, client_for):
    client = client_for(users.staff)
    _add_grassroots(tree.bloc, 8)
    few = _issue_to_children(campaign, tree, users)
    # The small case is measured before the large one exists: the staff home lists both.
    page_few, _ = request_cost(client, few.get_absolute_url())
    home_few, _ = request_cost(client, reverse("home"))
    _add_grassroots(tree.bloc, 990, start=9)
    many = _issue_to_children(campaign, tree, users)
    assert (few.recipients.count(), many.recipients.count()) == (10, 1000)

    page_many, _ = request_cost(client, many.get_absolute_url())
    home_many, _ = request_cost(client, reverse("home"))
    with_few, home_with_few = page_few.count, home_few.count
    with_many, home_with_many = page_many.count, home_many.count

    assert with_many == with_few
    assert home_with_many == home_with_few
    assert with_many <= 16
    assert home_with_many <= 12
    assert_cost_bounded(page_few, page_many, what="the page of a directive to 1,000 units")
    assert_cost_bounded(home_few, home_many, what="the staff home with that directive")
    assert (
        str(DirectiveRecipient.objects.filter(directive=many).last())
        in client.get(many.get_absolute_url()).text
    )


def _issue_many_to_grassroots_a(campaign, tree, users, count: int) -> None:
    """`count` directives issued to grassroots_a, every third already being implemented."""
    with pytest.MonkeyPatch.context() as patch:
        # The stored PDF plays no part in these lists; rendering hundreds would only cost time.
        patch.setattr(
            "campaigns.services.issuing.issued_pdf_and_box", lambda directive: (b"%PDF-1.7\n", None)
        )
        for step in range(count):
            directive = make_draft(
                campaign, tree.bloc_btg, users.staff, subject=f"Văn bản số {step}"
            )
            services.recipients_add(
                actor=users.staff, directive=directive, units=[tree.grassroots_a]
            )
            directive = services.directive_issue(actor=users.staff, directive=directive)
            if step % 3 == 0:
                services.directive_implement(
                    actor=users.secretary, recipient=directive.recipients.get()
                )


@pytest.mark.slow
def test_received_and_issued_lists_stay_bounded_with_many_directives(
    campaign, tree, users, client_for
):
    pages = [
        (users.secretary, reverse("campaigns:received_list")),
        (users.secretary, reverse("home")),
        (users.secretary, reverse("campaigns:directive_list")),
        (users.staff, reverse("campaigns:directive_list")),
        (users.staff, reverse("home")),
    ]
    _issue_many_to_grassroots_a(campaign, tree, users, 10)
    few = [request_cost(client_for(user), url)[0] for user, url in pages]
    _issue_many_to_grassroots_a(campaign, tree, users, 50)
    many = [request_cost(client_for(user), url)[0] for user, url in pages]
    with_few, with_many = [c.count for c in few], [c.count for c in many]

    assert with_many == with_few
    assert max(with_many) <= 13  # the home page: to-do, received, issued, review, handled
    for (user, url), small, large in zip(pages, few, many, strict=True):
        assert_cost_bounded(small, large, what=f"{url} for {user} with 60 directives")
    page = client_for(users.secretary).get(reverse("campaigns:received_list")).context["page"]
    assert (len(page.object_list), page.paginator.count) == (25, 60)


# ---------------------------------------------------------------------------- the editor


def test_the_editor_shows_the_draft_as_it_will_print(draft, users, client_for):
    response = client_for(users.staff).get(_url("directive_edit", draft))

    assert response.status_code == 200
    assert 'id="preview"' in response.text
    assert draft.subject in response.text
    assert "DỰ THẢO" in response.text


def test_the_preview_shows_the_typed_text_and_saves_nothing(draft, users, client_for):
    client = client_for(users.staff)
    editor = client.get(_url("directive_edit", draft))
    body = "I- MỤC ĐÍCH, YÊU CẦU\n1. Đoạn mới đang gõ, chưa lưu."
    before = _state(draft)

    response = client.post(
        _url("directive_preview", draft), _browser_form(editor, "body", body=body)
    )

    assert response.status_code == 200
    assert "I- MỤC ĐÍCH, YÊU CẦU" in response.text
    assert "Đoạn mới đang gõ, chưa lưu." in response.text
    assert "<html" not in response.text  # a fragment for the page's preview pane
    assert _state(draft) == before


def test_a_draft_with_a_blank_required_field_keeps_what_was_typed(draft, users, client_for):
    client = client_for(users.staff)
    editor = client.get(_url("directive_edit", draft))
    body = "I- MỤC ĐÍCH, YÊU CẦU\n1. Nội dung vừa gõ lại toàn bộ."

    response = client.post(
        _url("directive_edit", draft), _browser_form(editor, "body", body=body, issuing_body="")
    )

    assert response.status_code == 200
    assert "Nội dung vừa gõ lại toàn bộ." in response.text
    assert REQUIRED in response.text
    stored = Directive.objects.get(pk=draft.pk)
    assert (stored.body, stored.issuing_body) == (draft.body, "Ban Tuyên giáo")


def test_a_draft_without_a_signer_is_saved_and_the_issue_page_asks_for_one(
    draft, users, client_for
):
    client = client_for(users.staff)
    editor = client.get(_url("directive_edit", draft))

    saved = client.post(
        _url("directive_edit", draft), _browser_form(editor, "body", signer_name="")
    )
    issue_page = client.get(_url("directive_issue", draft))

    assert saved.url == _url("directive_edit", draft)
    assert "Chưa có chức vụ và họ tên người ký." in issue_page.text
    assert 'name="confirm"' not in issue_page.text


def test_a_valid_draft_is_saved_and_the_editor_shown_again(draft, users, client_for):
    client = client_for(users.staff)
    editor = client.get(_url("directive_edit", draft))

    response = client.post(
        _url("directive_edit", draft),
        _browser_form(editor, "body", subject="Trích yếu mới", signer_name="Lê Thị Mới"),
        follow=True,
    )

    assert response.redirect_chain == [(_url("directive_edit", draft), 302)]
    assert "Đã lưu dự thảo." in response.text
    stored = Directive.objects.get(pk=draft.pk)
    assert (stored.subject, stored.signer_name, stored.status) == (
        "Trích yếu mới",
        "Lê Thị Mới",
        Directive.Status.DRAFT,
    )


def test_save_and_issue_goes_to_the_issue_page(draft, users, client_for):
    client = client_for(users.staff)
    editor = client.get(_url("directive_edit", draft))

    response = client.post(_url("directive_edit", draft), _browser_form(editor, "body", issue=""))

    assert response.url == _url("directive_issue", draft)
    assert Directive.objects.get(pk=draft.pk).is_draft


# ---------------------------------------------------------------------------- issuing


def test_the_issue_page_lists_what_is_missing_and_does_not_issue(campaign, tree, users, client_for):
    incomplete = make_draft(campaign, tree.bloc_btg, users.staff)
    client = client_for(users.staff)

    shown = client.get(_url("directive_issue", incomplete))
    posted = client.post(_url("directive_issue", incomplete), {"confirm": "on"})

    for response in (shown, posted):
        assert response.status_code == 200
        assert "Chưa có nơi nhận." in response.text
    stored = Directive.objects.get(pk=incomplete.pk)
    assert (stored.status, stored.number, stored.symbol) == (Directive.Status.DRAFT, None, "")


def test_issuing_needs_the_confirmation(draft, users, client_for):
    client = client_for(users.staff)
    unticked = _browser_form(client.get(_url("directive_issue", draft)), "confirm")

    response = client.post(_url("directive_issue", draft), unticked)

    assert response.status_code == 200
    assert REQUIRED in response.text
    assert Directive.objects.get(pk=draft.pk).is_draft


@pytest.mark.slow
def test_issuing_numbers_the_directive_and_shows_it(draft, users, client_for):
    response = client_for(users.staff).post(
        _url("directive_issue", draft), {"confirm": "on"}, follow=True
    )

    assert response.redirect_chain == [(draft.get_absolute_url(), 302)]
    assert "Đã ban hành văn bản số 01-HD/BTGĐUK." in response.text
    stored = Directive.objects.get(pk=draft.pk)
    assert (stored.status, stored.number, stored.symbol) == (
        Directive.Status.ISSUED,
        1,
        "01-HD/BTGĐUK",
    )
    assert stored.issued_pdf


# ---------------------------------------------------------------------------- recipients


@pytest.fixture
def unsent(campaign, tree, users) -> Directive:
    """A complete draft without recipients yet."""
    return make_draft(campaign, tree.bloc_btg, users.staff)


def test_sending_to_the_grassroots_level_adds_both_grassroots_units(
    unsent, tree, users, client_for
):
    response = client_for(users.staff).post(
        _url("directive_recipients", unsent), {"level": Level.GRASSROOTS, "add": ""}
    )

    assert response.url == _url("directive_recipients", unsent)
    assert "Đã thêm 2 đơn vị nhận." in _messages(response)
    assert set(unsent.recipients.values_list("unit_id", flat=True)) == {
        tree.grassroots_a.pk,
        tree.grassroots_b.pk,
    }


def test_an_unknown_code_is_named_and_nothing_is_added(unsent, tree, users, client_for):
    response = client_for(users.staff).post(
        _url("directive_recipients", unsent), {"codes": f"{tree.cell_a1.code}, KHONG-CO"}
    )

    assert response.status_code == 200
    assert "Không có đơn vị nhận nào mang mã: KHONG-CO." in response.text
    assert not unsent.recipients.exists()


def test_adding_by_code_reaches_a_cell_below_the_grassroots(unsent, tree, users, client_for):
    client_for(users.staff).post(_url("directive_recipients", unsent), {"codes": tree.cell_a1.code})

    assert list(unsent.recipients.values_list("unit_id", flat=True)) == [tree.cell_a1.pk]


def test_ticked_recipients_are_removed(draft, tree, users, client_for):
    response = client_for(users.staff).post(
        _url("directive_recipients", draft),
        {"remove": "", "remove_unit": [str(tree.grassroots_a.pk)]},
    )

    assert "Đã bỏ 1 đơn vị nhận." in _messages(response)
    assert list(draft.recipients.values_list("unit_id", flat=True)) == [tree.grassroots_b.pk]


# ---------------------------------------------------------------------------- milestones


def _milestone(**typed) -> dict[str, str]:
    return {
        "kind": Milestone.Kind.BRIEFING,
        "title": "Hội nghị quán triệt",
        "due_date": "",
        "due_month": "",
        "applies_to": Milestone.Applies.ALL,
        **typed,
    }


def _post_milestones(client, draft, row: dict[str, str]):
    """Fill the first blank row of the milestones page, leave the rest as shown, and save."""
    page = client.get(_url("directive_milestones", draft))
    data = _browser_form(page, "m-TOTAL_FORMS")
    blank = int(data["m-INITIAL_FORMS"])
    data.update({f"m-{blank}-{name}": value for name, value in row.items()})
    return client.post(_url("directive_milestones", draft), data)


def _milestones(draft) -> list[tuple]:
    return list(
        Milestone.objects.filter(directive=draft)
        .order_by("pk")
        .values_list("kind", "due_date", "due_month")
    )


def test_a_milestone_with_both_a_date_and_a_month_is_refused(draft, users, client_for):
    before = _milestones(draft)

    response = _post_milestones(
        client_for(users.staff), draft, _milestone(due_date="2024-04-15", due_month="4/2024")
    )

    assert response.status_code == 200
    assert "Ghi hạn theo ngày hoặc theo tháng, một trong hai." in response.text
    assert _milestones(draft) == before


def test_a_month_is_saved_as_that_month(draft, users, client_for):
    response = _post_milestones(client_for(users.staff), draft, _milestone(due_month="4/2024"))

    assert response.url == _url("directive_edit", draft)
    assert (Milestone.Kind.BRIEFING, None, datetime.date(2024, 4, 1)) in _milestones(draft)


def test_adding_a_milestone_keeps_the_ones_already_there(draft, users, client_for):
    before = _milestones(draft)

    _post_milestones(client_for(users.staff), draft, _milestone(due_month="4/2024"))

    assert _milestones(draft) == [
        *before,
        (Milestone.Kind.BRIEFING, None, datetime.date(2024, 4, 1)),
    ]


def test_a_month_that_does_not_exist_is_refused(draft, users, client_for):
    before = _milestones(draft)

    response = _post_milestones(client_for(users.staff), draft, _milestone(due_month="13/2024"))

    assert response.status_code == 200
    assert "Ghi tháng dạng 4/2024." in response.text
    assert _milestones(draft) == before


# ---------------------------------------------------------------------------- implementing


@pytest.mark.slow
def test_a_secretary_implements_a_received_directive_and_the_issuer_sees_it(
    issued, tree, users, client_for
):
    secretary = client_for(users.secretary)
    row = DirectiveRecipient.objects.get(directive=issued, unit=tree.grassroots_a)
    home = secretary.get(reverse("home")).text
    assert issued.display_title in home
    assert "Tạo văn bản thực hiện" in home
    assert _url("directive_implement", row) in home

    response = secretary.post(_url("directive_implement", row))

    plan = Directive.objects.get(responds_to=row)
    assert response.url == _url("directive_edit", plan)
    assert (plan.kind.code, plan.issuer, plan.status) == ("KH", tree.grassroots_a, "draft")
    assert plan.basis.startswith("Thực hiện Hướng dẫn số 01-HD/BTGĐUK")
    home = secretary.get(reverse("home")).text
    assert "Tạo văn bản thực hiện" not in home
    assert f'href="{plan.get_absolute_url()}"' in home

    editor = secretary.get(_url("directive_edit", plan))
    typed = "I- MỤC ĐÍCH, YÊU CẦU\n1. Các chi bộ tổ chức sinh hoạt trong tháng 4/2024."
    saved = secretary.post(
        _url("directive_edit", plan), _browser_form(editor, "body", symbol_code="ĐBSTC", body=typed)
    )
    assert saved.status_code == 302
    issued_plan = secretary.post(_url("directive_issue", plan), {"confirm": "on"}, follow=True)
    assert "Đã ban hành văn bản số 01-KH/ĐBSTC." in issued_plan.text

    parent_page = client_for(users.staff).get(issued.get_absolute_url()).text
    assert "Đã ban hành" in _recipient_row(parent_page, tree.grassroots_a)
    assert "01-KH/ĐBSTC" in _recipient_row(parent_page, tree.grassroots_a)
    assert "Chưa ban hành" in _recipient_row(parent_page, tree.grassroots_b)


@pytest.mark.slow
def test_implementing_as_a_unit_the_user_does_not_hold_is_not_found(
    issued, tree, users, client_for
):
    row = DirectiveRecipient.objects.get(directive=issued, unit=tree.grassroots_a)

    response = client_for(users.secretary).post(
        _url("directive_implement", row), {"issuer": tree.bloc_btg.pk}
    )

    assert response.status_code == 404
    assert not Directive.objects.filter(responds_to=row).exists()


@pytest.mark.slow
def test_implementing_twice_opens_the_same_draft(issued, tree, users, client_for):
    secretary = client_for(users.secretary)
    row = DirectiveRecipient.objects.get(directive=issued, unit=tree.grassroots_a)

    first = secretary.post(_url("directive_implement", row))
    second = secretary.post(_url("directive_implement", row))

    assert first.url == second.url
    assert Directive.objects.filter(responds_to=row).count() == 1


# ---------------------------------------------------------------------------- study materials


def _upload(client, campaign, name: str, content: bytes):
    return client.post(
        _url("material_add", campaign),
        {
            "title": "Sách “Xây dựng và phát triển nền đối ngoại”",
            "kind": StudyMaterial.Kind.BOOK,
            "url": "",
            "file": SimpleUploadedFile(name, content),
        },
    )


def test_a_program_is_not_accepted_as_study_material(campaign, users, client_for):
    response = _upload(client_for(users.staff), campaign, "sach.exe", b"MZ\x90\x00")

    assert response.status_code == 200
    assert "Loại tệp này không được nhận." in response.text
    assert not StudyMaterial.objects.exists()


@pytest.mark.slow
def test_an_uploaded_pdf_is_served_only_to_those_who_see_the_campaign(
    issued, tree, users, client_for
):
    content = b"%PDF-1.4\n% sach doi ngoai\n%%EOF\n"
    response = _upload(client_for(users.staff), issued.campaign, "sach-doi-ngoai.pdf", content)
    assert response.url == issued.campaign.get_absolute_url()
    assert "Đã thêm tài liệu." in _messages(response)
    material = StudyMaterial.objects.get()

    for who in ("staff", "leader", "secretary"):
        download = client_for(getattr(users, who)).get(_url("material_file", material))
        assert download.status_code == 200, who
        assert b"".join(download.streaming_content) == content
        assert "attachment" in download["Content-Disposition"]
    for who in ("outsider", "cell_secretary", "outside_admin"):
        assert (
            client_for(getattr(users, who)).get(_url("material_file", material)).status_code == 404
        )


def test_a_milestone_outside_the_campaign_is_refused_on_the_page_with_a_link_to_the_campaign(
    draft, users, client_for
):
    before = _milestones(draft)

    response = _post_milestones(client_for(users.staff), draft, _milestone(due_date="2025-01-15"))

    assert response.status_code == 200
    assert "Chưa lưu các mốc thời gian" in response.text
    assert "nằm ngoài thời gian của đợt sinh hoạt (01/03/2024 – 31/12/2024)" in response.text
    assert reverse("campaigns:campaign_edit", args=[draft.campaign_id]) in response.text
    assert 'value="2025-01-15"' in response.text  # the user's entry is kept to correct
    assert _milestones(draft) == before


def test_a_drafter_who_may_not_edit_the_campaign_is_told_whom_to_ask(
    campaign, tree, users, client_for
):
    """The grassroots secretary drafts a plan in the bloc's campaign: no link to a page they
    cannot open, a sentence instead."""
    plan = make_draft(campaign, tree.grassroots_a, users.secretary, symbol_code="ĐU")

    response = _post_milestones(
        client_for(users.secretary), plan, _milestone(due_date="2024-02-01")
    )

    assert "Chưa lưu các mốc thời gian" in response.text
    assert reverse("campaigns:campaign_edit", args=[campaign.pk]) not in response.text
    assert "đề nghị đơn vị chủ trì đợt sinh hoạt điều chỉnh thời gian" in response.text
