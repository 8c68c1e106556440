"""A sent report's page shows the figures it was sent with, whatever happens to the data after."""

from __future__ import annotations

import datetime

import lxml.html
import pytest
from django.urls import reverse

from campaigns.models import Obligation
from reports import selectors, services
from reports.models import StudySession

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

IN_PERIOD = datetime.date(2024, 5, 10)  # before the plan's report deadline, 30/9/2024
AFTER_DEADLINE = datetime.date(2024, 10, 5)
SESSIONS = "Số buổi sinh hoạt"
PARTICIPANTS = "Đảng viên tham gia / tổng số đảng viên"


def _log(campaign, unit, day: datetime.date, present: int) -> StudySession:
    return services.session_create(
        actor=None,
        campaign=campaign,
        unit=unit,
        held_on=day,
        form=StudySession.Form.REGULAR,
        members_present=present,
    )


def _figures_on_page(client, report) -> dict[str, str]:
    """The report page's figures table: each row's label and the value beside it."""
    response = client.get(reverse("reports:report_detail", args=[report.pk]))
    assert response.status_code == 200
    rows = lxml.html.fromstring(response.text).xpath("//table[contains(@class, 'figures')]//tr")
    return {
        row.xpath("string(th)").strip(): " ".join(row.xpath("string(td)").split()) for row in rows
    }


def test_a_sent_reports_page_shows_the_figures_it_was_sent_with(
    cascade, campaign, tree, users, client_for
):
    """cell_a1 reports one session of 18 of its 20 members; a later session of 19 and a
    correction of the first (written past the period lock) change today's figures, not the
    report's."""
    first = _log(campaign, tree.cell_a1, IN_PERIOD, 18)
    obligation = Obligation.objects.get(
        directive=cascade.plan, recipient__unit=tree.cell_a1, kind=Obligation.Kind.REPORT
    )
    report = services.report_start(actor=users.cell_secretary, obligation=obligation)
    services.report_update(
        actor=users.cell_secretary, report=report, assessment="Chi bộ đã sinh hoạt chuyên đề."
    )
    services.report_submit(actor=users.cell_secretary, report=report)
    client = client_for(users.secretary)
    sent = _figures_on_page(client, report)

    _log(campaign, tree.cell_a1, AFTER_DEADLINE, 19)
    StudySession.objects.filter(pk=first.pk).update(members_present=20)
    later = _figures_on_page(client, report)

    assert (sent[SESSIONS], sent[PARTICIPANTS]) == ("1", "18/20 (90,0%)")
    assert later == sent
    now = selectors.report_figures(report)
    assert (now["sessions"], now["participants"]) == (2, 20)  # what the page must not show
