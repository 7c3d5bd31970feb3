from django.db import migrations

from umkm_portal.roles import sync_roles


class Migration(migrations.Migration):
    """Create the Pembinaan role with its permissions (umkm_portal/roles.py)."""

    dependencies = [
        ("development", "0004_report_registry_class"),
        ("dashboard", "0002_roles"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
