"""Indexes of the participant list at any size: its default order (name, id), and on PostgreSQL a trigram index
serving the name search (`name__icontains`, which Django writes UPPER(name) LIKE UPPER('%…%')).

The trigram index needs the pg_trgm extension (created here, and left in place when migrating back, since
Django's TrigramExtension would query pg_extension on SQLite too; the migrating role needs the right to create it,
as the superuser or the database owner on PostgreSQL 13+, since pg_trgm is a trusted extension). It is not part
of the model's state, so SQLite, which has no such index, neither creates it nor meets it when a later
migration rebuilds the table; there the search reads the table, which is fine at a small installation's size.
"""

from django.db import migrations, models

TRIGRAM_INDEX = "participant_name_upper_trgm"


def create_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        table = apps.get_model("participants", "Participant")._meta.db_table
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {TRIGRAM_INDEX} ON {table} USING gin (UPPER(name) gin_trgm_ops)"
        )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0008_import_kind_residents"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="participant",
            index=models.Index(fields=["name", "id"], name="participant_name_id"),
        ),
        migrations.RunPython(create_trigram_index, drop_trigram_index),
    ]
