"""Drop the index on aid_application.program_id: application_program_status_idx
(program_id, status) serves every lookup by program, and each imported application paid for
writing both. Plain SQL for the database: on SQLite, Django would rebuild the whole table to
change ``db_index`` on a foreign key, which the disbursement triggers do not survive."""

import django.db.models.deletion
from django.db import migrations, models

INDEX = "aid_application_program_id_64c60a91"


class Migration(migrations.Migration):
    dependencies = [
        ("aid", "0021_proposal_list_import_phase"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{INDEX}"',
                    f'CREATE INDEX "{INDEX}" ON "aid_application" ("program_id")',
                ),
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="application",
                    name="program",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="applications",
                        to="aid.program",
                        verbose_name="program",
                    ),
                ),
            ],
        ),
    ]
