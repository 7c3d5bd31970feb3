"""Every proposer named on a list becomes a proposer record, and the lists point at it;
the Pengusul role is created (umkm_portal/roles.py)."""

from django.db import migrations

from umkm_portal.roles import sync_roles


def link(apps, schema_editor):
    ProposalList = apps.get_model("aid", "ProposalList")
    Proposer = apps.get_model("proposers", "Proposer")
    names = (
        ProposalList.objects.filter(proposer__isnull=True)
        .values_list("proposer_name", "proposer_kind")
        .distinct()
    )
    for name, kind in names:
        proposer, _ = Proposer.objects.get_or_create(name=name, defaults={"kind": kind})
        ProposalList.objects.filter(proposer__isnull=True, proposer_name=name).update(
            proposer=proposer
        )


class Migration(migrations.Migration):
    dependencies = [
        ("aid", "0012_proposer_workspace"),
        ("proposers", "0001_proposers"),
    ]

    operations = [
        migrations.RunPython(link, migrations.RunPython.noop),
        migrations.RunPython(sync_roles, migrations.RunPython.noop),
    ]
