"""seed_demo adds a campaign running today: work done, due this week, overdue, and returned."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from campaigns.demo import CAMPAIGN_TITLE, CURRENT_TITLE
from campaigns.models import Campaign, Directive, Obligation
from reports.models import ProgressReport, StudySession

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def seed() -> None:
    call_command("seed_demo", stdout=io.StringIO())


def _counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count()
        for model in (Campaign, Directive, Obligation, StudySession, ProgressReport)
    )


def test_the_current_campaign_runs_from_today_beside_the_2024_history():
    seed()
    today = timezone.localdate()
    current = Campaign.objects.get(title=CURRENT_TITLE)
    assert current.start_date < today < current.end_date
    history = Campaign.objects.get(title=CAMPAIGN_TITLE)
    assert history.end_date == datetime.date(2024, 12, 31)


def test_the_current_campaign_has_work_done_due_this_week_and_overdue():
    seed()
    today = timezone.localdate()
    owed = Obligation.objects.filter(
        directive__campaign__title=CURRENT_TITLE, fulfilled_at__isnull=True
    )
    assert owed.filter(due_date__lt=today).exists()  # overdue
    assert owed.filter(due_date__gte=today, due_date__lte=today + datetime.timedelta(7)).exists()
    done = Obligation.objects.filter(
        directive__campaign__title=CURRENT_TITLE, fulfilled_at__isnull=False
    )
    assert done.filter(kind=Obligation.Kind.IMPLEMENTING).count() == 3  # three plans issued
    assert done.filter(kind=Obligation.Kind.REPORT).exists()


def test_a_returned_report_waits_for_the_demo_cell_secretary():
    seed()
    returned = ProgressReport.objects.get(
        campaign__title=CURRENT_TITLE, status=ProgressReport.Status.RETURNED
    )
    assert returned.unit.code == "DUK-01-01"  # Chi bộ Văn phòng, bithu.chibo's cell
    assert returned.review_comment.startswith("Bổ sung số đảng viên vắng mặt")
    assert returned.reviewed_by.username == "bithu"


def test_running_the_demo_twice_changes_nothing():
    seed()
    before = _counts()
    seed()
    assert _counts() == before
