"""Figures across a merger: the same totals before and after it, the successor's row the sum of
its predecessors', work it does for them counted for them, and the dashboard as of a past day
showing the tree, names and figures of that day."""

from __future__ import annotations

import datetime
import io
import re
import zoneinfo
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from campaigns import services as campaign_services
from campaigns.models import Milestone, Obligation
from campaigns.services.issuing import members_brought_in
from reports import services
from reports.figures import Figures, Rollup, names_on, rollup
from reports.models import ProgressReport, StudySession
from tests.factories import UnitFactory, kind
from tests.plugins.directives import BODY, make_draft
from units import services as unit_services
from units.models import Reorganisation, Unit

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
DECISION = unit_services.Decision(number="12-QĐ/ĐUK", body="Ban Thường vụ Đảng ủy Khối")


def day(offset: int) -> datetime.date:
    """A day `offset` days from today (the campaign's deadlines fall after today)."""
    return timezone.localdate() + datetime.timedelta(days=offset)


def moment(on: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(on, datetime.time(9, 0), tzinfo=HCM)


def issue(campaign, tree, users, units, *, due: datetime.date, issued: datetime.date):
    """The bloc's guidance to `units`, asking for sessions and a report due `due`, dated
    `issued`."""
    draft = make_draft(campaign, tree.bloc_btg, users.staff, issue_date=issued)
    campaign_services.milestones_replace(
        actor=users.staff,
        directive=draft,
        milestones=[
            campaign_services.MilestoneData(
                kind=Milestone.Kind.REPORT_DUE, title="Báo cáo kết quả", due_date=due
            )
        ],
    )
    campaign_services.recipients_add(actor=users.staff, directive=draft, units=units)
    return campaign_services.directive_issue(actor=users.staff, directive=draft)


@pytest.fixture
def world(tree, users) -> SimpleNamespace:
    """Three grassroots cells of the bloc (10, 8 and 6 members), sent a guidance 100 days ago
    whose report is due in 30 days."""
    cell = kind("chi-bo-co-so")
    x1 = UnitFactory(
        parent=tree.bloc, code="X1", name="Chi bộ Sở Xây dựng", kind=cell, member_count=10
    )
    x2 = UnitFactory(
        parent=tree.bloc, code="X2", name="Chi bộ Sở Giao thông", kind=cell, member_count=8
    )
    x3 = UnitFactory(
        parent=tree.bloc, code="X3", name="Chi bộ Sở Công thương", kind=cell, member_count=6
    )
    campaign = campaign_services.campaign_create(
        actor=users.staff,
        owner=tree.bloc,
        title="Học tập Nghị quyết Đại hội",
        subject="Đợt học tập, quán triệt Nghị quyết Đại hội.",
        start_date=day(-120),
        end_date=day(120),
    )
    directive = issue(campaign, tree, users, [x1, x2, x3], due=day(30), issued=day(-100))
    return SimpleNamespace(campaign=campaign, directive=directive, x1=x1, x2=x2, x3=x3)


def log(world, unit, on: datetime.date, present: int, *, reflections: int = 0) -> StudySession:
    return services.session_create(
        actor=None,
        campaign=world.campaign,
        unit=unit,
        held_on=on,
        form=StudySession.Form.REGULAR,
        members_present=present,
        reflections=reflections,
    )


def submit(world, unit, on: datetime.date) -> ProgressReport:
    """`unit` submits the report it acts on now (its own, or one handed to it), on that day."""
    obligation = Obligation.objects.get(
        directive=world.directive, unit=unit, recipient__unit=unit, kind=Obligation.Kind.REPORT
    )
    report = services.report_start(actor=None, obligation=obligation)
    services.report_update(actor=None, report=report, assessment="Đã triển khai.")
    report = services.report_submit(actor=None, report=report)
    ProgressReport.objects.filter(pk=report.pk).update(
        first_submitted_at=moment(on), submitted_at=moment(on)
    )
    return report


def merge(units, on: datetime.date, **target) -> Reorganisation:
    fresh = [Unit.objects.get(pk=unit.pk) for unit in units]
    return unit_services.unit_merge(
        actor=None, predecessors=fresh, day=on, decision=DECISION, **target
    )


def merge_into_new(tree, units, on: datetime.date) -> Unit:
    merge(
        units,
        on,
        new=unit_services.NewUnit(
            code="XN",
            name="Chi bộ Sở Xây dựng – Giao thông",
            kind=kind("chi-bo-co-so"),
            parent=Unit.objects.get(pk=tree.bloc.pk),
        ),
    )
    return Unit.objects.get(code="XN")


def rows_of(result: Rollup) -> dict[str, Figures]:
    return {row.unit.code: row.figures for row in result.children}


def fresh(unit: Unit) -> Unit:
    return Unit.objects.get(pk=unit.pk)


# ---------------------------------------------------------------------------- totals kept


def test_a_merger_keeps_the_totals_and_the_successor_row_is_its_predecessors_sum(
    world, tree, users
):
    # x1 held a session and reported; x2 did neither; x3 held one.
    log(world, world.x1, day(-50), 9, reflections=7)
    submit(world, world.x1, day(-40))
    log(world, world.x3, day(-45), 5)
    roots = (tree.bloc, tree.city)
    before = {u.code: rollup(world.campaign, fresh(u)).total.as_dict() for u in roots}
    rows_before = rows_of(rollup(world.campaign, fresh(tree.bloc)))

    successor = merge_into_new(tree, [world.x1, world.x2], day(-10))

    after = {u.code: rollup(world.campaign, fresh(u)).total.as_dict() for u in roots}
    rows_after = rows_of(rollup(world.campaign, fresh(tree.bloc)))
    assert after == before
    assert (before["DUK"]["expected_units"], before["DUK"]["organised_units"]) == (3, 2)
    assert (before["DUK"]["participants"], before["DUK"]["reports_on_time"]) == (14, 1)
    # The predecessors stand, closed, under the successor.
    assert list(rows_after) == ["DUK-BTG", "DUK-A", "DUK-B", "X3", "XN"]
    summed = rows_before["X1"] + rows_before["X2"]
    assert rows_after["XN"].as_dict() == summed.as_dict()
    assert rows_after["XN"].expected_units == 2
    assert rows_after["X3"] == rows_before["X3"]

    # The drill-down into the successor lists each predecessor as it was, marked closed.
    inside = rollup(world.campaign, successor)
    assert rows_of(inside) == {"X1": rows_before["X1"], "X2": rows_before["X2"]}
    assert all(row.closed for row in inside.children)
    ended = inside.children[0].ended
    assert (ended.kind, ended.successor, ended.day) == ("merge", successor, day(-10))


def test_a_session_the_successor_holds_after_the_merger_organises_the_predecessor(
    world, tree, users
):
    log(world, world.x1, day(-50), 9)
    successor = merge_into_new(tree, [world.x1, world.x2], day(-10))
    x2 = rows_of(rollup(world.campaign, successor))["X2"]
    assert (x2.organised_units, x2.participants) == (0, 0)

    log(world, successor, day(-5), 15)

    x2 = rows_of(rollup(world.campaign, successor))["X2"]
    assert (x2.organised_units, x2.participants, x2.members) == (1, 8, 8)
    total = rollup(world.campaign, fresh(tree.bloc)).total
    assert (total.organised_units, total.expected_units) == (3 - 1, 3)  # x3 did nothing
    # x2 took 8 of the 15 present; x1 counts its own session (9 of 10), not the successor's.
    assert total.participants == 9 + 8


def test_a_session_before_the_hand_over_does_not_count_for_the_predecessor(world, tree, users):
    log(world, world.x3, day(-12), 6)
    # x2 merges into x3 two days after x3's session: that session was not held for x2.
    merge([world.x2, world.x3], day(-10), into=fresh(world.x3))

    total = rollup(world.campaign, fresh(tree.bloc)).total
    assert (total.organised_units, total.participants) == (1, 6)


def test_no_rate_passes_100_when_the_successor_answers_for_several_units(world, tree, users):
    # x2 and x3 merge into x1, which carries on (24 members now; 10 frozen at issue).
    merge([world.x1, world.x2, world.x3], day(-10), into=fresh(world.x1))
    log(world, fresh(world.x1), day(-5), 20)

    result = rollup(world.campaign, fresh(tree.bloc))
    total = result.total
    # 20 present: x1's own 10 first, then x2's 8, then 2 of x3's 6.
    assert (total.organised_units, total.participants, total.members) == (3, 20, 24)
    inside = rollup(world.campaign, fresh(world.x1))
    participants = {row.unit.code: row.figures.participants for row in inside.children}
    assert participants == {"X2": 8, "X3": 2}
    assert inside.own.participants == 10
    for figures in [total, inside.own, *(row.figures for row in inside.children)]:
        assert figures.participation_rate is None or figures.participation_rate <= 100
    # The share does not depend on the subtree viewed.
    assert rollup(world.campaign, fresh(world.x3)).total.participants == 2


def test_a_report_merged_into_the_successors_counts_with_its_state(world, tree, users):
    merge([world.x1, world.x2], day(-10), into=fresh(world.x1))
    merged = Obligation.objects.get(
        directive=world.directive, recipient__unit=world.x2, kind=Obligation.Kind.REPORT
    )
    assert merged.merged_into is not None
    total = rollup(world.campaign, fresh(tree.bloc)).total
    assert (total.reports_on_time, total.reports_pending) == (0, 3)

    submit(world, fresh(world.x1), day(-3))

    total = rollup(world.campaign, fresh(tree.bloc)).total
    assert (total.reports_expected, total.reports_on_time, total.reports_pending) == (3, 2, 1)
    x2 = {r.unit.code: r.figures for r in rollup(world.campaign, fresh(world.x1)).children}["X2"]
    assert x2.reports_on_time == 1
    # On a day before the successor reported, neither had.
    assert rollup(world.campaign, fresh(tree.bloc), as_of=day(-4)).total.reports_on_time == 0


def test_a_unit_closed_before_the_campaign_is_left_out_of_the_rows(world, tree):
    UnitFactory(
        parent=tree.bloc,
        code="OLD",
        name="Chi bộ đã giải thể",
        kind=kind("chi-bo-co-so"),
        closed_on=day(-400),
        is_active=False,
    )

    codes = {row.unit.code for row in rollup(world.campaign, fresh(tree.bloc)).children}

    assert "OLD" not in codes
    assert {"X1", "X2", "X3"} <= codes


# ---------------------------------------------------------------------------- as of a past day


def test_as_of_before_the_merger_shows_the_old_tree_and_after_it_the_new(world, tree, users):
    log(world, world.x1, day(-50), 9, reflections=7)
    submit(world, world.x1, day(-40))
    log(world, world.x3, day(-45), 5)
    live_before = rollup(world.campaign, fresh(tree.bloc))
    successor = merge_into_new(tree, [world.x1, world.x2], day(-10))
    unit_services.unit_rename(
        actor=None,
        unit=fresh(world.x3),
        name="Chi bộ Sở Công Thương và Khoa học",
        short_name="",
        symbol_code="",
        effective_date=day(-5),
    )
    log(world, fresh(world.x3), day(-3), 6)  # after both days looked at below

    then = rollup(world.campaign, fresh(tree.bloc), as_of=day(-20))
    assert list(rows_of(then)) == ["DUK-BTG", "DUK-A", "DUK-B", "X1", "X2", "X3"]
    assert not any(row.closed for row in then.children)
    assert rows_of(then) == rows_of(live_before)
    assert then.total.as_dict() == live_before.total.as_dict()
    assert rollup(world.campaign, fresh(world.x1), as_of=day(-20)).total.sessions == 1
    names = names_on([fresh(world.x3), successor], day(-20))
    assert names[world.x3.pk].name == "Chi bộ Sở Công thương"

    later = rollup(world.campaign, fresh(tree.bloc), as_of=day(-4))
    assert list(rows_of(later)) == ["DUK-BTG", "DUK-A", "DUK-B", "X3", "XN"]
    assert later.total.sessions == 2  # x3's session of day -3 had not happened yet
    inside = rollup(world.campaign, successor, as_of=day(-4))
    assert [(row.unit.code, row.closed) for row in inside.children] == [("X1", True), ("X2", True)]
    assert names_on([fresh(world.x3)], day(-4))[world.x3.pk].name == (
        "Chi bộ Sở Công Thương và Khoa học"
    )


def test_as_of_counts_only_what_had_happened_by_then(world, tree, users):
    log(world, world.x1, day(-50), 9)
    submit(world, world.x1, day(-40))

    # Nothing issued yet.
    assert rollup(world.campaign, fresh(tree.bloc), as_of=day(-101)).total == Figures()
    early = rollup(world.campaign, fresh(tree.bloc), as_of=day(-60)).total
    assert (early.expected_units, early.organised_units, early.reports_on_time) == (3, 0, 0)
    middle = rollup(world.campaign, fresh(tree.bloc), as_of=day(-45)).total
    assert (middle.organised_units, middle.participants, middle.reports_on_time) == (1, 9, 0)


def test_as_of_judges_deadlines_on_that_day(tree, users):
    x1 = UnitFactory(parent=tree.bloc, code="X1", kind=kind("chi-bo-co-so"), member_count=10)
    campaign = campaign_services.campaign_create(
        actor=users.staff,
        owner=tree.bloc,
        title="Đợt đã qua hạn báo cáo",
        subject="Đợt sinh hoạt có hạn báo cáo đã qua.",
        start_date=day(-120),
        end_date=day(120),
    )
    issue(campaign, tree, users, [x1], due=day(-30), issued=day(-100))

    assert rollup(campaign, x1).total.reports_missing == 1
    on_day = rollup(campaign, x1, as_of=day(-40)).total
    assert (on_day.reports_missing, on_day.reports_pending) == (0, 1)


# ---------------------------------------------------------------------------- the dashboard


def _dashboard(unit, campaign, **query) -> str:
    params = "&".join(f"{key}={value}" for key, value in query.items())
    url = f"{reverse('reports:dashboard', args=[unit.pk])}?campaign={campaign.pk}"
    return f"{url}&{params}" if params else url


def test_the_dashboard_as_of_a_day_shows_that_days_tree_names_and_banner(
    world, tree, users, client_for, django_assert_max_num_queries
):
    log(world, world.x1, day(-50), 9)
    merge_into_new(tree, [world.x1, world.x2], day(-10))
    unit_services.unit_rename(
        actor=None,
        unit=fresh(world.x3),
        name="Chi bộ Sở Công Thương và Khoa học",
        short_name="",
        symbol_code="",
        effective_date=day(-5),
    )
    client = client_for(users.leader)
    then = day(-20)

    with django_assert_max_num_queries(24):
        page = client.get(_dashboard(tree.bloc, world.campaign, as_of=then.isoformat())).text

    assert f"Số liệu và cây đơn vị tại ngày {then.day}/{then.month}/{then.year}" in page
    assert re.search(r'data-figure="organised">\s*1/3\s*<', page)
    assert "Chi bộ Sở Công thương<" in page  # its name then
    assert "Chi bộ Sở Xây dựng – Giao thông" not in page  # not yet formed
    # Drill-down keeps the day.
    link = reverse("reports:dashboard", args=[world.x1.pk])
    assert f"{link}?campaign={world.campaign.pk}&amp;as_of={then.isoformat()}" in page

    now = client.get(_dashboard(tree.bloc, world.campaign)).text
    assert "Chi bộ Sở Xây dựng – Giao thông" in now
    assert "Chi bộ Sở Công Thương và Khoa học" in now
    assert "Số liệu và cây đơn vị tại ngày" not in now


def test_the_dashboard_marks_a_merged_child_with_its_successor(world, tree, users, client_for):
    log(world, world.x1, day(-50), 9)
    successor = merge_into_new(tree, [world.x1, world.x2], day(-10))

    page = client_for(users.leader).get(_dashboard(successor, world.campaign)).text

    merged = f"Đã hợp nhất vào Chi bộ Sở Xây dựng – Giao thông, từ {day(-10):%d/%m/%Y}"
    assert page.count(merged) == 2  # both predecessors


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("30-02-2025", "Ngày xem số liệu không hợp lệ"),
        ("tomorrow", "Ngày xem số liệu không hợp lệ"),
        (day(1).isoformat(), "vì ngày này chưa đến"),
    ],
)
def test_a_bad_or_future_day_shows_a_message_and_todays_figures(
    typed, message, world, tree, users, client_for
):
    response = client_for(users.leader).get(_dashboard(tree.bloc, world.campaign, as_of=typed))

    assert response.status_code == 200
    assert message in response.text
    assert "Trang đang hiện số liệu hiện tại." in response.text
    assert "Số liệu và cây đơn vị tại ngày" not in response.text


def test_the_as_of_dashboard_keeps_its_query_count_whatever_the_subtree(
    world, tree, users, client_for
):
    client = client_for(users.leader)
    merge_into_new(tree, [world.x1, world.x2], day(-10))
    url = _dashboard(tree.bloc, world.campaign, as_of=day(-20).isoformat())
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    cell = kind("chi-bo-co-so")
    for step in range(30):
        UnitFactory(parent=tree.bloc, code=f"Y{step}", kind=cell, member_count=5)
    more = list(Unit.objects.filter(code__startswith="Y"))
    issue(world.campaign, tree, users, more, due=day(30), issued=day(-90))
    with CaptureQueriesContext(connection) as large:
        client.get(url)

    assert len(small.captured_queries) == len(large.captured_queries)


def test_the_export_follows_the_day_shown(world, tree, users, client_for):
    merge_into_new(tree, [world.x1, world.x2], day(-10))
    then = day(-20)
    response = client_for(users.leader).get(
        f"{reverse('reports:dashboard_xlsx', args=[tree.bloc.pk])}?campaign={world.campaign.pk}"
        f"&as_of={then.isoformat()}"
    )

    sheet = load_workbook(io.BytesIO(response.content)).active
    names = [row[0] for row in sheet.iter_rows(min_row=5, values_only=True)]
    assert f"tại ngày {then:%d/%m/%Y}" in sheet["A2"].value
    assert "Chi bộ Sở Xây dựng" in names
    assert "Chi bộ Sở Giao thông" in names
    assert "Chi bộ Sở Xây dựng – Giao thông" not in names


def test_a_plan_merged_into_the_successors_counts_issued_when_it_is(world, tree, users):
    merge([world.x1, world.x2], day(-10), into=fresh(world.x1))
    recipient = world.directive.recipients.get(unit=world.x1)
    plan = campaign_services.directive_implement(actor=None, recipient=recipient)
    campaign_services.directive_update(
        actor=None,
        directive=plan,
        body=BODY,
        symbol_code="CB",
        signer_position="Bí thư",
        signer_name="Trần Văn Bình",
        issue_date=day(-3),
    )
    campaign_services.directive_issue(actor=None, directive=plan)

    total = rollup(world.campaign, fresh(tree.bloc)).total
    assert (total.plans_issued, total.plans_expected) == (2, 3)
    assert rows_of(rollup(world.campaign, fresh(world.x1)))["X2"].plans_issued == 1
    # Before the date the plan bears, it was not issued.
    assert rollup(world.campaign, fresh(tree.bloc), as_of=day(-4)).total.plans_issued == 0


# ---------------------------------------------------------------------------- members once


@pytest.mark.parametrize("held_before", [False, True])
@pytest.mark.parametrize("into_new", [False, True])
def test_a_later_directive_to_the_successor_counts_its_predecessors_members_once(
    world, tree, users, held_before, into_new
):
    """The successor's member count holds its predecessors' members, already expected of them:
    a later directive of the campaign freezes only the members they did not bring."""
    if held_before:  # x2's own sessions done: not handed over, its members still merged
        log(world, world.x2, day(-50), 8)
    assert rollup(world.campaign, fresh(tree.bloc)).total.members == 24

    if into_new:
        successor = merge_into_new(tree, [world.x1, world.x2], day(-10))
    else:
        merge([world.x1, world.x2], day(-10), into=fresh(world.x1))
        successor = fresh(world.x1)
    assert successor.member_count == 18
    assert rollup(world.campaign, fresh(tree.bloc)).total.members == 24

    issue(world.campaign, tree, users, [successor, fresh(world.x3)], due=day(40), issued=day(-5))
    log(world, successor, day(-3), 18)

    total = rollup(world.campaign, fresh(tree.bloc)).total
    assert total.members == 24
    assert total.participants <= total.members
    assert total.participation_rate is not None
    assert total.participation_rate <= 100
    frozen = world.campaign.directives.get(issue_date=day(-5)).recipients.get(unit=successor)
    assert frozen.member_count == (0 if into_new else 10)


def test_members_brought_in_is_one_query_for_any_number_of_recipients(
    world, tree, django_assert_num_queries
):
    merge([world.x1, world.x2], day(-10), into=fresh(world.x1))
    cell = kind("chi-bo-co-so")
    units = [fresh(world.x1), fresh(world.x3)] + [
        UnitFactory(parent=tree.bloc, code=f"Y{step}", kind=cell, member_count=5)
        for step in range(40)
    ]
    units = list(Unit.objects.filter(pk__in=[u.pk for u in units]).select_related("kind"))

    with django_assert_num_queries(1):
        brought = members_brought_in(world.campaign.pk, units)

    assert brought == {world.x1.pk: 8}
