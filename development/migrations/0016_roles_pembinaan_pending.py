from django.db import migrations

from umkm_portal.roles import sync_roles


class Migration(migrations.Migration):
    """Let the Pembinaan role see and decide pending registrations (roles.py): the officer at
    the door meets the people who registered from /kegiatan/ with an unknown NIK."""

    dependencies = [("development", "0015_referral_cancelled")]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
