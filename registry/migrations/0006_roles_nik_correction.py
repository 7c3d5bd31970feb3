from django.db import migrations

from umkm_portal.roles import sync_roles


class Migration(migrations.Migration):
    """Operators request NIK corrections, Verifikators approve them (umkm_portal/roles.py)."""

    dependencies = [
        ("registry", "0005_nik_correction"),
        ("aid", "0008_importrow_no_separate_list_index"),
        ("privacy", "0002_roles"),
        ("dashboard", "0003_split_transfer_summary"),
        ("public", "0002_roles"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
