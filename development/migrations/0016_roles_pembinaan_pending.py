from django.db import migrations

from umkm_portal.roles import sync_roles


class Migration(migrations.Migration):
    """Let the Pembinaan role read and decide registrations waiting for a check, as the
    Operator does: the pembinaan officer runs the door where they are checked (roles.py)."""

    dependencies = [("development", "0015_referral_cancelled")]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
