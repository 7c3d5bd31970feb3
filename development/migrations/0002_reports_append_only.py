"""The database refuses to change a business report once written (and, on PostgreSQL, to
delete one): every report is kept, so a size class can always be traced to what was reported.

SQLite refuses updates only: Django's test flush empties SQLite tables with DELETE, which a
delete trigger would stop; PostgreSQL flushes with TRUNCATE, which row triggers do not see.
"""

from django.db import migrations

POSTGRES_FORWARD = """
CREATE OR REPLACE FUNCTION development_businessreport_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'business reports are append-only' USING ERRCODE = 'check_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER development_businessreport_append_only
    BEFORE UPDATE OR DELETE ON development_businessreport
    FOR EACH ROW EXECUTE FUNCTION development_businessreport_append_only();
"""
POSTGRES_BACKWARD = """
DROP TRIGGER IF EXISTS development_businessreport_append_only ON development_businessreport;
DROP FUNCTION IF EXISTS development_businessreport_append_only();
"""
SQLITE_FORWARD = """
CREATE TRIGGER development_businessreport_no_update BEFORE UPDATE ON development_businessreport
BEGIN SELECT RAISE(ABORT, 'business reports are append-only'); END;
"""
SQLITE_BACKWARD = "DROP TRIGGER IF EXISTS development_businessreport_no_update;"


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_FORWARD, params=None)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_FORWARD, params=None)
    else:
        raise NotImplementedError(f"No append-only trigger for {vendor}")


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    schema_editor.execute(
        POSTGRES_BACKWARD if vendor == "postgresql" else SQLITE_BACKWARD, params=None
    )


class Migration(migrations.Migration):
    dependencies = [("development", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
