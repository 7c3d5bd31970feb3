from django.db import migrations

from umkm_portal.roles import sync_roles


class Migration(migrations.Migration):
    """Give roles the permissions of the grant-lifecycle records (see umkm_portal/roles.py)."""

    dependencies = [("aid", "0004_grant_lifecycle_records"), ("privacy", "0002_roles")]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
