from django.db import migrations

from umkm_portal.roles import sync_roles


class Migration(migrations.Migration):
    """Give the Verifikator the owner merge permissions (roles.py)."""

    dependencies = [("registry", "0009_owner_merge")]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
