"""The database refuses a disbursement whose amount differs from its program's amount.

A CHECK constraint cannot look at another table, so this is a trigger, written for each
database the portal supports. It raises an integrity error, like a constraint would.
"""

from django.db import migrations

POSTGRES_FORWARD = """
CREATE OR REPLACE FUNCTION aid_disbursement_amount_matches_program() RETURNS trigger AS $$
BEGIN
    IF NEW.amount <> (
        SELECT p.amount FROM aid_program p
        JOIN aid_application a ON a.program_id = p.id
        WHERE a.id = NEW.application_id
    ) THEN
        RAISE EXCEPTION 'disbursement amount % differs from the program amount', NEW.amount
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER aid_disbursement_amount_matches_program
    BEFORE INSERT OR UPDATE OF amount, application_id ON aid_disbursement
    FOR EACH ROW EXECUTE FUNCTION aid_disbursement_amount_matches_program();
"""
POSTGRES_BACKWARD = """
DROP TRIGGER IF EXISTS aid_disbursement_amount_matches_program ON aid_disbursement;
DROP FUNCTION IF EXISTS aid_disbursement_amount_matches_program();
"""

SQLITE_CONDITION = """
NEW.amount <> (SELECT p.amount FROM aid_program p
               JOIN aid_application a ON a.program_id = p.id
               WHERE a.id = NEW.application_id)
"""
SQLITE_FORWARD = [
    f"""CREATE TRIGGER aid_disbursement_amount_insert BEFORE INSERT ON aid_disbursement
    WHEN {SQLITE_CONDITION}
    BEGIN SELECT RAISE(ABORT, 'disbursement amount differs from the program amount'); END;""",
    f"""CREATE TRIGGER aid_disbursement_amount_update BEFORE UPDATE OF amount, application_id
    ON aid_disbursement WHEN {SQLITE_CONDITION}
    BEGIN SELECT RAISE(ABORT, 'disbursement amount differs from the program amount'); END;""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS aid_disbursement_amount_insert;",
    "DROP TRIGGER IF EXISTS aid_disbursement_amount_update;",
]


def _run(schema_editor, statements):
    for sql in statements:
        schema_editor.execute(sql, params=None)  # no parameters: keep % literal


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, [POSTGRES_FORWARD])
    elif vendor == "sqlite":
        _run(schema_editor, SQLITE_FORWARD)
    else:
        raise NotImplementedError(f"No disbursement amount trigger for {vendor}")


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    _run(schema_editor, [POSTGRES_BACKWARD] if vendor == "postgresql" else SQLITE_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("aid", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
