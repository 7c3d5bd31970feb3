from django.db import migrations, models


class Migration(migrations.Migration):
    """First of three steps to one possible-duplicate row per pair: the ``rules`` column.

    Schema, data (0010) and the new constraints (0011) are separate migrations because
    PostgreSQL refuses to alter a table in the transaction that changed its foreign keys.
    """

    dependencies = [
        ("aid", "0014_proposallist_import_updated_at"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="possibleduplicate",
            name="possible_duplicate_unique",
        ),
        migrations.RemoveConstraint(
            model_name="possibleduplicate",
            name="possible_duplicate_not_self",
        ),
        migrations.AddField(
            model_name="possibleduplicate",
            name="rules",
            field=models.CharField(default="", max_length=64, verbose_name="aturan"),
            preserve_default=False,
        ),
    ]
