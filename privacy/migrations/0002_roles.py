from django.db import migrations

from umkm_portal.roles import sync_roles


class Migration(migrations.Migration):
    """Give roles the access-log permission (the role table is in umkm_portal/roles.py)."""

    dependencies = [("privacy", "0001_initial"), ("aid", "0003_roles")]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
