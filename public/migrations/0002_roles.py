from django.db import migrations

from umkm_portal.roles import sync_roles


class Migration(migrations.Migration):
    """Let Pimpinan read the status-check log (the role table is in umkm_portal/roles.py)."""

    dependencies = [("public", "0001_initial"), ("privacy", "0002_roles")]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
