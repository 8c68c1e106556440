"""seed_demo reorganises the Cần Thơ demo on 1 July 2025, as the city was: the bloc committee
closed and split, departments and wards merged; the 2024 campaign adds up the same after it,
and every demo login still works and lands on its home page."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from campaigns.demo import CAMPAIGN_TITLE, seed_demo_campaign
from campaigns.models import Campaign
from reports.demo import seed_demo_activity
from reports.figures import Figures, rollup
from units.demo import (
    DEMO_LOGINS,
    DEMO_PASSWORD,
    REORGANISED_ON,
    seed_demo_reorganisation,
    seed_demo_world,
)
from units.models import Lineage, Membership, Reorganisation, Unit

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def seed() -> None:
    call_command("seed_demo", stdout=io.StringIO())


def _unit(code: str) -> Unit:
    return Unit.objects.select_related("kind").get(code=code)


def _successors(code: str) -> dict[str, bool]:
    """The codes of a unit's successors, each with whether it took over the work."""
    return {
        link.successor.code: link.takes_over_work
        for link in Lineage.objects.filter(predecessor__code=code).select_related("successor")
        if link.successor is not None
    }


def _parent_code(unit: Unit) -> str:
    return Unit.objects.get(path=unit.path[: -Unit.steplen]).code


def test_the_bloc_closes_on_1_july_2025_and_its_work_goes_to_the_new_committees():
    seed()
    bloc = _unit("DUK-DCD")
    party, government = _unit("DU-CQD"), _unit("DU-UBND")

    assert bloc.closed_on == REORGANISED_ON == datetime.date(2025, 7, 1)
    assert not bloc.is_active
    assert _successors("DUK-DCD") == {"DU-CQD": False, "DU-UBND": True}
    split = Reorganisation.objects.get(kind=Reorganisation.Kind.SPLIT)
    assert split.effective_date == REORGANISED_ON
    assert split.decision_text == (
        "Quyết định số 1370-QĐ/TU ngày 27/6/2025 của Ban Thường vụ Thành ủy Cần Thơ"
    )
    # The bloc stands, closed, under the committee that took over its work; its organs and
    # unions ended with it; its grassroots organisations went to one committee or the other.
    assert _parent_code(bloc) == "DU-UBND"
    for code in ("DUK-BTG", "DUK-BTC", "DUK-UBKT", "DUK-VP", "DUK-DK", "DUK-CCB"):
        assert _unit(code).closed_on == REORGANISED_ON, code
    assert _parent_code(_unit("DUK-27")) == "DU-CQD"  # Báo Cần Thơ
    assert _parent_code(_unit("DUK-01")) == "DU-UBND"  # Sở Tài chính
    for committee in (party, government):
        assert _parent_code(committee) == "TU-CT"
        assert committee.kind.code == "dang-uy-cac-co-quan-tinh"
        assert committee.opened_on == REORGANISED_ON
    # Nobody keeps a role in a closed unit.
    held = Membership.objects.active_on(REORGANISED_ON)
    assert not held.filter(unit__closed_on__isnull=False).exists()


def test_departments_wards_and_the_propaganda_departments_merge():
    seed()
    # Sở Kế hoạch và Đầu tư into Sở Tài chính, which carries on; two into a new department.
    assert _successors("DUK-04") == {"DUK-01": True}
    assert _unit("DUK-01").closed_on is None
    assert _successors("DUK-08") == _successors("DUK-09") == {"UB-NNMT": True}
    assert _unit("UB-NNMT").name == "Đảng bộ Sở Nông nghiệp và Môi trường"
    # Its cells merged with those doing the same work: two "Chi bộ Văn phòng" became one.
    for number in range(1, 6):
        cell = _unit(f"DUK-04-{number:02d}")
        assert _successors(cell.code) == {f"DUK-01-{number:02d}": True}
        assert cell.name == _unit(f"DUK-01-{number:02d}").name
    cells = Unit.objects.get_children(_unit("DUK-01")).filter(closed_on__isnull=True)
    names = list(cells.values_list("name", flat=True))
    assert len(names) == len(set(names)) == 7
    # Three wards into phường Ninh Kiều, directly under the city; the district ended.
    ward = _unit("P-NINH-KIEU")
    assert ward.kind.code == "dang-uy-xa-phuong"
    assert _parent_code(ward) == "TU-CT"
    for code in ("QU-NK-TA", "QU-NK-TB", "QU-NK-XK"):
        assert _successors(code) == {"P-NINH-KIEU": True}
    assert _unit("QU-NK").closed_on == REORGANISED_ON
    assert Unit.objects.get_children(ward).filter(is_active=True).count() == 6
    # The Propaganda and the Mass Mobilisation Departments became one, with its own symbol.
    department = _unit("TU-CT-BTGDV")
    assert department.symbol_code == "BTGDVTU"
    assert _successors("TU-CT-BTG") == _successors("TU-CT-BDV") == {"TU-CT-BTGDV": True}
    assert Unit.objects.find_problems() == ([], [], [], [], [])


def test_every_demo_login_still_works_and_lands_on_its_home_page():
    seed()
    today = timezone.localdate()
    for login in DEMO_LOGINS:
        membership = Membership.objects.active_on(today).get(
            user__username=login.username, role=login.role
        )
        assert membership.unit.code == login.current_unit_code, login.username
        assert membership.position == login.current_position

        client = Client()
        response = client.post(
            reverse("login"),
            {"username": login.username, "password": DEMO_PASSWORD},
            follow=True,
        )
        assert response.status_code == 200, login.username
        assert response.wsgi_request.user.username == login.username
        page = response.content.decode()
        assert login.full_name in page
        if login.username == "lanhdao":
            # The leader lands on the dashboard of the committee that took over the bloc.
            assert "Tổng hợp: Đảng ủy Ủy ban nhân dân thành phố Cần Thơ" in page


def _no_rate_over_100(figures: Figures) -> bool:
    rates = (figures.organised_rate, figures.participation_rate, figures.plans_rate)
    return all(rate is None or rate <= 100 for rate in rates)


def test_the_2024_dashboard_adds_up_the_same_after_the_reorganisation():
    seed_demo_world()
    seed_demo_campaign()
    campaign = Campaign.objects.get(title=CAMPAIGN_TITLE)
    seed_demo_activity(campaign)
    city = _unit("TU-CT")
    before = rollup(campaign, city).total

    assert seed_demo_reorganisation() == 22
    after = rollup(campaign, city)

    assert after.total == before
    assert before.expected_units > 40
    assert before.organised_units > 0
    # The committee that took over the bloc's work answers for its predecessors: its row at
    # the city is its own subtree's, the bloc among its rows, no rate over 100 %.
    rows = {row.unit.code: row for row in after.children}
    government = rollup(campaign, _unit("DU-UBND"))
    assert government.total == rows["DU-UBND"].figures
    assert "DUK-DCD" in {row.unit.code for row in government.children if row.closed}
    assert all(_no_rate_over_100(row.figures) for row in [*after.children, *government.children])
    # Running it again changes nothing.
    assert seed_demo_reorganisation() == 0
