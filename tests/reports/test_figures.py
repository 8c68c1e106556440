"""Every figure at three levels of a tree with known numbers: bloc, grassroots committee, cell."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.core.exceptions import ValidationError

from campaigns.models import Obligation
from reports import services
from reports.figures import rollup
from reports.models import ProgressReport, StudySession
from tests.factories import UnitFactory
from units import services as unit_services

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

TODAY = datetime.date(2024, 10, 20)  # after both report deadlines
HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def log(campaign, unit, day, present, *, form=StudySession.Form.REGULAR, reflections=0):
    return services.session_create(
        actor=None,
        campaign=campaign,
        unit=unit,
        held_on=day,
        form=form,
        members_present=present,
        reflections=reflections,
    )


def submit(unit, directive, on: datetime.date):
    """Unit submits its report for `directive`, on that day (Hanoi time, late evening)."""
    obligation = Obligation.objects.get(
        directive=directive, recipient__unit=unit, kind=Obligation.Kind.REPORT
    )
    report = services.report_start(actor=None, obligation=obligation)
    services.report_update(actor=None, report=report, assessment="Đã triển khai.")
    report = services.report_submit(actor=None, report=report)
    moment = datetime.datetime.combine(on, datetime.time(23, 30), tzinfo=HCM)
    ProgressReport.objects.filter(pk=report.pk).update(
        first_submitted_at=moment, submitted_at=moment
    )
    return report


@pytest.fixture
def world(cascade, campaign, tree):
    log(campaign, tree.cell_a1, datetime.date(2024, 5, 10), 18, reflections=15)
    log(campaign, tree.cell_a1, datetime.date(2024, 6, 12), 16, form=StudySession.Form.THEMATIC)
    log(campaign, tree.grassroots_b, datetime.date(2024, 5, 20), 10, reflections=9)
    # A committee-level conference: counted as a session, not as the committee's participation.
    log(campaign, tree.grassroots_a, datetime.date(2024, 4, 20), 30, form="conference")
    submit(tree.grassroots_b, cascade.guidance, datetime.date(2024, 10, 10))  # on the day: on time
    submit(tree.cell_a1, cascade.plan, datetime.date(2024, 10, 1))  # a day late
    return cascade


def test_bloc_level_figures(world, campaign, tree):
    result = rollup(campaign, tree.bloc, today=TODAY)
    total = result.total

    assert total.expected_units == 4  # grassroots_a, grassroots_b, cell_a1, cell_a2
    assert total.organised_units == 3  # cell_a1, grassroots_b, grassroots_a (its conference)
    assert total.members == 47  # 20 + 15 + 12: the committee's own count is its cells'
    assert total.participants == 28  # cell_a1's best 18, grassroots_b's 10
    assert total.participation_rate == 59.6
    assert total.sessions == 4
    assert total.sessions_by_form == {"regular": 2, "thematic": 1, "conference": 1}
    assert total.reflections == 24
    assert total.plans_expected == 2  # both grassroots organisations issue documents
    assert total.plans_issued == 1
    assert (total.reports_expected, total.reports_on_time, total.reports_late) == (4, 1, 1)
    assert (total.reports_missing, total.reports_pending) == (2, 0)


def test_bloc_rows_per_child(world, campaign, tree):
    rows = {row.unit.code: row.figures for row in rollup(campaign, tree.bloc, today=TODAY).children}

    a, b = rows[tree.grassroots_a.code], rows[tree.grassroots_b.code]
    assert (a.expected_units, a.organised_units, a.members, a.participants) == (3, 2, 35, 18)
    assert (a.reports_on_time, a.reports_late, a.reports_missing) == (0, 1, 2)
    assert (b.expected_units, b.organised_units, b.members, b.participants) == (1, 1, 12, 10)
    assert (b.reports_on_time, b.reports_late, b.reports_missing) == (1, 0, 0)
    assert rows[tree.bloc_btg.code].expected_units == 0


def test_grassroots_level_figures(world, campaign, tree):
    result = rollup(campaign, tree.grassroots_a, today=TODAY)
    cells = {row.unit.code: row.figures for row in result.children}

    assert result.own.expected_units == 1
    assert result.own.reports_missing == 1
    assert cells[tree.cell_a1.code].participants == 18
    assert cells[tree.cell_a1.code].participation_rate == 90.0
    assert cells[tree.cell_a1.code].reports_late == 1
    assert cells[tree.cell_a2.code].organised_units == 0
    assert cells[tree.cell_a2.code].reports_missing == 1
    assert result.total.participation_rate == round(100 * 18 / 35, 1)


def test_cell_level_figures(world, campaign, tree):
    total = rollup(campaign, tree.cell_a1, today=TODAY).total

    assert (total.expected_units, total.organised_units, total.sessions) == (1, 1, 2)
    assert (total.members, total.participants, total.reflections) == (20, 18, 15)


def test_before_the_deadline_an_unsent_report_is_pending_not_missing(world, campaign, tree):
    total = rollup(campaign, tree.bloc, today=datetime.date(2024, 9, 1)).total

    assert total.reports_missing == 0
    assert total.reports_pending == 2  # grassroots_a and cell_a2, not yet due
    assert (total.reports_on_time, total.reports_late) == (1, 1)


def test_a_unit_created_after_issue_is_not_expected(world, campaign, tree):
    UnitFactory(parent=tree.grassroots_a, code="DUK-A-9", member_count=40)

    total = rollup(campaign, tree.bloc, today=TODAY).total

    assert total.expected_units == 4
    assert total.members == 47


def test_a_unit_grown_after_issue_keeps_its_frozen_member_count(world, campaign, tree):
    tree.cell_a1.member_count = 5
    tree.cell_a1.save(update_fields=["member_count"])

    total = rollup(campaign, tree.cell_a1, today=TODAY).total

    assert (total.members, total.participants) == (20, 18)
    assert total.participation_rate <= 100


def test_a_unit_moved_away_takes_its_figures_along(world, campaign, tree, users):
    unit_services.unit_move(actor=users.admin, unit=tree.cell_a2, new_parent=tree.grassroots_b)

    bloc = rollup(campaign, tree.bloc, today=TODAY).total
    rows = {r.unit.code: r.figures for r in rollup(campaign, tree.bloc, today=TODAY).children}

    assert bloc.expected_units == 4  # it has not dropped out of the bloc
    assert rows[tree.grassroots_b.code].expected_units == 2


def test_a_session_cannot_count_more_members_than_the_unit_has(campaign, tree, cascade):
    with pytest.raises(ValidationError) as exc:
        log(campaign, tree.cell_a2, datetime.date(2024, 5, 1), 16)

    assert "không được lớn hơn số đảng viên của đơn vị (15)" in str(exc.value)
    assert not StudySession.objects.filter(unit=tree.cell_a2).exists()
