# The search index (reports.search): its table, and on PostgreSQL the tsvector generated from the
# folded words with its GIN index, and the trigram index on folded symbols (pg_trgm). Existing
# documents are indexed by the same function as `manage.py rebuild_search`.

import django.db.models.deletion
from django.db import migrations, models

POSTGRES_FORWARD = [
    # Not django.contrib.postgres's TrigramExtension(): its backwards step queries pg_extension on
    # SQLite too, and it would drop an extension other tables may use. Left in place on the way back.
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # unaccent() is not needed: the words are folded (tone marks off, đ → d) in Python, the same
    # on SQLite, and to_tsvector('simple', …) of space-separated words has exactly those lexemes.
    """
    ALTER TABLE reports_searchentry ADD COLUMN document tsvector
        GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, folded)) STORED
    """,
    "CREATE INDEX search_entry_document ON reports_searchentry USING gin (document)",
    """
    CREATE INDEX search_entry_symbol_trgm ON reports_searchentry
        USING gin (folded_symbol gin_trgm_ops)
    """,
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS search_entry_symbol_trgm",
    "DROP INDEX IF EXISTS search_entry_document",
    "ALTER TABLE reports_searchentry DROP COLUMN IF EXISTS document",
]


def _postgres(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


def index_existing(apps, schema_editor):
    from reports.search.index import rebuild_search

    rebuild_search(apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0006_registers"),
        ("reports", "0008_report_numbers"),
        ("units", "0006_domain_events"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchEntry",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("directive", "Văn bản chỉ đạo"),
                            ("report", "Báo cáo"),
                            ("material", "Tài liệu sinh hoạt"),
                        ],
                        max_length=10,
                    ),
                ),
                ("object_id", models.PositiveIntegerField()),
                (
                    "unit",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="units.unit",
                    ),
                ),
                (
                    "addressee",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="units.unit",
                    ),
                ),
                (
                    "registrar",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="units.unit",
                    ),
                ),
                ("sent", models.BooleanField(default=False)),
                ("campaign_pk", models.PositiveIntegerField()),
                ("label", models.CharField(max_length=120)),
                ("symbol", models.CharField(blank=True, max_length=80)),
                ("title", models.TextField(blank=True)),
                ("issuer", models.CharField(blank=True, max_length=255)),
                ("signer", models.CharField(blank=True, max_length=120)),
                ("status", models.CharField(blank=True, max_length=60)),
                ("date", models.DateField()),
                ("body", models.TextField(blank=True)),
                ("folded_symbol", models.CharField(blank=True, max_length=255)),
                ("folded_title", models.TextField(blank=True)),
                ("folded_names", models.TextField(blank=True)),
                ("folded", models.TextField(blank=True)),
            ],
            options={
                "verbose_name": "mục tìm kiếm",
                "verbose_name_plural": "mục tìm kiếm",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("kind", "object_id"), name="search_entry_unique"
                    )
                ],
            },
        ),
        migrations.RunPython(_postgres(POSTGRES_FORWARD), _postgres(POSTGRES_BACKWARD)),
        migrations.RunPython(index_existing, migrations.RunPython.noop),
    ]
