"""Directives received before registers existed get their số đến, and imports their office.

Apart from 0006's schema changes: PostgreSQL creates 0006's indexes at the end of that migration,
and cannot once rows it covers were updated in the same transaction."""

from django.conf import settings
from django.db import migrations
from django.db.models import DateTimeField
from django.db.models.functions import Cast, Coalesce


def register_received(apps, schema_editor):
    """Directives received before registers existed: entered in each unit's incoming register
    in the order they arrived, dated the day they were issued or imported."""
    from zoneinfo import ZoneInfo

    Recipient = apps.get_model("campaigns", "DirectiveRecipient")
    Counter = apps.get_model("campaigns", "IncomingCounter")
    local = ZoneInfo(settings.TIME_ZONE)
    rows = (
        Recipient.objects.filter(directive__status__in=["issued", "replaced"])
        .select_related("directive")
        .order_by(
            "unit_id",
            Coalesce("directive__issued_at", Cast("directive__issue_date", DateTimeField())),
            "pk",
        )
    )
    last: dict[tuple[int, int], int] = {}
    changed = []
    for row in rows.iterator(chunk_size=2000):
        directive = row.directive
        day = (
            directive.issued_at.astimezone(local).date()
            if directive.issued_at
            else directive.issue_date
        )
        key = (row.unit_id, day.year)
        last[key] = last.get(key, 0) + 1
        row.incoming_year, row.incoming_number, row.received_on = day.year, last[key], day
        changed.append(row)
    Recipient.objects.bulk_update(
        changed, ["incoming_year", "incoming_number", "received_on"], batch_size=1000
    )
    Counter.objects.bulk_create(
        [Counter(unit_id=unit, year=year, last_number=n) for (unit, year), n in last.items()],
        batch_size=1000,
    )


def registering_units(apps, schema_editor):
    """Directives imported before this: the office that entered them is the deepest unit of its
    importer's memberships above every unit it chose (as importing.registering_unit decides), so
    that it reviews their reports when the issuer is outside the portal."""
    Directive = apps.get_model("campaigns", "Directive")
    Recipient = apps.get_model("campaigns", "DirectiveRecipient")
    Membership = apps.get_model("units", "Membership")
    for directive in Directive.objects.filter(origin="imported").exclude(created_by=None):
        rows = list(Recipient.objects.filter(directive=directive).select_related("unit"))
        own = sorted(
            {
                m.unit
                for m in Membership.objects.filter(
                    user_id=directive.created_by_id, end_date=None
                ).select_related("unit")
            },
            key=lambda u: u.depth,
            reverse=True,
        )
        office = next((u for u in own if all(r.unit.path.startswith(u.path) for r in rows)), None)
        if office is not None:
            Recipient.objects.filter(directive=directive).update(registered_by=office)


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0006_registers")]

    operations = [
        migrations.RunPython(register_received, migrations.RunPython.noop),
        migrations.RunPython(registering_units, migrations.RunPython.noop),
    ]
