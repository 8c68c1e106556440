"""A directive cascade with known numbers, on the campaign fixtures of `directives`.

bloc_btg issues a guidance to grassroots_a and grassroots_b (report due 10/10/2024);
grassroots_a answers with a plan to its cells cell_a1 (20 members) and cell_a2 (15 members),
report due 30/9/2024. grassroots_b is a grassroots cell of 12 members.
"""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest

from campaigns import services as campaign_services
from campaigns.models import Milestone
from tests.plugins.directives import BODY


@pytest.fixture
def cascade(issued, tree, users) -> SimpleNamespace:
    tree.grassroots_a.symbol_code = "ĐU"
    tree.grassroots_a.save(update_fields=["symbol_code"])
    recipient = issued.recipients.get(unit=tree.grassroots_a)
    plan = campaign_services.directive_implement(actor=users.secretary, recipient=recipient)
    campaign_services.directive_update(
        actor=users.secretary, directive=plan, body=BODY, issue_date=datetime.date(2024, 4, 2)
    )
    campaign_services.milestones_replace(
        actor=users.secretary,
        directive=plan,
        milestones=[
            campaign_services.MilestoneData(
                kind=Milestone.Kind.REPORT_DUE,
                title="Các chi bộ báo cáo",
                due_date=datetime.date(2024, 9, 30),
            )
        ],
    )
    plan = campaign_services.directive_issue(actor=users.secretary, directive=plan)
    return SimpleNamespace(guidance=issued, plan=plan)
