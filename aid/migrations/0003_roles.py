from django.db import migrations

from umkm_portal.roles import sync_roles


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("registry", "0002_load_reference_data"),
        ("aid", "0002_disbursement_amount_trigger"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
