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
    # The plan of the People's Committee's committee and those of three of its departments.
    assert done.filter(kind=Obligation.Kind.IMPLEMENTING).count() == 4
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


def test_the_current_campaign_runs_on_the_tree_reorganised_in_2025():
    seed()
    campaign = Campaign.objects.get(title=CURRENT_TITLE)
    issued = Directive.objects.filter(campaign=campaign, status=Directive.Status.ISSUED)
    guidance = issued.get(responds_to__isnull=True)
    plan = issued.get(issuer__code="DU-UBND")

    # Issued by the bodies of today, with their symbols and the headers of their documents.
    assert guidance.symbol == "05-HD/BTGDVTU"
    assert (guidance.superior_body, guidance.issuing_body) == (
        "Thành ủy Cần Thơ",
        "Ban Tuyên giáo và Dân vận",
    )
    assert plan.symbol == "12-KH/ĐU"
    assert (plan.superior_body, plan.issuing_body) == (
        "Đảng bộ thành phố Cần Thơ",
        "Đảng ủy Ủy ban nhân dân thành phố",
    )
    finance = issued.get(issuer__code="DUK-01")
    assert finance.responds_to.directive == plan
    assert finance.superior_body == "Đảng bộ Ủy ban nhân dân thành phố"
    # Sent to the committees under the city as they are now; nothing goes to a closed unit.
    assert set(guidance.recipients.values_list("unit__code", flat=True)) == {
        "DU-CQD",
        "DU-UBND",
        "P-NINH-KIEU",
    }
    owed = Obligation.objects.filter(directive__campaign=campaign)
    assert owed.exists()
    assert not owed.filter(unit__closed_on__isnull=False).exists()
    assert not owed.filter(recipient__unit__closed_on__isnull=False).exists()
