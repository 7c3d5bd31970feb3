from django.db import migrations

from umkm_portal.roles import sync_roles


class Migration(migrations.Migration):
    """Separation of duties (issue 11, findings 3 and 7; umkm_portal/roles.py): Operators
    request NIK corrections and Verifikators approve them; the Bendahara confirms replaced
    bank accounts; Pimpinan, not the Verifikator who submits, records the ministry's
    decision. Runs after every app's latest migration so that all permissions exist."""

    dependencies = [
        ("aid", "0018_proposal_list_history"),
        ("registry", "0007_bank_account_confirmation"),
        ("privacy", "0003_export_identities_permission"),
        ("dashboard", "0005_import_summary_outcomes"),
        ("public", "0002_roles"),
        ("proposers", "0001_proposers"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
