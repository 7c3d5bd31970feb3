from django.db import migrations

from umkm_portal.roles import sync_roles


class Migration(migrations.Migration):
    """Give Operator, Pembinaan and Pimpinan the permissions on partner organisations and
    activity reports and photos (roles.py)."""

    dependencies = [("development", "0013_remove_activity_organiser")]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
