"""Issue 24.3: the phone an application was proposed with, and the conflicts between a list
and the registry ("berbeda dengan data registry").

``proposed_phone`` is added with ``ALTER TABLE … ADD COLUMN`` on every database: on SQLite,
Django would rebuild aid_application, and the disbursement triggers that read it do not
survive a rebuild (as in 0022 and 0025). Applications made before keep an empty one: the
status check still accepts their owner's phone.
"""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

PROPOSED_PHONE = models.CharField(
    blank=True, db_default="", default="", max_length=16, verbose_name="nomor HP saat diusulkan"
)


def add_proposed_phone(apps, schema_editor):
    model = apps.get_model("aid", "Application")
    field = PROPOSED_PHONE.clone()
    field.set_attributes_from_name("proposed_phone")
    field.model = model
    definition, params = schema_editor.column_sql(model, field, include_default=True)
    quote = schema_editor.quote_name
    schema_editor.execute(
        f"ALTER TABLE {quote(model._meta.db_table)} ADD COLUMN {quote(field.column)} {definition}",
        params or None,
    )


def drop_proposed_phone(apps, schema_editor):
    table = apps.get_model("aid", "Application")._meta.db_table
    schema_editor.execute(
        f"ALTER TABLE {schema_editor.quote_name(table)} DROP COLUMN "
        f"{schema_editor.quote_name('proposed_phone')}"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("aid", "0030_program_required_columns_row_kk_list_kelurahan"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(add_proposed_phone, drop_proposed_phone)],
            state_operations=[
                migrations.AddField(
                    model_name="application", name="proposed_phone", field=PROPOSED_PHONE
                )
            ],
        ),
        migrations.CreateModel(
            name="HistoricalRegistryConflict",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("list_name", models.CharField(max_length=150, verbose_name="nama di daftar")),
                (
                    "list_phone",
                    models.CharField(blank=True, max_length=16, verbose_name="nomor HP di daftar"),
                ),
                (
                    "registry_name",
                    models.CharField(max_length=150, verbose_name="nama di registry"),
                ),
                (
                    "registry_phone",
                    models.CharField(
                        blank=True, max_length=16, verbose_name="nomor HP di registry"
                    ),
                ),
                ("name_differs", models.BooleanField(default=False, verbose_name="nama berbeda")),
                (
                    "phone_differs",
                    models.BooleanField(default=False, verbose_name="nomor HP berbeda"),
                ),
                (
                    "decision",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("keep_registry", "Pakai data registry"),
                            ("take_list", "Pakai data daftar"),
                        ],
                        max_length=20,
                        verbose_name="keputusan",
                    ),
                ),
                (
                    "decided_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="diputuskan"),
                ),
                ("note", models.TextField(blank=True, verbose_name="catatan keputusan")),
                (
                    "created_at",
                    models.DateTimeField(blank=True, editable=False, verbose_name="dibuat"),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "application",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="aid.application",
                        verbose_name="permohonan",
                    ),
                ),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="diputuskan oleh",
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "riwayat data berbeda dengan registry",
                "verbose_name_plural": "historical data berbeda dengan registry",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="RegistryConflict",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("list_name", models.CharField(max_length=150, verbose_name="nama di daftar")),
                (
                    "list_phone",
                    models.CharField(blank=True, max_length=16, verbose_name="nomor HP di daftar"),
                ),
                (
                    "registry_name",
                    models.CharField(max_length=150, verbose_name="nama di registry"),
                ),
                (
                    "registry_phone",
                    models.CharField(
                        blank=True, max_length=16, verbose_name="nomor HP di registry"
                    ),
                ),
                ("name_differs", models.BooleanField(default=False, verbose_name="nama berbeda")),
                (
                    "phone_differs",
                    models.BooleanField(default=False, verbose_name="nomor HP berbeda"),
                ),
                (
                    "decision",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("keep_registry", "Pakai data registry"),
                            ("take_list", "Pakai data daftar"),
                        ],
                        max_length=20,
                        verbose_name="keputusan",
                    ),
                ),
                (
                    "decided_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="diputuskan"),
                ),
                ("note", models.TextField(blank=True, verbose_name="catatan keputusan")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="dibuat")),
                (
                    "application",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="registry_conflict",
                        to="aid.application",
                        verbose_name="permohonan",
                    ),
                ),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="diputuskan oleh",
                    ),
                ),
            ],
            options={
                "verbose_name": "data berbeda dengan registry",
                "verbose_name_plural": "data berbeda dengan registry",
                "indexes": [
                    models.Index(
                        condition=models.Q(("decision", "")),
                        fields=["application"],
                        name="registryconflict_open_idx",
                    )
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("name_differs", True), ("phone_differs", True), _connector="OR"
                        ),
                        name="registryconflict_something_differs",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("decision__in", ["", "keep_registry", "take_list"])),
                        name="registryconflict_decision_known",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("decision", ""), ("decided_at__isnull", False), _connector="OR"
                        ),
                        name="registryconflict_decision_dated",
                    ),
                ],
            },
        ),
    ]
