from django.db import migrations

from umkm_portal.roles import sync_roles


class Migration(migrations.Migration):
    """Give Operator and Pimpinan their development permissions (umkm_portal/roles.py)."""

    dependencies = [
        ("development", "0002_reports_append_only"),
        ("public", "0002_roles"),
        ("dashboard", "0002_roles"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
