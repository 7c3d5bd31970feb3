from django.db import migrations

from umkm_portal.roles import sync_roles


class Migration(migrations.Migration):
    """The ministry's decision is recorded by Pimpinan, not by the Verifikator who submits
    (umkm_portal/roles.py, issue 11 finding 7b)."""

    dependencies = [
        ("aid", "0009_proposal_list_history"),
        ("registry", "0008_roles_confirm_account"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
