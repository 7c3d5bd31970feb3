"""Finer statistics on the owners' upper-cased names, for estimating name searches (PostgreSQL).

The planner estimates ``UPPER(full_name) LIKE '%term%'`` from a sample histogram of the
names: with the default 100 entries, any fragment that matches none of them is estimated
at 0.01 % of the table (100 owners of a million, whether 0 or 7,000 match) and one that
matches a single entry at 1 %. A 1,000-entry histogram brings the estimate within a few
times the truth. The estimate decides the plan of a name search, and whether the admin's
paginator counts the result or shows the estimate (registry.paginators). ANALYZE collects
these statistics for the trigram index's expression; it is run here once, and by seed_scale.
"""

from django.db import migrations

INDEX = "owner_full_name_trgm_idx"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER INDEX IF EXISTS {INDEX} ALTER COLUMN 1 SET STATISTICS 1000")
        schema_editor.execute("ANALYZE registry_owner")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER INDEX IF EXISTS {INDEX} ALTER COLUMN 1 SET STATISTICS -1")


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_owner_full_name_trigram_index")]

    operations = [migrations.RunPython(forward, backward)]
