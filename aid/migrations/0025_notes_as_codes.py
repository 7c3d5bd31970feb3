"""Columns for notes and messages the portal writes itself, kept as a code and its values
(aid.notes, aid.importing.row_messages) and put into words when shown.

Added with ``ALTER TABLE … ADD COLUMN`` on every database: on SQLite, Django would rebuild
a table to add a NOT NULL column, and the disbursement triggers that read aid_application do
not survive a rebuild (as in 0022).
"""

from django.db import migrations, models


def _code(label):
    return models.CharField(label, max_length=30, blank=True, default="", db_default="")


def _params(label):
    return models.JSONField(label, null=True, blank=True)


FIELDS = [
    ("application", "reason_note_code", _code("kode catatan alasan")),
    ("application", "reason_note_params", _params("nilai catatan alasan")),
    ("statuschange", "note_code", _code("kode catatan")),
    ("statuschange", "note_params", _params("nilai catatan")),
    ("importrow", "message_code", _code("kode keterangan")),
    ("importrow", "message_params", _params("nilai keterangan")),
]


def add_columns(apps, schema_editor):
    quote = schema_editor.quote_name
    for model_name, name, field in FIELDS:
        model = apps.get_model("aid", model_name)
        field = field.clone()
        field.set_attributes_from_name(name)
        field.model = model
        definition, params = schema_editor.column_sql(model, field, include_default=True)
        schema_editor.execute(
            f"ALTER TABLE {quote(model._meta.db_table)} ADD COLUMN {quote(field.column)} "
            f"{definition}",
            params or None,
        )


def drop_columns(apps, schema_editor):
    quote = schema_editor.quote_name
    for model_name, name, _field in reversed(FIELDS):
        table = apps.get_model("aid", model_name)._meta.db_table
        schema_editor.execute(f"ALTER TABLE {quote(table)} DROP COLUMN {quote(name)}")


class Migration(migrations.Migration):
    dependencies = [("aid", "0024_flag_texts_out_of_notes")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(add_columns, drop_columns)],
            state_operations=[
                migrations.AddField(model_name=model_name, name=name, field=field)
                for model_name, name, field in FIELDS
            ],
        )
    ]
