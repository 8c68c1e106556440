"""Directive kinds from the default format profile: data, so a new type is a row, not code."""

from django.db import migrations

from campaigns.kinds import ensure_directive_kinds


def add_kinds(apps, schema_editor):
    ensure_directive_kinds(apps.get_model("campaigns", "DirectiveKind"))


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0001_initial")]

    operations = [migrations.RunPython(add_kinds, migrations.RunPython.noop)]
