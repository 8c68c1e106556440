"""Numbers an office register keeps: số đến on receipt, report numbers at submission, a document
registered once, an imported number that the portal never gives again, reports to an issuer
outside the portal, and uploads that expire."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from campaigns import services
from campaigns.models import Directive, DirectiveImport, DirectiveRecipient, IncomingCounter
from campaigns.selectors import assigned_to
from reports import services as report_services
from reports.models import Notification, ProgressReport
from reports.notifications import events_process
from reports.selectors import reports_to_review
from tests.factories import MembershipFactory, UserFactory
from tests.plugins.directives import directive_kind, make_draft
from tests.walk import received_file
from units.events import EventKind
from units.models import Role

pytestmark = pytest.mark.django_db


def _issue_to(campaign, tree, users, units, **fields) -> Directive:
    draft = make_draft(campaign, tree.bloc_btg, users.staff, **fields)
    services.recipients_add(actor=users.staff, directive=draft, units=units)
    return services.directive_issue(actor=users.staff, directive=draft)


def _row(directive: Directive, unit) -> DirectiveRecipient:
    return DirectiveRecipient.objects.get(directive=directive, unit=unit)


# ---------------------------------------------------------------------------- số đến


def test_each_receipt_takes_the_next_incoming_number_of_its_unit(campaign, tree, users):
    first = _issue_to(campaign, tree, users, [tree.grassroots_a, tree.grassroots_b])
    second = _issue_to(campaign, tree, users, [tree.grassroots_a])
    today = timezone.localdate()

    assert [
        (r.incoming_number, r.incoming_year, r.received_on)
        for r in (_row(first, tree.grassroots_a), _row(second, tree.grassroots_a))
    ] == [(1, today.year, today), (2, today.year, today)]
    assert _row(first, tree.grassroots_b).incoming_number == 1  # its own register
    # The directive's first deadline is the default hạn xử lý.
    assert _row(first, tree.grassroots_a).handling_due == datetime.date(2024, 10, 10)


def test_incoming_numbers_restart_each_year(campaign, tree, users):
    directive = _issue_to(campaign, tree, users, [tree.grassroots_a])
    late = DirectiveRecipient.objects.create(
        directive=make_draft(campaign, tree.bloc_btg, users.staff),
        unit=tree.grassroots_a,
        unit_name=tree.grassroots_a.name,
    )
    services.register_incoming([late], datetime.date(2031, 1, 2))

    assert (late.incoming_year, late.incoming_number) == (2031, 1)
    assert _row(directive, tree.grassroots_a).incoming_number == 1
    assert IncomingCounter.objects.get(unit=tree.grassroots_a, year=2031).last_number == 1


def test_the_database_refuses_a_repeated_incoming_number(campaign, tree, users):
    first = _issue_to(campaign, tree, users, [tree.grassroots_a])
    second = _issue_to(campaign, tree, users, [tree.grassroots_a])
    row = _row(second, tree.grassroots_a)
    row.incoming_number = _row(first, tree.grassroots_a).incoming_number
    with pytest.raises(IntegrityError), transaction.atomic():
        row.save(update_fields=["incoming_number"])


# ---------------------------------------------------------------------------- handler


def test_a_handler_is_told_and_finds_the_document_on_their_home_page(
    campaign, tree, users, client_for
):
    directive = _issue_to(campaign, tree, users, [tree.grassroots_a])
    clerk = UserFactory(username="van_thu", full_name="Lê Thị Văn Thư")
    MembershipFactory(user=clerk, unit=tree.grassroots_a, role=Role.STAFF)
    row = _row(directive, tree.grassroots_a)
    due = timezone.localdate() + datetime.timedelta(days=7)
    with pytest.raises(ValidationError, match="trước ngày đến"):
        services.incoming_assign(
            actor=users.secretary,
            row=row,
            handler=clerk,
            handling_due=timezone.localdate() - datetime.timedelta(days=1),
        )

    services.incoming_assign(
        actor=users.secretary, row=row, handler=clerk, handling_due=due, note="Tham mưu kế hoạch"
    )

    assert list(assigned_to(clerk)) == [row]
    events_process()
    assert Notification.objects.filter(user=clerk, event__kind=EventKind.DOCUMENT_ASSIGNED).exists()
    page = client_for(clerk).get("/").content.decode()
    assert "Văn bản đến được giao xử lý" in page
    assert directive.symbol in page
    assert f"Hạn xử lý {due:%d/%m/%Y}" in page


def test_only_the_receiving_office_can_be_given_a_document(campaign, tree, users):
    directive = _issue_to(campaign, tree, users, [tree.grassroots_a])
    row = _row(directive, tree.grassroots_a)
    with pytest.raises(ValidationError) as caught:
        services.incoming_assign(
            actor=users.secretary, row=row, handler=users.outsider, handling_due=None
        )
    assert "người của đơn vị nhận" in str(caught.value)
    row.refresh_from_db()
    assert row.handler is None


# ---------------------------------------------------------------------------- report numbers


def _report(directive: Directive, unit, actor) -> ProgressReport:
    obligation = directive.obligations.get(recipient__unit=unit, kind="report")
    report = report_services.report_start(actor=actor, obligation=obligation)
    report_services.report_update(actor=actor, report=report, assessment="Đã quán triệt.")
    return report


def test_a_report_is_numbered_at_submission_and_keeps_its_number_when_returned(
    campaign, tree, users
):
    tree.grassroots_a.symbol_code = "ĐU"
    tree.grassroots_a.save(update_fields=["symbol_code"])
    directive = _issue_to(campaign, tree, users, [tree.grassroots_a])
    report = _report(directive, tree.grassroots_a, users.secretary)
    assert report.number is None

    report = report_services.report_submit(actor=users.secretary, report=report)
    assert (report.number, report.symbol) == (1, "01-BC/ĐU")

    report_services.report_return(actor=users.staff, report=report, comment="Bổ sung số liệu.")
    report.refresh_from_db()
    report_services.report_update(actor=users.secretary, report=report, assessment="Đã sửa.")
    report = report_services.report_submit(actor=users.secretary, report=report)
    assert report.symbol == "01-BC/ĐU"

    # The unit's next report, in the same counter, is the next number.
    other = _issue_to(campaign, tree, users, [tree.grassroots_a])
    second = report_services.report_submit(
        actor=users.secretary, report=_report(other, tree.grassroots_a, users.secretary)
    )
    assert second.symbol == "02-BC/ĐU"


def test_a_report_shares_its_counter_with_reports_written_as_documents(campaign, tree, users):
    """A "BC" the bloc committee issued as a document and the bloc's progress report never get
    the same number."""
    written = make_draft(
        campaign, tree.bloc, users.staff, kind=directive_kind("BC"), symbol_code="ĐUK"
    )
    services.recipients_add(actor=users.staff, directive=written, units=[tree.grassroots_a])
    written = services.directive_issue(actor=users.staff, directive=written)
    assert written.symbol == "01-BC/ĐUK"
    upper = make_draft(campaign, tree.city_btg, users.staff, symbol_code="BTGTU")
    services.recipients_add(actor=users.staff, directive=upper, units=[tree.bloc])
    upper = services.directive_issue(actor=users.staff, directive=upper)

    report = report_services.report_submit(
        actor=users.staff, report=_report(upper, tree.bloc, users.staff)
    )
    assert report.symbol == "02-BC/ĐUK"


def test_the_report_pdf_prints_its_number(campaign, tree, users):
    from reports.documents import report_document

    directive = _issue_to(campaign, tree, users, [tree.grassroots_a])
    report = _report(directive, tree.grassroots_a, users.secretary)
    assert "   -BC/" in report_document(report).document.number_line
    report = report_services.report_submit(actor=users.secretary, report=report)
    assert report_document(report).document.number_line == f"Số {report.symbol}"


# ---------------------------------------------------------------------------- registered once


def _confirm(
    user, units, *, issuer=None, symbol="32-HD/BTGĐUK", day=datetime.date(2024, 3, 29)
) -> Directive:
    job = received_file(user, "huong-dan-32.txt")
    return services.import_confirm(
        actor=user,
        job=job,
        campaign=None,
        kind=directive_kind("HD"),
        issuer=issuer,
        symbol=symbol,
        issue_date=day,
        units=units,
        milestones=[
            services.MilestoneData(kind="report_due", due_date=datetime.date(2024, 10, 10))
        ],
        issuer_name="Ban Tuyên giáo Đảng ủy Khối cơ quan Dân Chính Đảng TP Cần Thơ",
        issuing_body="Ban Tuyên giáo",
        subject="Triển khai đợt sinh hoạt chính trị",
        body="I- MỤC ĐÍCH, YÊU CẦU",
    )


def test_importing_a_document_the_portal_holds_links_to_it(campaign, tree, users):
    """The bloc's guidance went to its grassroots; a grassroots of the other bloc gets a copy
    by e-mail and imports it: one document, now with one more recipient and its số đến."""
    issued = _issue_to(campaign, tree, users, [tree.grassroots_a])
    before = Directive.objects.count()

    # The review page names the bloc's department as the issuer (it could not send there).
    linked = _confirm(
        users.outsider, [tree.other_grassroots], issuer=tree.bloc_btg, symbol=issued.symbol
    )

    assert linked.pk == issued.pk
    assert Directive.objects.count() == before
    assert _row(issued, tree.other_grassroots).incoming_number == 1
    assert not DirectiveImport.objects.exists()
    assert issued.obligations.filter(recipient__unit=tree.other_grassroots).exists()


def _import_outside(user, units, issuer_name: str, symbol: str = "01/KH-UBND") -> Directive:
    return services.import_confirm(
        actor=user,
        job=received_file(user, "ke-hoach.txt"),
        campaign=None,
        campaign_title="Văn bản của UBND",
        kind=directive_kind("KH"),
        issuer=None,
        symbol=symbol,
        issue_date=datetime.date(2024, 1, 2),
        units=units,
        milestones=[services.MilestoneData(kind="report_due", due_date=datetime.date(2024, 6, 30))],
        issuer_name=issuer_name,
        issuing_body=issuer_name.upper(),
        subject=f"Kế hoạch của {issuer_name}",
    )


def test_two_bodies_documents_with_the_same_number_and_date_are_two_documents(tree, users):
    """Every commune's committee issues a "01/KH-UBND": one is not the other."""
    first = _import_outside(users.staff, [tree.grassroots_a], "Ủy ban nhân dân phường An Hòa")
    second = _import_outside(users.outsider, [tree.other_grassroots], "UBND xã Mỹ Khánh")
    again = _import_outside(users.staff, [tree.grassroots_b], "ỦY BAN NHÂN DÂN PHƯỜNG AN HOÀ")

    assert second.pk != first.pk
    assert second.subject == "Kế hoạch của UBND xã Mỹ Khánh"
    assert again.pk == first.pk  # the same body, however it is spelt: linked
    # Each import's reports go to the office that entered it, never to the other branch.
    assert {r.registered_by for r in first.recipients.all()} == {tree.bloc}
    assert {r.registered_by for r in second.recipients.all()} == {tree.other_grassroots}


def test_two_copies_without_a_number_from_one_day_are_both_registered(tree, users):
    first = _import_outside(users.staff, [tree.grassroots_a], "Ủy ban MTTQ", symbol="")
    second = _import_outside(users.staff, [tree.grassroots_a], "Ủy ban MTTQ", symbol="")
    assert first.pk != second.pk
    assert sorted(
        DirectiveRecipient.objects.filter(unit=tree.grassroots_a).values_list(
            "incoming_number", flat=True
        )
    ) == [1, 2]


def test_an_imported_document_of_a_portal_unit_moves_its_counter(campaign, tree, users):
    imported = _confirm(
        users.staff, [tree.grassroots_a], issuer=tree.bloc_btg, symbol="40-HD/BTGĐUK"
    )
    assert imported.issuer == tree.bloc_btg

    written = _issue_to(campaign, tree, users, [tree.grassroots_b])
    assert written.symbol == "41-HD/BTGĐUK"


def test_an_imported_number_already_used_by_the_unit_is_refused(campaign, tree, users):
    issued = _issue_to(campaign, tree, users, [tree.grassroots_b])
    with pytest.raises(ValidationError) as caught:
        _confirm(
            users.staff,
            [tree.grassroots_a],
            issuer=tree.bloc_btg,
            symbol=issued.symbol,
            day=datetime.date(2024, 5, 2),
        )
    assert "đã dùng cho văn bản" in str(caught.value)
    assert DirectiveImport.objects.count() == 1  # the upload waits for a corrected number


# ---------------------------------------------------------------------------- outside issuer


def test_reports_under_an_outside_directive(tree, users):
    """The bloc registers a province's plan for itself and grassroots_a: the bloc reviews
    grassroots_a's report; the bloc's own report is numbered and sent, without review."""
    directive = _confirm(users.staff, [tree.bloc, tree.grassroots_a])
    assert directive.issuer is None
    assert {r.registered_by for r in directive.recipients.all()} == {tree.bloc}

    below = report_services.report_submit(
        actor=users.secretary, report=_report(directive, tree.grassroots_a, users.secretary)
    )
    assert below.status == ProgressReport.Status.SUBMITTED
    assert list(reports_to_review(users.staff)) == [below]
    report_services.report_accept(actor=users.staff, report=below)

    own = _report(directive, tree.bloc, users.staff)
    with pytest.raises(ValidationError) as caught:
        report_services.report_submit(actor=users.staff, report=own)
    assert "hình thức gửi" in str(caught.value)
    own = report_services.report_submit(actor=users.staff, report=own, channel="post")
    assert own.status == ProgressReport.Status.SENT
    assert own.symbol == "01-BC/ĐUK"
    assert own.sent_on == timezone.localdate()
    assert own.reviewing_unit is None


# ---------------------------------------------------------------------------- expiry


def test_uploads_left_unconfirmed_for_thirty_days_are_deleted(tree, users, client_for):
    old = received_file(users.staff, "cu.txt")
    new = received_file(users.staff, "moi.txt")
    uploaded = timezone.now() - datetime.timedelta(days=31)
    DirectiveImport.objects.filter(pk=old.pk).update(created_at=uploaded)
    storage, name = old.file.storage, old.file.name

    page = client_for(users.admin).get("/?role=admin").content.decode()
    assert "cu.txt" in page  # administrators see what waits
    assert "moi.txt" in page

    with django_capture_on_commit():
        assert services.imports_expire() == 1
    assert list(DirectiveImport.objects.all()) == [new]
    assert not storage.exists(name)


def django_capture_on_commit():
    """Run on_commit callbacks inside a test transaction (pytest-django's fixture, as a context)."""
    from django.test import TestCase

    return TestCase.captureOnCommitCallbacks(execute=True)


def test_an_upload_is_kept_until_its_last_day(tree, users):
    job = received_file(users.staff, "moi.txt")
    last_day = timezone.localdate() + datetime.timedelta(days=30)
    assert job.expires_on == last_day
    assert services.imports_expire(today=last_day) == 0
    assert services.imports_expire(today=last_day + datetime.timedelta(days=1)) == 1
    assert not DirectiveImport.objects.filter(pk=job.pk).exists()


# ---------------------------------------------------------------------------- state symbols


@pytest.mark.parametrize(
    ("written", "stored", "number", "code"),
    [
        ("45 / kh-ubnd", "45/KH-UBND", 45, "KH"),
        ("123/UBND-VX", "123/UBND-VX", 123, ""),
        ("     /UBND-VX", "/UBND-VX", None, ""),
        ("   -HD/BTGTU", "-HD/BTGTU", None, "HD"),
        ("14/2024/QĐ-UBND", "14/2024/QĐ-UBND", 14, "QĐ"),
        ("", "", None, ""),  # a Front letter that bears no number at all
    ],
)
def test_state_symbols_and_blank_numbers_are_registered(tree, users, written, stored, number, code):
    from campaigns.documents.text import read_symbol

    if written:
        parts = read_symbol(written)
        assert (parts.text, parts.number, parts.code) == (stored, number, code)
    kind = directive_kind(code or "CV")
    job = received_file(users.staff, "cong-van.txt")
    directive = services.import_confirm(
        actor=users.staff,
        job=job,
        campaign=None,
        campaign_title="Văn bản của UBND",
        kind=kind,
        issuer=None,
        symbol=written,
        issue_date=datetime.date(2024, 3, 12),
        units=[tree.bloc],
        milestones=[],
        issuer_name="Ủy ban nhân dân thành phố Cần Thơ",
        issuing_body="ỦY BAN NHÂN DÂN THÀNH PHỐ CẦN THƠ",
        subject="V/v tuyên truyền kỷ niệm ngày thành lập Đảng",
    )
    assert (directive.symbol, directive.number) == (stored, number)
    assert _row(directive, tree.bloc).incoming_number == 1


def test_an_imported_document_is_never_replaced_from_the_portal(tree, users, client_for):
    imported = _confirm(users.staff, [tree.grassroots_a], issuer=tree.bloc_btg)
    with pytest.raises(ValidationError, match="không sửa hay thay thế"):
        services.directive_replace(actor=users.staff, directive=imported)
    page = client_for(users.staff).get(imported.get_absolute_url()).content.decode()
    assert "Ngày 29 tháng 3 năm 2024" in page  # received without a place name: the date alone
    assert "Ban hành văn bản thay thế" not in page
    assert not Directive.objects.filter(replaces=imported).exists()


def test_the_report_page_asks_how_a_report_to_an_outside_issuer_is_sent(tree, users, client_for):
    directive = _confirm(users.staff, [tree.bloc, tree.grassroots_a])
    report = _report(directive, tree.bloc, users.staff)
    client = client_for(users.staff)
    edit = f"{report.get_absolute_url()}edit/"
    assert "Hình thức gửi" in client.get(edit).content.decode()

    refused = client.post(edit, {"assessment": "Đã quán triệt.", "submit": ""})
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "Chọn hình thức gửi báo cáo đến cơ quan ngoài Cổng." in page
    assert "Đã quán triệt." in page  # what was typed is kept
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.DRAFT

    sent = client.post(
        edit, {"assessment": "Đã quán triệt.", "channel": "electronic", "submit": ""}, follow=True
    )
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.SENT
    text = sent.content.decode()
    assert f"Đã gửi báo cáo số {report.symbol} đến {directive.issuer_name}." in text
    assert "Hệ thống văn bản điện tử" in text

    # The unit below reports to the registering unit, which reviews it: no channel asked.
    below = _report(directive, tree.grassroots_a, users.secretary)
    assert (
        "Hình thức gửi"
        not in client_for(users.secretary).get(f"{below.get_absolute_url()}edit/").content.decode()
    )


def test_a_report_sent_outside_shows_on_the_to_do_list(tree, users):
    from reports.selectors import unit_todo

    directive = _confirm(users.staff, [tree.bloc])
    report_services.report_submit(
        actor=users.staff, report=_report(directive, tree.bloc, users.staff), channel="hand"
    )
    labels = [item.label for item in unit_todo(users.staff, today=datetime.date(2024, 10, 1))]
    assert "Báo cáo đã gửi cơ quan ngoài Cổng" in labels


def test_a_handler_who_left_the_office_no_longer_sees_the_document(campaign, tree, users):
    directive = _issue_to(campaign, tree, users, [tree.grassroots_a])
    clerk = UserFactory(username="van_thu_cu")
    membership = MembershipFactory(user=clerk, unit=tree.grassroots_a, role=Role.STAFF)
    row = _row(directive, tree.grassroots_a)
    services.incoming_assign(actor=users.secretary, row=row, handler=clerk, handling_due=None)
    assert list(assigned_to(clerk)) == [row]

    membership.end_date = timezone.localdate() - datetime.timedelta(days=1)
    membership.save(update_fields=["end_date"])
    assert list(assigned_to(clerk)) == []
