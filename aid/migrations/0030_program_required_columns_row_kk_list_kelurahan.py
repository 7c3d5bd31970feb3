"""What a program requires of every row (Program.required_columns), the Nomor KK of a staged
row, and the kelurahan chosen at upload for a whole file.

On SQLite adding a column with a default rebuilds the program table, which the disbursement
amount triggers (0002) name: they are dropped first and created again after.
"""

import importlib

import django.db.models.deletion
from django.db import migrations, models

import aid.models.programs

_triggers = importlib.import_module("aid.migrations.0002_disbursement_amount_trigger")


def _drop_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        _triggers._run(schema_editor, _triggers.SQLITE_BACKWARD)


def _create_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        _triggers._run(schema_editor, _triggers.SQLITE_FORWARD)


class Migration(migrations.Migration):
    dependencies = [
        ("aid", "0029_proposal_list_merging"),
        ("registry", "0010_roles_merge_owner"),
    ]

    operations = [
        migrations.RunPython(_drop_sqlite_triggers, _create_sqlite_triggers),
        migrations.AddField(
            model_name="historicalprogram",
            name="required_columns",
            field=models.JSONField(
                blank=True,
                default=aid.models.programs.bpum_2020_required,
                help_text="Yang wajib diisi di setiap baris daftar usulan, selain NIK, nama, alamat KTP, No HP dan nama atau bidang usaha (selalu wajib). Baris yang tidak mengisinya ditolak sebagai data kurang lengkap.",
                verbose_name="kolom wajib",
            ),
        ),
        migrations.AddField(
            model_name="historicalproposallist",
            name="kelurahan",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="Bila baris-baris berkas tidak menyebut kelurahannya: semua baris tanpa kelurahan dibaca sebagai kelurahan ini.",
                limit_choices_to={"level": "kelurahan"},
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="registry.region",
                verbose_name="kelurahan seluruh berkas",
            ),
        ),
        migrations.AddField(
            model_name="importrow",
            name="kk",
            field=models.CharField(
                blank=True, db_default="", default="", max_length=16, verbose_name="nomor KK"
            ),
        ),
        migrations.AddField(
            model_name="program",
            name="required_columns",
            field=models.JSONField(
                blank=True,
                default=aid.models.programs.bpum_2020_required,
                help_text="Yang wajib diisi di setiap baris daftar usulan, selain NIK, nama, alamat KTP, No HP dan nama atau bidang usaha (selalu wajib). Baris yang tidak mengisinya ditolak sebagai data kurang lengkap.",
                verbose_name="kolom wajib",
            ),
        ),
        migrations.AddField(
            model_name="proposallist",
            name="kelurahan",
            field=models.ForeignKey(
                blank=True,
                help_text="Bila baris-baris berkas tidak menyebut kelurahannya: semua baris tanpa kelurahan dibaca sebagai kelurahan ini.",
                limit_choices_to={"level": "kelurahan"},
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="registry.region",
                verbose_name="kelurahan seluruh berkas",
            ),
        ),
        migrations.RunPython(_create_sqlite_triggers, _drop_sqlite_triggers),
    ]
