"""Default unit kinds: data, not code, so a later reorganisation only edits rows."""

from django.db import migrations

from units.kinds import ensure_default_kinds


def add_kinds(apps, schema_editor):
    ensure_default_kinds(apps.get_model("units", "UnitKind"))


class Migration(migrations.Migration):
    dependencies = [("units", "0001_initial")]

    operations = [migrations.RunPython(add_kinds, migrations.RunPython.noop)]
