"""A trigram index for searching owners by part of their name, on PostgreSQL only.

The admin's name search is ``full_name__icontains``, which Django writes on PostgreSQL as
``UPPER(full_name::text) LIKE UPPER('%term%')``: a B-tree cannot serve a leading wildcard,
a GIN trigram index on that same expression can. SQLite has no such index and skips this;
its tables stay small. The index is kept out of the model state on purpose, so that SQLite
never tries to build it.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEX = "owner_full_name_trgm_idx"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON registry_owner "
            "USING gin (UPPER(full_name::text) gin_trgm_ops)"
        )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("registry", "0002_load_reference_data")]

    # TrigramExtension does nothing on databases other than PostgreSQL.
    operations = [TrigramExtension(), migrations.RunPython(forward, backward)]
