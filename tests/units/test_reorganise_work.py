"""The work of units that merge, split and close: who acts on it from the day, what stays.

A campaign runs around today and the bloc's guidance is due in three days, so that a scan
today reminds everyone who owes something; the operations take effect today (they may not be
dated in the future). grassroots_a's secretary and grassroots_b's own secretary are the people
whose work moves.
"""

from __future__ import annotations

import lxml.html
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from campaigns import services as campaign_services
from campaigns.models import Milestone, Obligation
from reports import services as report_services
from reports.models import Digest, ProgressReport, PropagandaItem, Reminder, StudySession
from reports.reminders import digests_send, reminders_scan
from reports.search.models import SearchEntry
from reports.selectors import Stage, overdue_units, unit_todo
from tests.factories import MembershipFactory, UserFactory, kind
from tests.plugins.directives import make_draft
from tests.reports.test_reminders import days, issue, submit_report
from units.models import Membership, Role, Unit
from units.services import Decision, NewUnit, unit_close, unit_merge, unit_split

pytestmark = pytest.mark.django_db

DECISION = Decision(number="12-QĐ/ĐUK", body="Đảng ủy Khối cơ quan Dân Chính Đảng")
UNIT_A = "Đảng bộ Sở Tài chính"  # tree.grassroots_a
UNIT_B = "Chi bộ Sở Ngoại vụ"  # tree.grassroots_b
MERGED = "Đảng bộ Sở Tài chính – Ngoại vụ"
IMPLEMENTING, SESSIONS, REPORT = (
    Obligation.Kind.IMPLEMENTING,
    Obligation.Kind.SESSIONS,
    Obligation.Kind.REPORT,
)


# ---------------------------------------------------------------------------- helpers


def owed(directive, unit, kind: str) -> Obligation:
    """What `unit` was sent under `directive` (the recipient's obligation), as it is now."""
    return Obligation.objects.select_related("unit").get(
        directive=directive, recipient__unit=unit, kind=kind
    )


def where(directive, unit, kind: str) -> tuple[str, object, int | None]:
    """Who acts on it, since when, and which obligation answers for it."""
    obligation = owed(directive, unit, kind)
    return obligation.unit.code, obligation.handed_over_on, obligation.merged_into_id


def hold_session(campaign, unit, day) -> StudySession:
    return report_services.session_create(
        actor=None, campaign=campaign, unit=unit, held_on=day, form="regular", members_present=10
    )


def merged_unit() -> NewUnit:
    return NewUnit(code="DUK-AB", name=MERGED, kind=kind("dang-bo-co-so"))


def membership(user, unit) -> Membership:
    return Membership.objects.get(user=user, unit=unit, end_date__isnull=True)


def reminded(user, status: str = Reminder.Status.SCHEDULED) -> set[tuple[str, str]]:
    """(recipient unit code, kind) of the user's reminders in that state."""
    return set(
        Reminder.objects.filter(user=user, status=status).values_list(
            "obligation__recipient__unit__code", "obligation__kind"
        )
    )


def status_of(client, url: str) -> int:
    return client.get(url).status_code


def draft_by(issuer, campaign, units, **fields):
    """A draft of `issuer` to `units`, dated today: plan, sessions and report due in 3 days."""
    directive = make_draft(campaign, issuer, None, issue_date=days(0), **fields)
    campaign_services.milestones_replace(
        actor=None,
        directive=directive,
        milestones=[
            campaign_services.MilestoneData(
                kind=Milestone.Kind.REPORT_DUE, title="Báo cáo kết quả", due_date=days(3)
            )
        ],
    )
    campaign_services.recipients_add(actor=None, directive=directive, units=units)
    return directive


def issued_by(issuer, campaign, units, **fields):
    return campaign_services.directive_issue(
        actor=None, directive=draft_by(issuer, campaign, units, **fields)
    )


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
def b_secretary(tree):
    """grassroots_b's secretary, the only one responsible there."""
    user = UserFactory(username="b_secretary", full_name="Trần Thị Bích")
    MembershipFactory(user=user, unit=tree.grassroots_b, role=Role.SECRETARY)
    return user


@pytest.fixture
def guidance(current, tree, users, b_secretary):
    """01-HD/BTGĐUK to grassroots_a and grassroots_b: plan, sessions and report due in 3 days."""
    return issue(current, tree, users, report_due=days(3), study_due=days(3))


# ---------------------------------------------------------------------------- merge


def test_a_merger_hands_open_work_to_the_new_unit_and_leaves_done_work_where_it_was_done(
    current, guidance, tree, users, b_secretary
):
    # Done before the day: grassroots_a's plan, grassroots_b's session and report.
    tree.grassroots_a.symbol_code = "ĐU"
    tree.grassroots_a.save(update_fields=["symbol_code"])
    plan = campaign_services.directive_implement(
        actor=users.secretary, recipient=guidance.recipients.get(unit=tree.grassroots_a)
    )
    campaign_services.directive_update(actor=users.secretary, directive=plan, body="Nội dung.")
    plan = campaign_services.directive_issue(actor=users.secretary, directive=plan)
    session = hold_session(current, tree.grassroots_b, days(-2))
    submit_report(tree.grassroots_b, guidance)
    # Missed before the day: a report grassroots_b owed five days ago.
    missed = issue(
        current,
        tree,
        users,
        report_due=days(-5),
        units=[tree.grassroots_b],
        subject="Báo cáo sơ kết",
        requires_sessions=False,
    )
    # Under way: grassroots_a's report, in draft.
    draft = report_services.report_start(
        actor=None, obligation=owed(guidance, tree.grassroots_a, REPORT)
    )
    report_services.report_update(actor=None, report=draft, assessment="Đang tổng hợp.")

    assert [o.unit.code for o in overdue_units(current, tree.bloc)] == ["DUK-B"]

    operation = unit_merge(
        actor=users.admin,
        predecessors=[tree.grassroots_a, tree.grassroots_b],
        day=days(0),
        decision=DECISION,
        new=merged_unit(),
    )

    today = days(0)
    # What grassroots_b missed stays its own; nobody is left to call about it.
    assert overdue_units(current, tree.bloc) == []
    assert where(guidance, tree.grassroots_a, IMPLEMENTING) == ("DUK-A", None, None)
    assert where(guidance, tree.grassroots_a, SESSIONS) == ("DUK-AB", today, None)
    assert where(guidance, tree.grassroots_a, REPORT) == ("DUK-AB", today, None)
    assert where(guidance, tree.grassroots_b, IMPLEMENTING) == ("DUK-AB", today, None)
    assert where(guidance, tree.grassroots_b, SESSIONS) == ("DUK-B", None, None)
    assert where(guidance, tree.grassroots_b, REPORT) == ("DUK-B", None, None)
    assert where(missed, tree.grassroots_b, IMPLEMENTING) == ("DUK-B", None, None)
    assert where(missed, tree.grassroots_b, REPORT) == ("DUK-B", None, None)
    # The draft is the new unit's to finish; what was done is still its doers'.
    draft.refresh_from_db()
    assert (draft.unit.code, draft.status, draft.assessment) == (
        "DUK-AB",
        "draft",
        "Đang tổng hợp.",
    )
    sent = ProgressReport.objects.get(obligation=owed(guidance, tree.grassroots_b, REPORT))
    assert (sent.unit.code, sent.status) == ("DUK-B", "submitted")
    session.refresh_from_db()
    assert session.unit.code == "DUK-B"
    plan.refresh_from_db()
    assert (plan.issuer.code, plan.status) == ("DUK-A", "issued")
    assert owed(guidance, tree.grassroots_a, IMPLEMENTING).fulfilled_by == plan
    assert operation.summary["obligations_handed_over"] == 3
    assert operation.summary["report_drafts_moved"] == 1


def test_a_merger_into_a_unit_owing_the_same_work_lets_its_own_obligation_answer_for_both(
    current, guidance, tree, users, b_secretary, client_for
):
    draft = report_services.report_start(
        actor=None, obligation=owed(guidance, tree.grassroots_b, REPORT)
    )
    report_services.report_update(actor=None, report=draft, assessment="Bản của chi bộ.")

    operation = unit_merge(
        actor=users.admin,
        predecessors=[tree.grassroots_a, tree.grassroots_b],
        into=tree.grassroots_a,
        day=days(0),
        decision=DECISION,
        carry_over=[],
    )

    today = days(0)
    own_plan = owed(guidance, tree.grassroots_a, IMPLEMENTING)
    own_report = owed(guidance, tree.grassroots_a, REPORT)
    assert where(guidance, tree.grassroots_b, IMPLEMENTING) == ("DUK-A", today, own_plan.pk)
    assert where(guidance, tree.grassroots_b, REPORT) == ("DUK-A", today, own_report.pk)
    # Sessions are each unit's own: the successor now holds them for both.
    assert where(guidance, tree.grassroots_b, SESSIONS) == ("DUK-A", today, None)
    assert where(guidance, tree.grassroots_a, REPORT) == ("DUK-A", None, None)
    assert operation.summary["obligations_merged"] == 2
    # grassroots_b's draft carries on as grassroots_a's report, which had none.
    draft.refresh_from_db()
    assert (draft.obligation_id, draft.unit.code) == (own_report.pk, "DUK-A")

    # The to-do: grassroots_b's sessions, said to be taken over; its plan and report are
    # grassroots_a's own, listed once.
    labels = [item.label for item in unit_todo(users.secretary)]
    assert sorted(labels) == sorted(
        [
            "Ban hành văn bản thực hiện",
            "Tổ chức sinh hoạt",
            f"Tổ chức sinh hoạt (tiếp nhận từ {UNIT_B})",
            "Báo cáo kết quả (Báo cáo kết quả đợt sinh hoạt) – đang soạn, chưa gửi",
        ]
    )
    # A session grassroots_a holds from the day meets grassroots_b's sessions too.
    hold_session(current, tree.grassroots_a, today)
    items = {item.obligation.pk: item for item in unit_todo(users.secretary)}
    taken = items[owed(guidance, tree.grassroots_b, SESSIONS).pk]
    assert (taken.label, taken.stage) == (f"Đã tổ chức 1 buổi (tiếp nhận từ {UNIT_B})", Stage.DONE)

    # Starting the merged report opens the one that answers for it.
    client = client_for(users.secretary)
    merged = owed(guidance, tree.grassroots_b, REPORT)
    response = client.post(reverse("reports:report_start", args=[merged.pk]))
    assert response.url == reverse("reports:report_edit", args=[draft.pk])

    # One plan and one report meet both units' obligations.
    tree.grassroots_a.symbol_code = "ĐU"
    tree.grassroots_a.save(update_fields=["symbol_code"])
    plan = campaign_services.directive_implement(
        actor=users.secretary, recipient=guidance.recipients.get(unit=tree.grassroots_b)
    )
    assert (plan.issuer.code, plan.responds_to.unit.code) == ("DUK-A", "DUK-A")
    campaign_services.directive_update(actor=users.secretary, directive=plan, body="Nội dung.")
    plan = campaign_services.directive_issue(actor=users.secretary, directive=plan)
    for unit in (tree.grassroots_a, tree.grassroots_b):
        assert owed(guidance, unit, IMPLEMENTING).fulfilled_by == plan
    submit_report(tree.grassroots_a, guidance)
    assert owed(guidance, tree.grassroots_b, REPORT).fulfilled_at is not None

    # The issuer's page says who carries on grassroots_b's work, and that its plan is issued.
    page = client_for(users.staff).get(guidance.get_absolute_url())
    row = lxml.html.fromstring(page.text).xpath('//tr[@data-unit="DUK-B"]')[0]
    text = " ".join(row.text_content().split())
    assert f"do {UNIT_A} thực hiện từ {today:%d/%m/%Y}" in text
    assert f"Đã ban hành {plan.symbol}" in text


def test_after_a_merger_the_successors_secretary_is_reminded_and_not_the_closed_units(
    current, guidance, tree, users, b_secretary, mailoutbox
):
    first = reminders_scan()
    assert reminded(b_secretary) == {
        ("DUK-B", IMPLEMENTING),
        ("DUK-B", SESSIONS),
        ("DUK-B", REPORT),
    }
    assert len(reminded(users.secretary)) == 3

    operation = unit_merge(
        actor=users.admin,
        predecessors=[tree.grassroots_a, tree.grassroots_b],
        into=tree.grassroots_a,
        day=days(0),
        decision=DECISION,
        carry_over=[],  # grassroots_b's secretary has no role at grassroots_a
    )

    assert operation.summary["reminders_withdrawn"] == 3
    assert reminded(b_secretary) == set()
    assert reminded(b_secretary, Reminder.Status.HANDED_OVER) == {
        ("DUK-B", IMPLEMENTING),
        ("DUK-B", SESSIONS),
        ("DUK-B", REPORT),
    }
    second = reminders_scan()
    # grassroots_b's sessions, now grassroots_a's to hold; its plan and report are answered by
    # grassroots_a's own, already reminded.
    assert second.created == 1
    assert reminded(users.secretary) == {
        ("DUK-A", IMPLEMENTING),
        ("DUK-A", SESSIONS),
        ("DUK-A", REPORT),
        ("DUK-B", SESSIONS),
    }
    assert reminded(b_secretary) == set()
    digests_send(sorted({*first.digest_ids, *second.digest_ids}))

    assert [m.to for m in mailoutbox] == [[users.secretary.email]]
    body = mailoutbox[0].body
    assert mailoutbox[0].subject.endswith(": 4 việc cần làm")
    assert (
        f"{UNIT_A} (tiếp nhận từ {UNIT_B}): Tổ chức sinh hoạt theo Hướng dẫn số 01-HD/BTGĐUK"
        f" – hạn {days(3):%d/%m/%Y} (còn 3 ngày)"
    ) in body
    assert Digest.objects.get(user=b_secretary).result == "nothing pending"


def test_a_person_carried_over_to_the_successor_is_reminded_there(
    current, guidance, tree, users, b_secretary
):
    reminders_scan()
    unit_merge(
        actor=users.admin,
        predecessors=[tree.grassroots_a, tree.grassroots_b],
        day=days(0),
        decision=DECISION,
        new=merged_unit(),  # everyone carried over with their role
    )

    # Both secretaries are the new unit's: only what is now answered by grassroots_a's own
    # plan and report (handed over first) was withdrawn.
    assert reminded(b_secretary, Reminder.Status.HANDED_OVER) == {
        ("DUK-B", IMPLEMENTING),
        ("DUK-B", REPORT),
    }
    assert reminded(users.secretary, Reminder.Status.HANDED_OVER) == set()
    assert membership(b_secretary, Unit.objects.get(code="DUK-AB")).role == Role.SECRETARY
    reminders_scan()
    # Each is reminded of what the new unit acts on: grassroots_a's three and grassroots_b's
    # sessions (its plan and report are answered by grassroots_a's, handed over first).
    expected = {
        ("DUK-A", IMPLEMENTING),
        ("DUK-A", SESSIONS),
        ("DUK-A", REPORT),
        ("DUK-B", SESSIONS),
    }
    assert reminded(users.secretary) == expected
    assert reminded(b_secretary) == expected


# ---------------------------------------------------------------------------- split


def test_a_split_hands_open_work_to_the_part_that_takes_over_and_reminds_its_people(
    current, guidance, tree, users, b_secretary
):
    reminders_scan()
    first, second = (
        NewUnit(code="DUK-A1", name="Đảng bộ Sở Tài chính (Văn phòng)", kind=kind("dang-bo-co-so")),
        NewUnit(code="DUK-A2", name="Đảng bộ Sở Tài chính (Thanh tra)", kind=kind("dang-bo-co-so")),
    )
    operation = unit_split(
        actor=users.admin,
        unit=tree.grassroots_a,
        parts=[first, second],
        day=days(0),
        decision=DECISION,
        takes_over=1,
        children={tree.cell_a1.pk: 0, tree.cell_a2.pk: 1},
        carry_over=[],
    )
    taker = Unit.objects.get(code="DUK-A2")
    part_secretary = UserFactory(username="part_secretary", full_name="Lê Văn Phần")
    MembershipFactory(user=part_secretary, unit=taker, role=Role.SECRETARY, start_date=days(0))

    today = days(0)
    for kind_ in (IMPLEMENTING, SESSIONS, REPORT):
        assert where(guidance, tree.grassroots_a, kind_) == ("DUK-A2", today, None)
        assert where(guidance, tree.grassroots_b, kind_) == ("DUK-B", None, None)
    assert operation.summary["obligations_handed_over"] == 3
    assert reminded(users.secretary) == set()
    assert len(reminded(users.secretary, Reminder.Status.HANDED_OVER)) == 3

    reminders_scan()

    assert reminded(part_secretary) == {
        ("DUK-A", IMPLEMENTING),
        ("DUK-A", SESSIONS),
        ("DUK-A", REPORT),
    }
    assert reminded(users.secretary) == set()
    # grassroots_b is not concerned.
    assert len(reminded(b_secretary)) == 3


# ---------------------------------------------------------------------------- close


def test_a_closure_hands_open_work_to_the_parent_and_shuts_out_the_former_secretary(
    current, tree, users, b_secretary, client_for
):
    # The city's guidance: the bloc, which did not ask for it, carries it on for the cell.
    guidance = issued_by(tree.city_btg, current, [tree.grassroots_b], symbol_code="BTGTU")
    hold_session(current, tree.grassroots_b, days(-1))
    report = owed(guidance, tree.grassroots_b, REPORT)
    client = client_for(b_secretary)
    pages = [
        reverse("units:unit_detail", args=[tree.grassroots_b.pk]),
        reverse("reports:unit_work", args=[tree.grassroots_b.pk]),
    ]
    assert [status_of(client, url) for url in pages] == [200, 200]

    unit_close(
        actor=users.admin, unit=tree.grassroots_b, day=days(0), decision=DECISION, carry_over=[]
    )

    today = days(0)
    assert where(guidance, tree.grassroots_b, IMPLEMENTING) == ("DUK", today, None)
    assert where(guidance, tree.grassroots_b, REPORT) == ("DUK", today, None)
    assert where(guidance, tree.grassroots_b, SESSIONS) == ("DUK-B", None, None)  # held
    reminders_scan()
    assert reminded(users.staff) == {("DUK-B", IMPLEMENTING), ("DUK-B", REPORT)}
    assert reminded(b_secretary) == set()

    # From the day, the former secretary sees neither the unit nor its work.
    client = client_for(b_secretary)
    assert [status_of(client, url) for url in pages] == [404, 404]
    assert client.post(reverse("reports:report_start", args=[report.pk])).status_code == 404
    assert not Membership.objects.active().filter(user=b_secretary).exists()


# ---------------------------------------------------------------------------- over the web


@pytest.fixture
def sent_to_b(current, tree, users, b_secretary):
    """A guidance to grassroots_b alone, report due in 3 days: grassroots_a owes none of it."""
    return issue(current, tree, users, report_due=days(3), units=[tree.grassroots_b])


@pytest.mark.parametrize("carried", [False, True])
def test_the_successors_secretary_writes_the_report_taken_over(
    sent_to_b, tree, users, b_secretary, client_for, carried
):
    unit_merge(
        actor=users.admin,
        predecessors=[tree.grassroots_a, tree.grassroots_b],
        into=tree.grassroots_a,
        day=days(0),
        decision=DECISION,
        carry_over=None if carried else [],
    )
    obligation = owed(sent_to_b, tree.grassroots_b, REPORT)
    assert (obligation.unit.code, obligation.merged_into_id) == ("DUK-A", None)

    client = client_for(users.secretary)
    home = client.get("/")
    assert f"Báo cáo kết quả (Báo cáo kết quả đợt sinh hoạt) (tiếp nhận từ {UNIT_B})" in home.text
    response = client.post(reverse("reports:report_start", args=[obligation.pk]))
    report = ProgressReport.objects.get(obligation=obligation)
    assert response.url == reverse("reports:report_edit", args=[report.pk])
    assert report.unit.code == "DUK-A"
    response = client.post(
        reverse("reports:report_edit", args=[report.pk]),
        {
            "assessment": "Chi bộ Sở Ngoại vụ đã hoàn thành việc học tập.",
            "strengths": "",
            "limits": "",
            "proposals": "",
            "submit": "1",
        },
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.SUBMITTED
    assert report.submitted_by == users.secretary
    obligation.refresh_from_db()
    assert obligation.fulfilled_at is not None

    # grassroots_b's former secretary: shut out, unless carried over to grassroots_a, whose
    # subtree now holds grassroots_b.
    former = client_for(b_secretary)
    closed_page = reverse("units:unit_detail", args=[tree.grassroots_b.pk])
    assert status_of(former, closed_page) == (200 if carried else 404)
    assert status_of(former, report.get_absolute_url()) == (200 if carried else 404)


def test_the_successor_starts_and_issues_the_plan_it_took_over(
    guidance, tree, users, b_secretary, client_for
):
    unit_merge(
        actor=users.admin,
        predecessors=[tree.grassroots_a, tree.grassroots_b],
        day=days(0),
        decision=DECISION,
        new=NewUnit(code="DUK-AB", name=MERGED, kind=kind("dang-bo-co-so"), symbol_code="ĐU"),
    )
    taken = owed(guidance, tree.grassroots_b, IMPLEMENTING)
    assert taken.merged_into == owed(guidance, tree.grassroots_a, IMPLEMENTING)
    principal = owed(guidance, tree.grassroots_a, IMPLEMENTING)
    assert principal.unit.code == "DUK-AB"

    # grassroots_b's former secretary, now the new unit's, starts it from the home page.
    client = client_for(b_secretary)
    labels = [item.label for item in unit_todo(b_secretary)]
    assert f"Ban hành văn bản thực hiện (tiếp nhận từ {UNIT_A})" in labels
    response = client.post(reverse("campaigns:directive_implement", args=[taken.recipient_id]))
    plan = guidance.implemented_by.get()
    assert response.url == reverse("campaigns:directive_edit", args=[plan.pk])
    # Written as the new unit, answering the row its plan now stands for.
    assert (plan.issuer.code, plan.responds_to.unit.code) == ("DUK-AB", "DUK-A")
    campaign_services.directive_update(actor=b_secretary, directive=plan, body="Nội dung.")
    plan = campaign_services.directive_issue(actor=b_secretary, directive=plan)

    for unit in (tree.grassroots_a, tree.grassroots_b):
        assert owed(guidance, unit, IMPLEMENTING).fulfilled_by == plan
    # The former secretary of neither closed unit can start one for them any more.
    former = UserFactory(username="former")
    MembershipFactory(user=former, unit=tree.grassroots_b, role=Role.SECRETARY, end_date=days(-1))
    response = client_for(former).post(
        reverse("campaigns:directive_implement", args=[taken.recipient_id])
    )
    assert response.status_code == 404


def test_a_plan_taken_over_alone_is_answered_by_the_successor_for_the_predecessors_row(
    sent_to_b, tree, users, client_for
):
    tree.grassroots_a.symbol_code = "ĐU"
    tree.grassroots_a.save(update_fields=["symbol_code"])
    unit_merge(
        actor=users.admin,
        predecessors=[tree.grassroots_a, tree.grassroots_b],
        into=tree.grassroots_a,
        day=days(0),
        decision=DECISION,
    )
    taken = owed(sent_to_b, tree.grassroots_b, IMPLEMENTING)
    assert (taken.unit.code, taken.merged_into_id) == ("DUK-A", None)

    response = client_for(users.secretary).post(
        reverse("campaigns:directive_implement", args=[taken.recipient_id])
    )
    plan = sent_to_b.implemented_by.get()
    assert response.url == reverse("campaigns:directive_edit", args=[plan.pk])
    assert (plan.issuer.code, plan.responds_to.unit.code) == ("DUK-A", "DUK-B")
    campaign_services.directive_update(actor=users.secretary, directive=plan, body="Nội dung.")
    plan = campaign_services.directive_issue(actor=users.secretary, directive=plan)

    taken.refresh_from_db()
    assert taken.fulfilled_by == plan
    labels = [item.label for item in unit_todo(users.secretary)]
    assert f"Đã ban hành {plan.display_title} (tiếp nhận từ {UNIT_B})" in labels


@pytest.mark.parametrize(
    ("issuer", "handed_to"),
    [("city_btg", "DUK"), ("bloc_btg", None), ("bloc", None)],
)
def test_a_closed_units_work_asked_for_by_its_successor_stays_with_it(
    current, tree, users, b_secretary, issuer, handed_to
):
    """A committee does not owe itself (or its own department) a plan or a report: what it or
    its organ asked of the closed cell stays the cell's; what a higher level asked goes to it."""
    directive = issued_by(getattr(tree, issuer), current, [tree.grassroots_b], symbol_code="X")

    operation = unit_close(
        actor=users.admin, unit=tree.grassroots_b, day=days(0), decision=DECISION, carry_over=[]
    )

    expected = ("DUK", days(0), None) if handed_to else ("DUK-B", None, None)
    for kind_ in (IMPLEMENTING, SESSIONS, REPORT):
        assert where(directive, tree.grassroots_b, kind_) == expected
    assert operation.summary.get("obligations_handed_over", 0) == (3 if handed_to else 0)
    # Nobody is reminded of what stayed with the closed unit.
    reminders_scan()
    assert reminded(users.staff) == (
        {("DUK-B", IMPLEMENTING), ("DUK-B", REPORT)} if handed_to else set()
    )


# ---------------------------------------------------------------------------- no new work


def test_a_draft_still_addressed_to_a_closed_unit_is_not_issued(current, tree, users, b_secretary):
    draft = draft_by(tree.bloc_btg, current, [tree.grassroots_a, tree.grassroots_b])
    unit_merge(
        actor=users.admin,
        predecessors=[tree.grassroots_a, tree.grassroots_b],
        day=days(0),
        decision=DECISION,
        new=merged_unit(),
    )

    def closed(name: str) -> str:
        return (
            f"Nơi nhận {name} đã không còn hoạt động từ ngày {days(0):%d/%m/%Y}; "
            f"đơn vị kế thừa: {MERGED}. Hãy bỏ đơn vị này khỏi nơi nhận."
        )

    problems = [p.messages[0] for p in campaign_services.issue_problems(draft)]
    assert closed(UNIT_A) in problems
    assert closed(UNIT_B) in problems
    with pytest.raises(ValidationError) as refused:
        campaign_services.directive_issue(actor=users.staff, directive=draft)
    assert closed(UNIT_A) in refused.value.messages
    assert not Obligation.objects.filter(directive=draft).exists()

    # Nor can a closed unit be added; once the closed ones are taken off, it is issued.
    with pytest.raises(ValidationError) as refused:
        campaign_services.recipients_add(
            actor=users.staff, directive=draft, units=[Unit.objects.get(pk=tree.grassroots_b.pk)]
        )
    assert refused.value.messages == [closed(UNIT_B)]
    successor = Unit.objects.get(code="DUK-AB")
    campaign_services.recipients_remove(
        actor=users.staff,
        directive=draft,
        unit_ids=[tree.grassroots_a.pk, tree.grassroots_b.pk],
    )
    campaign_services.recipients_add(actor=users.staff, directive=draft, units=[successor])
    issued = campaign_services.directive_issue(actor=users.staff, directive=draft)
    assert {o.unit.code for o in Obligation.objects.filter(directive=issued)} == {"DUK-AB"}


@pytest.fixture
def closed_b(current, guidance, tree, users, b_secretary):
    """grassroots_b, closed today into the bloc after holding a session two days ago; the
    bloc's guidance (asked by the bloc itself) stays its own."""
    session = hold_session(current, tree.grassroots_b, days(-2))
    PropagandaItem.objects.create(
        campaign=current,
        unit=tree.grassroots_b,
        published_on=days(-2),
        kind=PropagandaItem.Kind.values[0],
        channel=PropagandaItem.Channel.values[0],
        title="Tin sinh hoạt chuyên đề",
    )
    unit_close(
        actor=users.admin, unit=tree.grassroots_b, day=days(0), decision=DECISION, carry_over=[]
    )
    return Unit.objects.get(pk=tree.grassroots_b.pk), session


def test_a_closed_unit_takes_no_new_work_dated_from_its_closing_day(current, guidance, closed_b):
    unit, session = closed_b
    gone = f"{UNIT_B} đã không còn hoạt động từ ngày {days(0):%d/%m/%Y}: "

    with pytest.raises(ValidationError) as refused:
        hold_session(current, unit, days(0))
    assert refused.value.message_dict["held_on"] == [
        gone + "không ghi được buổi sinh hoạt từ ngày đó; hãy ghi cho đơn vị kế thừa."
    ]
    with pytest.raises(ValidationError) as refused:
        report_services.session_update(actor=None, session=session, held_on=days(1))
    assert "held_on" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        report_services.propaganda_create(
            actor=None,
            campaign=current,
            unit=unit,
            published_on=days(0),
            kind=PropagandaItem.Kind.values[0],
            channel=PropagandaItem.Channel.values[0],
            title="Tin sau ngày giải thể",
        )
    assert refused.value.message_dict["published_on"] == [
        gone + "không ghi được tin, bài đăng từ ngày đó; hãy ghi cho đơn vị kế thừa."
    ]
    item = PropagandaItem.objects.get(unit=unit)
    with pytest.raises(ValidationError):
        report_services.propaganda_update(actor=None, item=item, published_on=days(0))
    with pytest.raises(ValidationError) as refused:
        report_services.report_start(actor=None, obligation=owed(guidance, unit, REPORT))
    assert refused.value.messages == [gone + "không soạn được báo cáo mới cho đơn vị này."]
    assert not ProgressReport.objects.exists()

    # What happened before the day may still be entered or corrected.
    hold_session(current, unit, days(-1))
    report_services.session_update(actor=None, session=session, topic="Chuyên đề năm")
    report_services.propaganda_update(actor=None, item=item, title="Tin đã sửa")
    assert StudySession.objects.filter(unit=unit).count() == 2


def test_a_closed_units_work_page_offers_no_new_work_and_its_forms_refuse_it(
    current, guidance, closed_b, users, client_for
):
    unit, _ = closed_b
    client = client_for(users.staff)
    work = f"{reverse('reports:unit_work', args=[unit.pk])}?campaign={current.pk}"
    page = client.get(work).text
    assert f"Đơn vị đã không còn hoạt động từ ngày {days(0):%d/%m/%Y}" in page
    for button in ("Ghi buổi sinh hoạt", "Ghi tin, bài", "Soạn báo cáo"):
        assert button not in page
    open_page = client.get(
        f"{reverse('reports:unit_work', args=[guidance.recipients.get(unit__code='DUK-A').unit_id])}"
        f"?campaign={current.pk}"
    ).text
    assert "Ghi buổi sinh hoạt" in open_page

    response = client.post(
        f"{reverse('reports:session_create', args=[unit.pk])}?campaign={current.pk}",
        {
            "held_on": days(0).isoformat(),
            "form": "regular",
            "topic": "Chuyên đề sau giải thể",
            "members_present": "5",
            "officials_present": "0",
            "youth_present": "0",
            "others_present": "0",
            "reflections": "0",
        },
    )
    assert response.status_code == 200
    assert "không ghi được buổi sinh hoạt từ ngày đó" in response.text
    assert 'value="Chuyên đề sau giải thể"' in response.text
    assert StudySession.objects.filter(unit=unit).count() == 1

    response = client.post(
        f"{reverse('reports:propaganda_create', args=[unit.pk])}?campaign={current.pk}",
        {
            "published_on": days(1).isoformat(),
            "kind": PropagandaItem.Kind.values[0],
            "channel": PropagandaItem.Channel.values[0],
            "title": "Tin sau ngày giải thể",
        },
    )
    assert response.status_code == 200
    assert "không ghi được tin, bài đăng từ ngày đó" in response.text
    assert 'value="Tin sau ngày giải thể"' in response.text
    assert PropagandaItem.objects.filter(unit=unit).count() == 1


def test_a_moved_report_draft_is_found_under_the_successor(
    current, guidance, tree, users, b_secretary
):
    draft = report_services.report_start(
        actor=None, obligation=owed(guidance, tree.grassroots_a, REPORT)
    )
    assert SearchEntry.objects.get(kind=SearchEntry.Kind.REPORT, object_id=draft.pk).issuer == (
        UNIT_A
    )

    unit_merge(
        actor=users.admin,
        predecessors=[tree.grassroots_a, tree.grassroots_b],
        day=days(0),
        decision=DECISION,
        new=merged_unit(),
    )

    entry = SearchEntry.objects.get(kind=SearchEntry.Kind.REPORT, object_id=draft.pk)
    assert (entry.unit_id, entry.issuer) == (Unit.objects.get(code="DUK-AB").pk, MERGED)
