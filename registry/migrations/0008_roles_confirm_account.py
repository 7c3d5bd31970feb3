from django.db import migrations

from umkm_portal.roles import sync_roles


class Migration(migrations.Migration):
    """Bendahara confirms accounts changed after verification (umkm_portal/roles.py)."""

    dependencies = [("registry", "0007_bank_account_confirmation")]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
