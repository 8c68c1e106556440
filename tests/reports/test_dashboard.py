"""The leader's dashboard: what it shows, who may see it, and a query count that does not grow
with the subtree."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from campaigns import services as campaign_services
from campaigns.selectors import Level
from reports.models import StudySession
from tests.plugins.cost import assert_cost_bounded, request_cost
from tests.plugins.directives import make_draft
from units.models import Unit
from units.services import unit_tree_import

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def _dashboard(unit, campaign) -> str:
    return f"{reverse('reports:dashboard', args=[unit.pk])}?campaign={campaign.pk}"


def _add_cells(parent, count: int, start: int) -> list[Unit]:
    rows = [
        (
            step,
            {
                "code": f"{parent.code}-C{step:05d}",
                "name": f"Chi bộ cơ sở số {step}",
                "kind": "chi-bo-co-so",
                "parent_code": parent.code,
                "member_count": "10",
            },
        )
        for step in range(start, start + count)
    ]
    result = unit_tree_import(actor=None, rows=rows)
    assert result.ok, result.errors
    return list(Unit.objects.filter(code__startswith=f"{parent.code}-C"))


def _issue_to_children(campaign, tree, users):
    draft = make_draft(
        campaign, tree.bloc_btg, users.staff, recipient_lines="- Các chi bộ cơ sở,\n- Lưu."
    )
    campaign_services.recipients_add(actor=users.staff, directive=draft, level=Level.CHILDREN)
    return campaign_services.directive_issue(actor=users.staff, directive=draft)


def _log_sessions(campaign, units) -> None:
    StudySession.objects.bulk_create(
        [
            StudySession(
                campaign=campaign,
                unit=unit,
                held_on=datetime.date(2024, 5, 10),
                form=StudySession.Form.REGULAR,
                member_count=10,
                members_present=8,
            )
            for unit in units
        ],
        batch_size=1000,
    )


def test_dashboard_queries_are_the_same_for_10_and_2000_units(campaign, tree, users, client_for):
    client = client_for(users.leader)
    few = _add_cells(tree.bloc, 8, start=1)
    _issue_to_children(campaign, tree, users)
    _log_sessions(campaign, few[:4])
    small_cost, _ = request_cost(client, _dashboard(tree.bloc, campaign))
    small = small_cost.count

    many = _add_cells(tree.bloc, 1990, start=9)
    _issue_to_children(campaign, tree, users)
    _log_sessions(campaign, many[8:1000])
    large_cost, response = request_cost(client, _dashboard(tree.bloc, campaign))
    large, page = large_cost.count, response.text

    assert Unit.objects.filter(path__startswith=tree.bloc.path).count() > 2000
    assert small == large
    assert large <= 16
    assert_cost_bounded(small_cost, large_cost, what="the dashboard over 2,000 units")
    assert "Chi bộ cơ sở số 1998" in page


def test_the_dashboard_shows_the_figures_of_reports_figures(campaign, tree, users, client_for):
    cells = _add_cells(tree.bloc, 3, start=1)
    _issue_to_children(campaign, tree, users)
    _log_sessions(campaign, cells[:2])

    page = client_for(users.leader).get(_dashboard(tree.bloc, campaign)).text

    # Expected: the 3 new grassroots cells, grassroots_a and grassroots_b; members as frozen at
    # issue: 10 + 10 + 10 + 12 (grassroots_b) + 0 (grassroots_a counts its members in its cells).
    assert re.search(r'data-figure="organised">\s*2/5\s*<', page)
    assert re.search(r'data-figure="participants">\s*16/42\s*<', page)


@pytest.mark.parametrize(
    ("who", "unit", "status"),
    [
        ("leader", "bloc", 200),
        ("leader", "cell_a1", 200),
        ("secretary", "grassroots_a", 200),
        ("secretary", "bloc", 404),
        ("cell_secretary", "grassroots_a", 404),
        ("outsider", "bloc", 404),
    ],
)
def test_a_dashboard_is_seen_over_the_own_subtree_only(
    who, unit, status, issued, tree, users, client_for
):
    response = client_for(getattr(users, who)).get(_dashboard(getattr(tree, unit), issued.campaign))

    assert response.status_code == status
