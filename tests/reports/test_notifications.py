"""Notifications from domain events: who is told of each kind, by which e-mail channel, exactly
once; the bell's wording on the day it is read; the settings page; marking read; and a bell page
whose queries do not grow with the tree."""

from __future__ import annotations

import datetime
import re
from smtplib import SMTPServerDisconnected

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from campaigns import services as campaign_services
from campaigns.models import Directive, Obligation
from reports import notifications, services
from reports.models import (
    Digest,
    EmailChannel,
    Notification,
    NotificationPreference,
    ProgressReport,
    StudySession,
)
from reports.notifications import EventFailed, describe, events_process, with_events
from reports.reminders import digests_send, reminders_scan
from reports.tasks import queue_process_events
from tests.factories import MembershipFactory, UserFactory
from tests.plugins.cost import assert_cost_bounded, request_cost
from tests.plugins.directives import directive_kind
from tests.reports.test_dashboard import _add_cells, _issue_to_children
from tests.walk import received_file
from units.events import EventKind
from units.models import DomainEvent, Membership, Role, Unit
from units.services import membership_create, membership_end, unit_rename

pytestmark = pytest.mark.django_db

COMMENT = "Bổ sung số bài thu hoạch đã chấm."


def told(kind: str, target=None) -> dict[str, str]:
    """{username: e-mail channel} of the users told of events of this kind (about `target`)."""
    found = Notification.objects.filter(event__kind=kind)
    if target is not None:
        found = found.filter(event__target_id=target.pk)
    return dict(found.values_list("user__username", "channel"))


def mailed_to(address: str) -> list:
    return [m for m in mail.outbox if address in m.to]


def submit(directive: Directive, unit: Unit, user) -> ProgressReport:
    obligation = Obligation.objects.get(
        directive=directive, recipient__unit=unit, kind=Obligation.Kind.REPORT
    )
    report = services.report_start(actor=user, obligation=obligation)
    report = services.report_update(
        actor=user, report=report, assessment="Chi bộ đã sinh hoạt chuyên đề đầy đủ."
    )
    return services.report_submit(actor=user, report=report)


@pytest.fixture
def returned(cascade, tree, users) -> ProgressReport:
    """Chi bộ Văn phòng's report on the committee's plan, returned by the committee's secretary;
    every event so far processed, and the outbox of e-mails emptied."""
    report = submit(cascade.plan, tree.cell_a1, users.cell_secretary)
    report = services.report_return(actor=users.secretary, report=report, comment=COMMENT)
    events_process()
    mail.outbox.clear()
    return report


# ---------------------------------------------------------------------------- who is told


def test_an_issued_directive_tells_the_people_of_each_recipient_unit_at_once(issued, tree, users):
    b_staff = MembershipFactory(unit=tree.grassroots_b, role=Role.STAFF).user
    MembershipFactory(unit=tree.grassroots_a, role=Role.LEADER)  # follows, does not act
    MembershipFactory(unit=tree.cell_a1, role=Role.SECRETARY)  # below a recipient: not sent to

    result = events_process()

    assert result["processed"] == 1
    assert told(EventKind.DIRECTIVE_ISSUED) == {
        "secretary": EmailChannel.IMMEDIATE,
        b_staff.username: EmailChannel.IMMEDIATE,
    }
    (message,) = mailed_to(users.secretary.email)
    assert issued.symbol in message.subject
    assert "Ban Tuyên giáo" in message.subject
    assert f"{issued.get_absolute_url()}" in message.body
    assert reverse("reports:notification_settings") in message.body
    assert not mailed_to(users.staff.email)  # the issuer is not told of its own act


def test_a_plan_tells_those_who_follow_for_the_issuer_it_answers_in_their_digest(
    cascade, tree, users
):
    events_process()

    assert told(EventKind.PLAN_ISSUED) == {"staff": EmailChannel.DIGEST}  # bloc_btg's committee
    assert told(EventKind.DIRECTIVE_ISSUED, cascade.plan) == {
        "cell_secretary": EmailChannel.IMMEDIATE
    }
    assert not mailed_to(users.staff.email)  # digest: not now
    shown = describe(Notification.objects.get(user=users.staff), timezone.localdate())
    assert shown.title == (
        f"Đảng bộ Sở Tài chính đã ban hành Kế hoạch số {cascade.plan.symbol} thực hiện "
        f"văn bản số {cascade.guidance.symbol}"
    )
    assert shown.url == cascade.plan.get_absolute_url()


def test_a_submitted_report_tells_the_reviewers_of_the_issuer_in_their_digest(cascade, tree, users):
    events_process()
    mail.outbox.clear()
    report = submit(cascade.plan, tree.cell_a1, users.cell_secretary)
    submit(cascade.guidance, tree.grassroots_a, users.secretary)

    events_process()

    assert told(EventKind.REPORT_SUBMITTED, report) == {"secretary": EmailChannel.DIGEST}
    # The guidance's issuer is a department: its committee's staff review (leaders do not).
    assert told(EventKind.REPORT_SUBMITTED) == {
        "secretary": EmailChannel.DIGEST,
        "staff": EmailChannel.DIGEST,
    }
    assert mail.outbox == []


def test_a_returned_report_tells_the_units_secretary_at_once_with_the_comment(cascade, tree, users):
    report = submit(cascade.plan, tree.cell_a1, users.cell_secretary)
    events_process()
    mail.outbox.clear()

    services.report_return(actor=users.secretary, report=report, comment=COMMENT)
    events_process()

    assert told(EventKind.REPORT_RETURNED) == {"cell_secretary": EmailChannel.IMMEDIATE}
    (message,) = mail.outbox
    assert message.to == [users.cell_secretary.email]
    assert message.subject.startswith(f"Báo cáo của Chi bộ Văn phòng bị trả lại: {COMMENT}")
    assert report.get_absolute_url() in message.body


def test_an_accepted_report_tells_the_units_secretary_at_once(cascade, tree, users):
    report = submit(cascade.plan, tree.cell_a1, users.cell_secretary)
    services.report_accept(actor=users.secretary, report=report)
    events_process()

    assert told(EventKind.REPORT_ACCEPTED) == {"cell_secretary": EmailChannel.IMMEDIATE}
    (message,) = [m for m in mailed_to(users.cell_secretary.email) if "tiếp nhận" in m.subject]
    assert message.subject == (
        f"Báo cáo của Chi bộ Văn phòng theo Kế hoạch số {cascade.plan.symbol} đã được tiếp nhận"
    )


def test_a_logged_session_is_recorded_and_tells_nobody(cascade, tree, users):
    session = services.session_create(
        actor=users.cell_secretary,
        campaign=cascade.plan.campaign,
        unit=tree.cell_a1,
        held_on=datetime.date(2024, 5, 15),
        form=StudySession.Form.THEMATIC,
        members_present=18,
    )
    events_process()

    event = DomainEvent.objects.get(kind=EventKind.SESSION_LOGGED)
    assert (event.target, event.unit, event.actor) == (session, tree.cell_a1, users.cell_secretary)
    assert event.processed_at is not None
    assert told(EventKind.SESSION_LOGGED) == {}


def test_an_imported_directive_tells_the_others_of_the_chosen_units(tree, users):
    colleague = MembershipFactory(unit=tree.grassroots_a, role=Role.STAFF).user
    job = received_file(users.secretary, "huong-dan-32.txt")
    data = job.data
    directive = campaign_services.import_confirm(
        actor=users.secretary,
        job=job,
        campaign=None,
        kind=directive_kind(data["kind"]),
        issuer=None,
        symbol=data["symbol"],
        issue_date=datetime.date.fromisoformat(data["date"]),
        units=[tree.grassroots_a],
        milestones=[],
        issuer_name="Ban Tuyên giáo Đảng ủy Khối cơ quan Dân Chính Đảng TP Cần Thơ",
        issuing_body=data["issuing_body"],
        subject=data["subject"],
        body=data["body"],
    )
    events_process()

    assert told(EventKind.IMPORT_CONFIRMED) == {colleague.username: EmailChannel.DIGEST}
    shown = describe(Notification.objects.get(user=colleague), timezone.localdate())
    assert shown.title == (
        f"{users.secretary.get_full_name()} đã nhập văn bản đến Hướng dẫn số {directive.symbol} "
        "của Ban Tuyên giáo Đảng ủy Khối cơ quan Dân Chính Đảng TP Cần Thơ"
    )


def test_a_membership_granted_and_ended_tells_the_member_at_once(tree, users):
    member = UserFactory(username="moi")
    membership = membership_create(
        actor=users.admin, unit=tree.cell_a2, user=member, role=Role.SECRETARY
    )
    membership_end(
        actor=users.admin,
        membership=membership,
        end_date=timezone.localdate() + datetime.timedelta(days=10),
    )
    events_process()

    assert told(EventKind.MEMBERSHIP_GRANTED) == {"moi": EmailChannel.IMMEDIATE}
    assert told(EventKind.MEMBERSHIP_ENDED) == {"moi": EmailChannel.IMMEDIATE}
    subjects = {m.subject for m in mailed_to(member.email)}
    end = timezone.localdate() + datetime.timedelta(days=10)
    assert subjects == {
        "Đồng chí được phân công Bí thư – Chi bộ Thanh tra",
        f"Phân công Bí thư – Chi bộ Thanh tra kết thúc ngày {end:%d/%m/%Y}",
    }


def test_a_replacement_tells_units_dropped_from_it_and_names_what_it_replaces(issued, tree, users):
    b_secretary = MembershipFactory(unit=tree.grassroots_b).user
    events_process()
    mail.outbox.clear()
    copy = campaign_services.directive_replace(actor=users.staff, directive=issued)
    campaign_services.recipients_remove(
        actor=users.staff, directive=copy, unit_ids=[tree.grassroots_b.pk]
    )
    copy = campaign_services.directive_issue(actor=users.staff, directive=copy)
    events_process()

    assert told(EventKind.DIRECTIVE_REPLACED) == {b_secretary.username: EmailChannel.IMMEDIATE}
    assert told(EventKind.DIRECTIVE_ISSUED, copy) == {"secretary": EmailChannel.IMMEDIATE}
    (kept,) = mailed_to(users.secretary.email)
    assert f"(thay thế văn bản số {issued.symbol})" in kept.subject
    (dropped,) = mailed_to(b_secretary.email)
    assert dropped.subject == (
        f"Hướng dẫn số {issued.symbol} đã được thay thế bằng văn bản số {copy.symbol}; "
        "đơn vị không còn trong nơi nhận"
    )


# ---------------------------------------------------------------------------- e-mail choices


def test_a_user_who_chose_no_email_is_told_in_the_bell_only(cascade, tree, users, client_for):
    services.notification_preferences_set(
        actor=users.cell_secretary, channels={EventKind.REPORT_RETURNED: EmailChannel.NONE}
    )
    report = submit(cascade.plan, tree.cell_a1, users.cell_secretary)
    services.report_return(actor=users.secretary, report=report, comment=COMMENT)
    events_process()

    assert told(EventKind.REPORT_RETURNED) == {"cell_secretary": EmailChannel.NONE}
    assert not [m for m in mailed_to(users.cell_secretary.email) if "trả lại" in m.subject]
    page = client_for(users.cell_secretary).get(reverse("reports:notification_list")).text
    assert f"Báo cáo của Chi bộ Văn phòng bị trả lại: {COMMENT}" in page


def test_a_reviewer_who_chose_immediate_gets_submitted_reports_at_once(cascade, tree, users):
    services.notification_preferences_set(
        actor=users.secretary, channels={EventKind.REPORT_SUBMITTED: EmailChannel.IMMEDIATE}
    )
    events_process()
    mail.outbox.clear()
    submit(cascade.plan, tree.cell_a1, users.cell_secretary)
    events_process()

    (message,) = mail.outbox
    assert message.to == [users.secretary.email]
    assert message.subject.startswith("Chi bộ Văn phòng đã gửi báo cáo kết quả theo Kế hoạch")


def test_a_user_without_an_email_address_is_told_in_the_bell_only(cascade, tree, users):
    users.cell_secretary.email = ""
    users.cell_secretary.save(update_fields=["email"])
    report = submit(cascade.plan, tree.cell_a1, users.cell_secretary)
    services.report_accept(actor=users.secretary, report=report)
    events_process()

    assert told(EventKind.REPORT_ACCEPTED) == {"cell_secretary": EmailChannel.NONE}
    assert all(m.to != [""] for m in mail.outbox)


# ---------------------------------------------------------------------------- exactly once


def test_processing_marks_each_event_and_a_rerun_finds_nothing(returned, users):
    assert not DomainEvent.objects.filter(processed_at__isnull=True).exists()
    notified = Notification.objects.count()

    assert events_process() == {"processed": 0, "emailed": 0}
    assert Notification.objects.count() == notified
    assert mail.outbox == []


def test_an_event_processed_again_notifies_and_mails_nobody_twice(returned, users):
    """An operator replaying the outbox (processed marks cleared), or a mark lost: the
    notifications are keyed on (event, user), the e-mails on the notification."""
    before = sorted(Notification.objects.values_list("event_id", "user_id"))
    DomainEvent.objects.update(processed_at=None)

    result = events_process()

    assert result == {"processed": DomainEvent.objects.count(), "emailed": 0}
    assert sorted(Notification.objects.values_list("event_id", "user_id")) == before
    assert mail.outbox == []


def test_an_immediate_email_is_sent_once_however_often_asked(cascade, tree, users):
    report = submit(cascade.plan, tree.cell_a1, users.cell_secretary)
    services.report_return(actor=users.secretary, report=report, comment=COMMENT)
    with pytest.MonkeyPatch.context() as patch:  # process without sending
        patch.setattr(notifications, "notifications_email", lambda **kwargs: 0)
        events_process()
    mail.outbox.clear()
    pending = Notification.objects.get(event__kind=EventKind.REPORT_RETURNED)
    assert pending.emailed_at is None

    assert notifications.notification_email(pending.pk) is True
    assert notifications.notification_email(pending.pk) is False
    notifications.notifications_email()  # every pending one: the others of the cascade
    assert notifications.notifications_email() == 0

    returns = [m for m in mail.outbox if "bị trả lại" in m.subject]
    assert [m.to for m in returns] == [[users.cell_secretary.email]]
    pending.refresh_from_db()
    assert pending.emailed_at is not None


def test_an_event_that_fails_stays_pending_and_the_others_go_on(cascade, tree, users):
    def broken(event, target):
        raise LookupError("a rule that cannot read its target")

    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(notifications.ADDRESSEES, EventKind.PLAN_ISSUED, broken)
        with pytest.raises(EventFailed):
            events_process()

    pending = DomainEvent.objects.filter(processed_at__isnull=True)
    assert list(pending.values_list("kind", flat=True)) == [EventKind.PLAN_ISSUED]
    assert told(EventKind.DIRECTIVE_ISSUED, cascade.plan) == {
        "cell_secretary": EmailChannel.IMMEDIATE
    }
    assert events_process()["processed"] == 1  # fixed: the next run takes it
    assert told(EventKind.PLAN_ISSUED) == {"staff": EmailChannel.DIGEST}


def test_a_mail_server_down_fails_no_request_and_the_email_waits_for_the_next_run(
    returned, tree, users
):
    """Without a broker the consumer runs in the request, after the commit: a mail server that
    is down must not turn the committed change into an error page."""
    services.report_update(actor=users.cell_secretary, report=returned, strengths="Đã chấm.")
    services.report_submit(actor=users.cell_secretary, report=returned)
    report = ProgressReport.objects.get(pk=returned.pk)
    services.report_accept(actor=users.secretary, report=report)

    def down(**kwargs):
        raise SMTPServerDisconnected("mail server unreachable")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(notifications, "send_mail", down)
        queue_process_events()  # the after-commit hook, eager: logs, does not raise

    accepted = Notification.objects.get(event__kind=EventKind.REPORT_ACCEPTED)
    assert accepted.emailed_at is None
    assert mail.outbox == []
    assert events_process() == {"processed": 0, "emailed": 1}
    assert [m.subject for m in mail.outbox] == [
        f"Báo cáo của Chi bộ Văn phòng theo Kế hoạch số {returned.obligation.directive.symbol} "
        "đã được tiếp nhận"
    ]


# ---------------------------------------------------------------------------- the digest


def test_digest_notifications_go_out_in_the_daily_digest_once(cascade, tree, users):
    events_process()
    submit(cascade.plan, tree.cell_a1, users.cell_secretary)
    events_process()
    mail.outbox.clear()
    day = datetime.date(2024, 4, 3)  # before any reminder: the digest holds events only

    scan = reminders_scan(day=day)
    digests_send(scan.digest_ids)

    (message,) = mailed_to(users.secretary.email)
    assert message.subject == "Thông báo ngày 03/04/2024: 1 thông báo mới"
    assert "Thông báo mới:" in message.body
    assert "Chi bộ Văn phòng đã gửi báo cáo kết quả theo Kế hoạch" in message.body
    (staff_digest,) = mailed_to(users.staff.email)  # the plan issued, also a digest kind
    assert "Đảng bộ Sở Tài chính đã ban hành Kế hoạch" in staff_digest.body
    assert not Notification.objects.filter(
        channel=EmailChannel.DIGEST, emailed_at__isnull=True
    ).exists()

    again = reminders_scan(day=day)
    digests_send(again.digest_ids)
    later = reminders_scan(day=day + datetime.timedelta(days=1))
    digests_send(later.digest_ids)
    assert len(mail.outbox) == 2
    assert Digest.objects.filter(user=users.secretary).count() == 1


def test_a_digest_carries_reminders_and_event_notifications_in_one_email(cascade, tree, users):
    events_process()
    submit(cascade.plan, tree.cell_a1, users.cell_secretary)
    events_process()
    mail.outbox.clear()
    day = datetime.date(2024, 10, 3)  # seven days before the guidance's report is due
    Membership.objects.filter(user=users.secretary).update(start_date=None)  # held then too

    digests_send(reminders_scan(day=day).digest_ids)

    (message,) = mailed_to(users.secretary.email)
    assert message.subject == "Nhắc việc ngày 03/10/2024: 1 việc cần làm, 1 thông báo mới"
    assert "quá hạn" not in message.body.split("Thông báo mới:")[0]
    assert "còn 7 ngày" in message.body


# ---------------------------------------------------------------------------- the bell


def test_the_bell_text_is_worded_on_the_day_it_is_read(returned, users):
    notification = with_events(Notification.objects.filter(user=users.cell_secretary)).get(
        event__kind=EventKind.REPORT_RETURNED
    )
    due = returned.obligation.due_date
    head = f"Báo cáo của Chi bộ Văn phòng bị trả lại: {COMMENT} – hạn {due:%d/%m/%Y}"

    assert describe(notification, due - datetime.timedelta(days=3)).title == (
        f"{head} (còn 3 ngày)"
    )
    assert describe(notification, due).title == f"{head} (đến hạn hôm nay)"
    assert describe(notification, due + datetime.timedelta(days=2)).title == (
        f"{head} (quá hạn 2 ngày)"
    )

    services.report_update(actor=users.cell_secretary, report=returned, strengths="Đã chấm.")
    services.report_submit(actor=users.cell_secretary, report=returned)
    notification = with_events(Notification.objects.filter(pk=notification.pk)).get()
    assert describe(notification, due).title == (
        f"Báo cáo của Chi bộ Văn phòng bị trả lại: {COMMENT} (đã sửa và gửi lại)"
    )


def test_the_bell_page_shows_the_item_and_its_count_and_opens_the_report(
    returned, users, client_for
):
    client = client_for(users.cell_secretary)
    due = returned.obligation.due_date
    late = (timezone.localdate() - due).days

    page = client.get(reverse("reports:notification_list")).text

    unread = Notification.objects.filter(user=users.cell_secretary, read_at__isnull=True).count()
    assert re.search(rf"data-unread>\s*{unread}\s*<", page)
    assert f"bị trả lại: {COMMENT} – hạn {due:%d/%m/%Y} (quá hạn {late} ngày)" in page
    item = Notification.objects.get(user=users.cell_secretary, event__kind="report_returned")
    response = client.post(reverse("reports:notification_read", args=[item.pk]))
    assert response.status_code == 302
    assert response.url == returned.get_absolute_url()
    item.refresh_from_db()
    assert item.read_at is not None


def test_the_bell_shows_the_units_current_name(returned, tree, users, client_for):
    unit_rename(
        actor=users.admin,
        unit=tree.cell_a1,
        name="Chi bộ Văn phòng Sở",
        short_name="",
        symbol_code="",
        effective_date=timezone.localdate(),
    )

    page = client_for(users.cell_secretary).get(reverse("reports:notification_list")).text

    assert f"Báo cáo của Chi bộ Văn phòng Sở bị trả lại: {COMMENT}" in page


def test_mark_all_read_marks_the_event_notifications_read(returned, users, client_for):
    client = client_for(users.cell_secretary)
    unread = Notification.objects.filter(user=users.cell_secretary, read_at__isnull=True)
    count = unread.count()
    assert count >= 2  # the plan sent to the cell, the report returned

    page = client.get(reverse("reports:notification_list")).text
    assert "Đánh dấu đã đọc tất cả" in page
    response = client.post(reverse("reports:notification_read_all"), follow=True)

    assert f"Đã đánh dấu {count} thông báo là đã đọc." in response.text
    assert "data-unread" not in response.text
    assert not unread.exists()


def test_the_bell_has_a_text_label_on_phones_and_the_menu_reaches_the_settings(users, client_for):
    page = client_for(users.cell_secretary).get(reverse("reports:notification_list")).text

    assert re.search(r'<span class="d-lg-none[^"]*">Thông báo</span>', page)
    assert f'href="{reverse("reports:notification_settings")}">Cài đặt thông báo</a>' in page


# ---------------------------------------------------------------------------- settings page


def _checked(page: str, kind: str) -> str:
    """The channel checked in the row of this kind."""
    row = page.split(f'data-kind="{kind}"')[1].split("</fieldset>")[0]
    return re.search(r'value="(\w+)"\s+checked', row)[1]


def test_the_settings_page_shows_one_row_per_kind_with_the_defaults(users, client_for):
    page = client_for(users.cell_secretary).get(reverse("reports:notification_settings")).text

    assert page.count("<fieldset") == len(notifications.NOTIFYING_KINDS)
    assert "Báo cáo của đơn vị bị trả lại" in page
    assert "Đơn vị ghi buổi sinh hoạt" not in page  # tells nobody: nothing to choose
    assert _checked(page, "report_returned") == "immediate"
    assert _checked(page, "report_accepted") == "immediate"
    assert _checked(page, "report_submitted") == "digest"
    assert _checked(page, "directive_issued") == "immediate"
    for label in ("Gửi thư ngay", "Gộp vào thư nhắc việc hằng ngày", "Không gửi thư"):
        assert label in page


def test_saving_the_settings_keeps_the_choices_and_says_so(users, client_for):
    client = client_for(users.secretary)
    data = dict(notifications.DEFAULT_CHANNELS)
    data["report_submitted"] = "immediate"
    data["directive_issued"] = "none"

    response = client.post(reverse("reports:notification_settings"), data, follow=True)

    assert "Đã lưu cách nhận thông báo qua thư điện tử." in response.text
    assert _checked(response.text, "report_submitted") == "immediate"
    assert _checked(response.text, "directive_issued") == "none"
    assert dict(
        NotificationPreference.objects.filter(user=users.secretary).values_list("kind", "channel")
    ) == {"report_submitted": "immediate", "directive_issued": "none"}

    data["directive_issued"] = "immediate"  # back to the default: no row needed
    client.post(reverse("reports:notification_settings"), data)
    assert list(
        NotificationPreference.objects.filter(user=users.secretary).values_list("kind", flat=True)
    ) == ["report_submitted"]


def test_a_bad_choice_is_refused_and_nothing_saved(users, client_for):
    data = {**notifications.DEFAULT_CHANNELS, "report_returned": "pigeon"}

    response = client_for(users.secretary).post(reverse("reports:notification_settings"), data)

    assert response.status_code == 200
    assert "Đã lưu" not in response.text
    row = response.text.split('data-kind="report_returned"')[1].split("</fieldset>")[0]
    assert "Hãy chọn một lựa chọn hợp lệ. pigeon không phải" in row
    assert not NotificationPreference.objects.exists()


# ---------------------------------------------------------------------------- query bounds


def _reports_submitted_to(staff, directive: Directive) -> None:
    """Every recipient of `directive` has submitted its report, and `staff` was told of each
    (written in bulk: two thousand through the services would take minutes)."""
    obligations = list(
        Obligation.objects.filter(directive=directive, kind=Obligation.Kind.REPORT).select_related(
            "recipient"
        )
    )
    reports = ProgressReport.objects.bulk_create(
        [
            ProgressReport(
                obligation=o,
                unit_id=o.recipient.unit_id,
                campaign_id=directive.campaign_id,
                status=ProgressReport.Status.SUBMITTED,
                first_submitted_at=timezone.now(),
                submitted_at=timezone.now(),
            )
            for o in obligations
        ],
        batch_size=1000,
    )
    report_type = ContentType.objects.get_for_model(ProgressReport)
    events = DomainEvent.objects.bulk_create(
        [
            DomainEvent(
                kind=EventKind.REPORT_SUBMITTED,
                unit_id=r.unit_id,
                target_type=report_type,
                target_id=r.pk,
                processed_at=timezone.now(),
            )
            for r in reports
        ],
        batch_size=1000,
    )
    Notification.objects.bulk_create(
        [Notification(event=e, user=staff, channel=EmailChannel.DIGEST) for e in events],
        batch_size=1000,
    )


@pytest.mark.slow
def test_the_bell_costs_the_same_queries_for_10_and_2000_units(campaign, tree, users, client_for):
    client = client_for(users.staff)
    url = reverse("reports:notification_list")

    def grow(count: int, start: int) -> None:
        cells = _add_cells(tree.bloc, count, start=start)
        _reports_submitted_to(users.staff, _issue_to_children(campaign, tree, users))
        # On top of the page: a role granted (a membership target) and a reminder (kept text).
        membership_create(
            actor=users.admin, unit=cells[start - 1], user=users.staff, role=Role.STAFF
        )
        events_process()
        Notification.objects.create(user=users.staff, title="Nhắc việc: còn 3 ngày", url="/")

    grow(8, start=1)
    small, small_page = request_cost(client, url)
    grow(1990, start=9)
    large, large_page = request_cost(client, url)

    assert Unit.objects.filter(path__startswith=tree.bloc.path).count() > 2000
    # Ten reports (the eight cells, both grassroots organisations), the role, the reminder.
    assert small_page.text.count("data-notification=") == 10 + 1 + 1
    assert large_page.text.count("data-notification=") == 30
    assert large.count == small.count <= 12
    assert_cost_bounded(small, large, what="the bell over 2,000 units")
    assert "Đồng chí được phân công Cán bộ Ban Tuyên giáo" in large_page.text
    assert "đã gửi báo cáo kết quả theo Hướng dẫn số" in large_page.text
    assert "Nhắc việc: còn 3 ngày" in large_page.text
