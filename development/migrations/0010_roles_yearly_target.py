from django.db import migrations

from umkm_portal.roles import sync_roles


class Migration(migrations.Migration):
    """Give Pembinaan (edit) and Pimpinan (read) the yearly targets' permissions (roles.py)."""

    dependencies = [("development", "0009_yearly_target")]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
