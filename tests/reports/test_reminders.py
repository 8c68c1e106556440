"""Deadline reminders as the people reminded notice them: the digest e-mails, the reminder rows,
the bell, the command, the Celery tasks and the beat schedule.

Deadlines are relative to today: the named users' memberships start 30 days before today, and
only active memberships are reminded.
"""

from __future__ import annotations

import datetime
import importlib
import io

import lxml.html
import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from campaigns import services as campaign_services
from campaigns.models import Milestone, Obligation
from reports import services
from reports.models import Digest, Notification, Reminder
from reports.reminders import cancel_done, digest_send, reminders_scan
from reports.tasks import scan_reminders, send_digests
from tests.factories import MembershipFactory, UserFactory
from tests.plugins.directives import BODY, make_draft
from units.models import Role

pytestmark = pytest.mark.django_db

SYMBOL = "01-HD/BTGĐUK"
UNIT_A = "Đảng bộ Sở Tài chính"  # tree.grassroots_a
UNIT_B = "Chi bộ Sở Ngoại vụ"  # tree.grassroots_b
IMPLEMENTING = "Ban hành văn bản thực hiện"
SESSIONS = "Tổ chức sinh hoạt"
REPORT = "Báo cáo kết quả (Báo cáo kết quả đợt sinh hoạt)"


# ---------------------------------------------------------------------------- helpers


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def issue(campaign, tree, users, *, report_due, study_due=None, units=None, **fields):
    """The bloc Propaganda Department's guidance, issued today, with these deadlines."""
    directive = make_draft(campaign, tree.bloc_btg, users.staff, issue_date=days(0), **fields)
    milestones = [
        campaign_services.MilestoneData(
            kind=Milestone.Kind.REPORT_DUE,
            title="Báo cáo kết quả đợt sinh hoạt",
            due_date=report_due,
        )
    ]
    if study_due:
        milestones.append(
            campaign_services.MilestoneData(
                kind=Milestone.Kind.STUDY_COMPLETED,
                title="Hoàn thành sinh hoạt",
                due_date=study_due,
            )
        )
    campaign_services.milestones_replace(
        actor=users.staff, directive=directive, milestones=milestones
    )
    campaign_services.recipients_add(
        actor=users.staff,
        directive=directive,
        units=units or [tree.grassroots_a, tree.grassroots_b],
    )
    return campaign_services.directive_issue(actor=users.staff, directive=directive)


def run(*args: str) -> str:
    """`manage.py send_reminders …`, returning what it printed."""
    out = io.StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def run_on(day: datetime.date) -> str:
    return run("--date", day.isoformat())


def mails_to(mailoutbox, user) -> list:
    return [m for m in mailoutbox if m.to == [user.email]]


def the_mail_to(mailoutbox, user):
    found = mails_to(mailoutbox, user)
    assert len(found) == 1, [m.subject for m in found]
    return found[0]


def line(unit: str, what: str, due: datetime.date, when: str, symbol: str = SYMBOL) -> str:
    return f"{unit}: {what} theo Hướng dẫn số {symbol} – hạn {due:%d/%m/%Y} ({when})"


def link(directive) -> str:
    base = settings.PORTAL_BASE_URL.rstrip("/")
    return base + reverse("campaigns:directive_detail", args=[directive.pk])


def submit_report(unit, directive) -> None:
    obligation = Obligation.objects.get(
        directive=directive, recipient__unit=unit, kind=Obligation.Kind.REPORT
    )
    report = services.report_start(actor=None, obligation=obligation)
    services.report_update(actor=None, report=report, assessment="Đã triển khai đầy đủ.")
    services.report_submit(actor=None, report=report)


def hold_session(campaign, unit) -> None:
    services.session_create(
        actor=None,
        campaign=campaign,
        unit=unit,
        held_on=days(0),
        form="regular",
        members_present=10,
    )


def issue_plan(guidance, tree, users):
    """grassroots_a answers the guidance with its own plan: its implementing obligation is met."""
    tree.grassroots_a.symbol_code = "ĐU"
    tree.grassroots_a.save(update_fields=["symbol_code"])
    recipient = guidance.recipients.get(unit=tree.grassroots_a)
    plan = campaign_services.directive_implement(actor=users.secretary, recipient=recipient)
    campaign_services.directive_update(actor=users.secretary, directive=plan, body=BODY)
    return campaign_services.directive_issue(actor=users.secretary, directive=plan)


def badge(client, url: str = "/") -> str | None:
    """The unread count on the bell of the page, or None without a badge."""
    response = client.get(url)
    assert response.status_code == 200
    found = lxml.html.fromstring(response.text).xpath("//*[@data-unread]")
    return found[0].text_content().strip() if found else None


# ---------------------------------------------------------------------------- fixtures


@pytest.fixture
def current(tree, users):
    """A campaign of the bloc running around today."""
    return campaign_services.campaign_create(
        actor=users.staff,
        owner=tree.bloc,
        title="Tác phẩm “Cây tre Việt Nam”",
        subject="Đợt sinh hoạt chính trị, tư tưởng về tác phẩm “Cây tre Việt Nam”.",
        start_date=days(-120),
        end_date=days(120),
    )


@pytest.fixture
def b_staff(tree):
    """The propaganda staff member of grassroots_b, the only one responsible there."""
    user = UserFactory(username="b_staff", full_name="Trần Thị Bích")
    MembershipFactory(user=user, unit=tree.grassroots_b, role=Role.STAFF)
    return user


@pytest.fixture
def guidance(current, tree, users, b_staff):
    """01-HD/BTGĐUK to grassroots_a and grassroots_b: plan, sessions and report due in 3 days."""
    return issue(current, tree, users, report_due=days(3), study_due=days(3))


# ---------------------------------------------------------------------------- who gets what


@pytest.mark.slow
def test_three_days_before_each_responsible_user_gets_one_digest_of_their_units_items(
    guidance, users, b_staff, mailoutbox
):
    output = run()

    assert (
        output.strip()
        == f"Ngày {days(0):%d/%m/%Y}: tạo 6 nhắc việc, hủy 0 (việc đã xong), gửi 2 thư."
    )
    assert sorted(m.to[0] for m in mailoutbox) == ["b_staff@example.vn", "secretary@example.vn"]
    mail = the_mail_to(mailoutbox, users.secretary)
    assert mail.subject == f"Nhắc việc ngày {days(0):%d/%m/%Y}: 3 việc cần làm"
    assert mail.body.startswith("Kính gửi đồng chí Secretary,")
    for what in (IMPLEMENTING, SESSIONS, REPORT):
        assert line(UNIT_A, what, days(3), "còn 3 ngày") in mail.body
    assert mail.body.count(link(guidance)) == 3
    assert UNIT_B not in mail.body
    other = the_mail_to(mailoutbox, b_staff)
    assert other.subject == f"Nhắc việc ngày {days(0):%d/%m/%Y}: 3 việc cần làm"
    assert other.body.startswith("Kính gửi đồng chí Trần Thị Bích,")
    for what in (IMPLEMENTING, SESSIONS, REPORT):
        assert line(UNIT_B, what, days(3), "còn 3 ngày") in other.body
    assert UNIT_A not in other.body
    # Nobody outside the recipient units: not the bloc's staff, not a cell's secretary.
    for user in (users.staff, users.cell_secretary, users.leader, users.outsider):
        assert not mails_to(mailoutbox, user)
    assert set(Reminder.objects.values_list("offset", "status").distinct()) == {(-3, "sent")}
    assert Notification.objects.filter(user=users.secretary).count() == 3


@pytest.mark.slow
def test_what_a_unit_has_done_is_not_reminded(guidance, current, tree, users, b_staff, mailoutbox):
    issue_plan(guidance, tree, users)  # grassroots_a's implementing obligation met
    hold_session(current, tree.grassroots_b)
    submit_report(tree.grassroots_b, guidance)

    run()

    mail = the_mail_to(mailoutbox, users.secretary)
    assert mail.subject.endswith(": 2 việc cần làm")
    assert line(UNIT_A, SESSIONS, days(3), "còn 3 ngày") in mail.body
    assert line(UNIT_A, REPORT, days(3), "còn 3 ngày") in mail.body
    assert IMPLEMENTING not in mail.body
    other = the_mail_to(mailoutbox, b_staff)
    assert other.subject.endswith(": 1 việc cần làm")
    assert line(UNIT_B, IMPLEMENTING, days(3), "còn 3 ngày") in other.body
    assert SESSIONS not in other.body
    assert "Báo cáo kết quả" not in other.body
    assert not Reminder.objects.filter(
        user=b_staff, obligation__kind__in=[Obligation.Kind.SESSIONS, Obligation.Kind.REPORT]
    ).exists()


@pytest.mark.slow
def test_one_digest_a_day_for_a_user_of_two_units_and_two_directives(
    guidance, current, tree, users, b_staff, mailoutbox
):
    MembershipFactory(user=users.secretary, unit=tree.grassroots_b, role=Role.STAFF)
    second = issue(
        current,
        tree,
        users,
        report_due=days(7),
        units=[tree.grassroots_a],
        subject="Hướng dẫn bổ sung",
        requires_sessions=False,
    )
    assert second.symbol == "02-HD/BTGĐUK"

    run()

    mail = the_mail_to(mailoutbox, users.secretary)
    assert mail.subject == f"Nhắc việc ngày {days(0):%d/%m/%Y}: 8 việc cần làm"
    for unit in (UNIT_A, UNIT_B):
        for what in (IMPLEMENTING, SESSIONS, REPORT):
            assert line(unit, what, days(3), "còn 3 ngày") in mail.body
    for what in (IMPLEMENTING, REPORT):
        assert line(UNIT_A, what, days(7), "còn 7 ngày", "02-HD/BTGĐUK") in mail.body
    assert link(second) in mail.body
    assert Digest.objects.filter(user=users.secretary).count() == 1
    assert Notification.objects.filter(user=users.secretary).count() == 8
    assert the_mail_to(mailoutbox, b_staff).subject.endswith(": 3 việc cần làm")


@pytest.mark.slow
def test_an_ended_membership_is_not_reminded(guidance, users, b_staff, mailoutbox):
    b_staff.memberships.update(end_date=days(-1))

    run()

    assert [m.to for m in mailoutbox] == [["secretary@example.vn"]]


# ---------------------------------------------------------------------------- which days


@pytest.mark.slow
def test_running_again_the_same_day_sends_and_creates_nothing(guidance, users, mailoutbox):
    run()
    rows = (Reminder.objects.count(), Digest.objects.count(), Notification.objects.count())

    output = run()
    reminders_scan()

    assert (
        output.strip()
        == f"Ngày {days(0):%d/%m/%Y}: tạo 0 nhắc việc, hủy 0 (việc đã xong), gửi 0 thư."
    )
    assert len(mailoutbox) == 2
    assert (Reminder.objects.count(), Digest.objects.count(), Notification.objects.count()) == rows


@pytest.mark.slow
def test_a_new_digest_comes_on_each_offset_day_and_none_between(
    guidance, users, b_staff, mailoutbox
):
    run_on(days(0))  # due in 3 days
    assert len(mailoutbox) == 2

    assert "tạo 0 nhắc việc" in run_on(days(1))  # due in 2 days: between offsets
    assert len(mailoutbox) == 2
    assert not Digest.objects.filter(day=days(1)).exists()

    run_on(days(2))  # due in 1 day
    assert len(mailoutbox) == 4
    mail = mails_to(mailoutbox, users.secretary)[-1]
    assert mail.subject == f"Nhắc việc ngày {days(2):%d/%m/%Y}: 3 việc cần làm"
    assert line(UNIT_A, REPORT, days(3), "còn 1 ngày") in mail.body

    run_on(days(3))  # on the day
    mail = mails_to(mailoutbox, users.secretary)[-1]
    assert line(UNIT_A, REPORT, days(3), "đến hạn hôm nay") in mail.body

    run_on(days(4))  # a day late
    mail = mails_to(mailoutbox, b_staff)[-1]
    assert line(UNIT_B, REPORT, days(3), "quá hạn 1 ngày") in mail.body
    assert len(mailoutbox) == 8
    assert sorted(
        Reminder.objects.filter(user=users.secretary, obligation__kind="report").values_list(
            "offset", flat=True
        )
    ) == [-3, -1, 0, 1]


@pytest.mark.slow
def test_a_directive_entered_long_after_its_deadline_gets_one_overdue_notice(
    current, tree, users, b_staff, mailoutbox
):
    late = issue(current, tree, users, report_due=days(-30), requires_implementing=False)

    run_on(days(0))

    assert len(mailoutbox) == 2
    for user, unit in ((users.secretary, UNIT_A), (b_staff, UNIT_B)):
        mail = the_mail_to(mailoutbox, user)
        assert mail.subject == f"Nhắc việc ngày {days(0):%d/%m/%Y}: 1 việc cần làm"
        assert line(unit, REPORT, days(-30), "quá hạn 30 ngày") in mail.body
        assert link(late) in mail.body
        assert list(Reminder.objects.filter(user=user).values_list("offset", flat=True)) == [7]

    run_on(days(1))

    assert len(mailoutbox) == 2
    assert Reminder.objects.count() == 2


@pytest.mark.slow
def test_the_offsets_come_from_settings(guidance, users, settings, mailoutbox):
    settings.REMINDER_OFFSETS = [-2, 0]

    assert "tạo 0 nhắc việc" in run_on(days(0))  # due in 3 days: no longer a reminder day
    assert not mailoutbox

    run_on(days(1))  # due in 2 days
    mail = the_mail_to(mailoutbox, users.secretary)
    assert line(UNIT_A, REPORT, days(3), "còn 2 ngày") in mail.body
    assert set(Reminder.objects.values_list("offset", flat=True)) == {-2}

    run_on(days(2))
    assert len(mailoutbox) == 2


@pytest.mark.slow
def test_a_digest_lists_each_item_once_after_days_when_none_was_sent(guidance, users, mailoutbox):
    """Day 0's digests never left (SMTP down, retries exhausted); on day 2 the new offset's
    digest must not list every item twice."""
    reminders_scan(day=days(0))

    result = reminders_scan(day=days(2))
    for digest_id in result.digest_ids:
        digest_send(digest_id)

    mail = the_mail_to(mailoutbox, users.secretary)
    assert mail.subject == f"Nhắc việc ngày {days(2):%d/%m/%Y}: 3 việc cần làm"
    assert mail.body.count(line(UNIT_A, REPORT, days(3), "còn 1 ngày")) == 1


# ---------------------------------------------------------------------------- done before sent


@pytest.mark.slow
def test_a_reminder_done_before_the_next_scan_is_cancelled_and_not_sent(
    guidance, tree, users, b_staff, mailoutbox
):
    reminders_scan()  # scheduled, not yet sent (no worker ran the digests)
    submit_report(tree.grassroots_b, guidance)

    output = run()

    assert "tạo 0 nhắc việc, hủy 1 (việc đã xong), gửi 2 thư." in output
    mail = the_mail_to(mailoutbox, b_staff)
    assert mail.subject.endswith(": 2 việc cần làm")
    assert "Báo cáo kết quả" not in mail.body
    reminder = Reminder.objects.get(user=b_staff, obligation__kind=Obligation.Kind.REPORT)
    assert reminder.status == Reminder.Status.CANCELLED
    assert not Notification.objects.filter(reminder=reminder).exists()


@pytest.mark.slow
def test_a_reminder_done_before_its_digest_leaves_is_not_sent(
    guidance, tree, users, b_staff, mailoutbox
):
    """The digest task may run long after the scan (a queue, SMTP retries for up to an hour):
    what the unit did meanwhile must not be reminded."""
    result = reminders_scan()
    submit_report(tree.grassroots_b, guidance)

    for digest_id in result.digest_ids:
        digest_send(digest_id)

    mail = the_mail_to(mailoutbox, b_staff)
    assert "Báo cáo kết quả" not in mail.body
    assert mail.subject.endswith(": 2 việc cần làm")
    reminder = Reminder.objects.get(user=b_staff, obligation__kind=Obligation.Kind.REPORT)
    assert reminder.status == Reminder.Status.CANCELLED
    assert not Notification.objects.filter(reminder=reminder).exists()


@pytest.mark.slow
def test_a_batch_sends_what_is_scheduled_when_each_digest_leaves_not_what_it_first_read(
    guidance, tree, users, b_staff, mailoutbox
):
    """digests_send reads a batch's reminders once; a digest whose reminders changed after that
    (one done meanwhile, one gone to another task) sends what is scheduled under its lock."""
    result = reminders_scan()
    stale = {
        b_staff.pk: list(Reminder.objects.filter(user=b_staff).select_related("obligation")),
        users.secretary.pk: [],  # read before its reminders were there
    }
    submit_report(tree.grassroots_b, guidance)
    cancel_done(result.digest_ids)

    for digest in Digest.objects.filter(pk__in=result.digest_ids):
        assert digest_send(digest.pk, read=stale) == "sent"

    staff_mail = the_mail_to(mailoutbox, b_staff)
    assert "Báo cáo kết quả" not in staff_mail.body
    assert staff_mail.subject.endswith(": 2 việc cần làm")
    secretary_reminders = Reminder.objects.filter(user=users.secretary)
    assert secretary_reminders.exists()
    assert set(secretary_reminders.values_list("status", flat=True)) == {Reminder.Status.SENT}
    assert the_mail_to(mailoutbox, users.secretary).subject.endswith(
        f": {secretary_reminders.count()} việc cần làm"
    )


# ---------------------------------------------------------------------------- the command


@pytest.mark.slow
def test_dry_run_counts_and_changes_nothing(guidance, mailoutbox):
    output = run("--dry-run")

    assert output.strip() == f"Ngày {days(0):%d/%m/%Y}: sẽ tạo 6 nhắc việc."
    assert not mailoutbox
    assert not Reminder.objects.exists()
    assert not Digest.objects.exists()
    assert not Notification.objects.exists()

    run()
    assert run("--dry-run").strip() == f"Ngày {days(0):%d/%m/%Y}: sẽ tạo 0 nhắc việc."
    assert run("--dry-run", "--date", days(2).isoformat()).strip() == (
        f"Ngày {days(2):%d/%m/%Y}: sẽ tạo 6 nhắc việc."
    )
    assert len(mailoutbox) == 2
    assert Reminder.objects.count() == 6


@pytest.mark.slow
def test_a_malformed_date_is_refused(guidance, mailoutbox):
    with pytest.raises(CommandError, match=r"^Ngày phải có dạng YYYY-MM-DD\.$"):
        run("--date", "2024-13-01")

    assert not Reminder.objects.exists()
    assert not mailoutbox


# ---------------------------------------------------------------------------- sending


@pytest.mark.slow
def test_sending_a_digest_twice_sends_one_mail(guidance, users, mailoutbox):
    result = reminders_scan()
    digest = Digest.objects.get(user=users.secretary)
    assert digest.pk in result.digest_ids

    assert digest_send(digest.pk) == "sent"
    assert digest_send(digest.pk) == "already sent"

    assert len(mails_to(mailoutbox, users.secretary)) == 1
    digest.refresh_from_db()
    assert digest.status == Digest.Status.SENT
    assert digest.attempts == 1
    assert digest.result == "e-mail to secretary@example.vn: 3 item(s)"
    assert Notification.objects.filter(user=users.secretary).count() == 3


@pytest.mark.slow
def test_a_user_without_e_mail_is_reminded_in_the_bell_only(
    guidance, users, b_staff, client_for, mailoutbox
):
    b_staff.email = ""
    b_staff.save(update_fields=["email"])

    assert "gửi 2 thư" in run()

    assert [m.to for m in mailoutbox] == [["secretary@example.vn"]]
    digest = Digest.objects.get(user=b_staff)
    assert digest.status == Digest.Status.SENT
    assert digest.result == "no e-mail address; 3 item(s) in the bell only"
    titles = set(Notification.objects.filter(user=b_staff).values_list("title", flat=True))
    assert titles == {
        line(UNIT_B, what, days(3), "còn 3 ngày") for what in (IMPLEMENTING, SESSIONS, REPORT)
    }
    assert badge(client_for(b_staff)) == "3"


# ---------------------------------------------------------------------------- the bell


@pytest.mark.slow
def test_the_bell_counts_lists_and_marks_read(guidance, users, client_for):
    client = client_for(users.secretary)
    assert badge(client) is None
    run()
    notifications = list(Notification.objects.filter(user=users.secretary))

    assert badge(client) == "3"
    listing = client.get(reverse("reports:notification_list"))
    assert badge(client, reverse("reports:notification_list")) == "3"
    for what in (IMPLEMENTING, SESSIONS, REPORT):
        assert line(UNIT_A, what, days(3), "còn 3 ngày") in listing.content.decode()

    first = notifications[0]
    response = client.post(reverse("reports:notification_read", args=[first.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("campaigns:directive_detail", args=[guidance.pk])
    assert client.get(response["Location"]).status_code == 200
    first.refresh_from_db()
    assert first.read_at is not None
    assert badge(client) == "2"

    response = client.post(reverse("reports:notification_read_all"), follow=True)

    assert response.redirect_chain == [(reverse("reports:notification_list"), 302)]
    assert "Đã đánh dấu 2 thông báo là đã đọc." in response.content.decode()
    assert not Notification.objects.filter(user=users.secretary, read_at__isnull=True).exists()
    assert badge(client) is None


@pytest.mark.slow
def test_nobody_marks_someone_elses_notification(guidance, users, b_staff, client_for):
    run()
    theirs = Notification.objects.filter(user=users.secretary).first()
    intruder = client_for(b_staff)

    response = intruder.post(reverse("reports:notification_read", args=[theirs.pk]))
    intruder.post(reverse("reports:notification_read_all"))

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert badge(client_for(users.secretary)) == "3"
    assert badge(intruder) is None


# ---------------------------------------------------------------------------- Celery


def test_the_daily_scan_is_scheduled_at_seven_hanoi_time():
    # The migration installs the schedule; a transactional test run earlier flushes every
    # table, so install it again the way the migration does (get_or_create: a no-op if there).
    migration = importlib.import_module("reports.migrations.0003_daily_reminder_scan")
    migration.add_schedule(django_apps, None)
    task = PeriodicTask.objects.get(task="reports.tasks.scan_reminders")

    assert task.enabled
    crontab = task.crontab
    assert (
        crontab.minute,
        crontab.hour,
        crontab.day_of_week,
        crontab.day_of_month,
        crontab.month_of_year,
    ) == ("0", "7", "*", "*", "*")
    assert str(crontab.timezone) == "Asia/Ho_Chi_Minh"


@pytest.mark.slow
def test_the_scan_task_sends_the_digests(guidance, users, b_staff, mailoutbox):
    assert scan_reminders.delay().get() == {"skipped": False, "created": 6, "digests": 2}

    assert sorted(m.to[0] for m in mailoutbox) == ["b_staff@example.vn", "secretary@example.vn"]
    assert scan_reminders.delay().get() == {"skipped": False, "created": 0, "digests": 0}
    assert len(mailoutbox) == 2

    ids = list(Digest.objects.values_list("pk", flat=True))
    assert send_digests.delay(ids).get() == {"already sent": 2}
    assert scan_reminders.delay(days(2).isoformat()).get()["created"] == 6
    assert len(mailoutbox) == 4
