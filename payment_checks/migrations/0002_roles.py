from django.db import migrations

from umkm_portal.roles import sync_roles


class Migration(migrations.Migration):
    """Permissions of pengaduan, notifications and payment checks for the roles
    (umkm_portal/roles.py)."""

    dependencies = [
        ("payment_checks", "0001_initial"),
        ("complaints", "0001_initial"),
        ("notifications", "0001_initial"),
        ("public", "0003_refused_proposal"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
