"""Migration campaigns/0006 on a database that already holds directives: what was received before
registers existed is entered in each unit's register in the order it arrived, imports keep the
office that entered them, and two imports of one document (allowed before) do not stop it."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

BEFORE = [("campaigns", "0005_obligation_progress_index")]
AFTER = [("campaigns", "0007_registers_backfill")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_received_directives_are_registered_in_the_order_they_arrived():
    apps = _migrate(BEFORE)
    UnitKind = apps.get_model("units", "UnitKind")
    Unit = apps.get_model("units", "Unit")
    User = apps.get_model("units", "User")
    Membership = apps.get_model("units", "Membership")
    Campaign = apps.get_model("campaigns", "Campaign")
    Directive = apps.get_model("campaigns", "Directive")
    Recipient = apps.get_model("campaigns", "DirectiveRecipient")
    Kind = apps.get_model("campaigns", "DirectiveKind")
    kind = UnitKind.objects.create(code="mig-kind", name="Loại thử", sort_order=99)
    bloc = Unit.objects.create(name="Đảng ủy Khối", code="M-DUK", path="9001", depth=1, kind=kind)
    cell = Unit.objects.create(name="Chi bộ", code="M-CB", path="90010001", depth=2, kind=kind)
    clerk = User.objects.create(username="mig-clerk")
    Membership.objects.create(user=clerk, unit=bloc, role="staff")
    campaign = Campaign.objects.create(
        owner=bloc,
        title="Đợt thử",
        subject="Thử",
        start_date=datetime.date(2024, 1, 1),
        end_date=datetime.date(2024, 12, 31),
    )
    guidance = Kind.objects.get_or_create(code="HD", defaults={"name": "Hướng dẫn"})[0]

    def directive(day: datetime.date, origin: str, issuer=None, **fields):
        row = Directive.objects.create(
            campaign=campaign,
            kind=guidance,
            issuer=issuer,
            number=32,
            symbol="32-HD/BTGTU",
            issue_date=day,
            status="issued",
            origin=origin,
            created_by=clerk,
            **fields,
        )
        Recipient.objects.create(directive=row, unit=cell, unit_name=cell.name)
        return row

    # Entered out of date order; the two imports of one document were allowed before.
    later = directive(datetime.date(2024, 5, 2), "imported", issuer=bloc)
    earlier = directive(datetime.date(2024, 3, 29), "imported", issuer=bloc)
    other_year = directive(datetime.date(2025, 2, 1), "imported")

    apps = _migrate(AFTER)
    Recipient = apps.get_model("campaigns", "DirectiveRecipient")
    Counter = apps.get_model("campaigns", "IncomingCounter")
    rows = {
        r.directive_id: (r.incoming_year, r.incoming_number, r.received_on, r.registered_by_id)
        for r in Recipient.objects.filter(unit_id=cell.pk)
    }
    assert rows == {
        earlier.pk: (2024, 1, datetime.date(2024, 3, 29), bloc.pk),
        later.pk: (2024, 2, datetime.date(2024, 5, 2), bloc.pk),
        other_year.pk: (2025, 1, datetime.date(2025, 2, 1), bloc.pk),
    }
    assert dict(Counter.objects.filter(unit_id=cell.pk).values_list("year", "last_number")) == {
        2024: 2,
        2025: 1,
    }
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
