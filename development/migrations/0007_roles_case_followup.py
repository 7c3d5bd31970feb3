from django.db import migrations

from umkm_portal.roles import sync_roles


class Migration(migrations.Migration):
    """Give Operator, Pembinaan and Pimpinan the case follow-up permissions (roles.py)."""

    dependencies = [("development", "0006_case_followup")]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
