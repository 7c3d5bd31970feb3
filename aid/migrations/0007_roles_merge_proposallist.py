from django.db import migrations

from umkm_portal.roles import sync_roles


class Migration(migrations.Migration):
    """Give the Operator role the permission to merge proposal lists (umkm_portal/roles.py)."""

    dependencies = [
        ("aid", "0006_proposal_list_import_state_and_import_rows"),
        ("privacy", "0002_roles"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
