"""The unit kinds of the organisation since 2025 (units.kinds.DEFAULT_KINDS): committees of a
province's party agencies and of its People's Committee, and communes directly under the
province. Existing kinds, maybe renamed, are left alone."""

from django.db import migrations

from units.kinds import ensure_default_kinds


def add_kinds(apps, schema_editor):
    ensure_default_kinds(apps.get_model("units", "UnitKind"))


class Migration(migrations.Migration):
    dependencies = [("units", "0009_reorganisation")]

    operations = [migrations.RunPython(add_kinds, migrations.RunPython.noop)]
