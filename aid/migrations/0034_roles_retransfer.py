from django.db import migrations

from umkm_portal.roles import sync_roles


class Migration(migrations.Migration):
    """The Bendahara exports the re-transfer queue for the bank; Pimpinan reads the exports
    (umkm_portal/roles.py). After the model's migration so that its permissions exist."""

    dependencies = [("aid", "0033_retransfer_batches")]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
