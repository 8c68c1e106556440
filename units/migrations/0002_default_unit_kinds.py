"""Default unit kinds: data, not code, so a later reorganisation only edits rows."""

from django.db import migrations

KINDS = [
    # code, name, counts_members, issues_documents, is_grassroots, sort_order
    ("tinh-uy", "Tỉnh ủy, Thành ủy", False, True, False, 10),
    ("ban-dang", "Ban, cơ quan tham mưu của cấp ủy", False, True, False, 20),
    ("dang-uy-cap-tren-co-so", "Đảng ủy khối, đảng ủy cấp trên cơ sở", False, True, False, 30),
    ("dang-bo-co-so", "Đảng bộ cơ sở", False, True, True, 40),
    ("chi-bo-co-so", "Chi bộ cơ sở", True, True, True, 50),
    ("chi-bo", "Chi bộ trực thuộc", True, True, False, 60),
    ("doan-the", "Đoàn thể trực thuộc", False, False, False, 70),
]


def add_kinds(apps, schema_editor):
    UnitKind = apps.get_model("units", "UnitKind")
    for code, name, counts, issues, grassroots, order in KINDS:
        UnitKind.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "counts_members": counts,
                "issues_documents": issues,
                "is_grassroots": grassroots,
                "sort_order": order,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("units", "0001_initial")]

    operations = [migrations.RunPython(add_kinds, migrations.RunPython.noop)]
