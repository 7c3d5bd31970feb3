"""Fill the kecamatan of businesses already in the registry.

From the kelurahan where one is known; otherwise, for businesses created by a proposal list
whose staged rows are still kept, from the kecamatan written in the list (read with the same
matching the import now uses). Businesses of lists already purged keep no kecamatan.
"""

from django.db import migrations


def fill(apps, schema_editor):
    from aid.importing.columns import map_header
    from registry.selectors import RegionIndex

    Business = apps.get_model("registry", "Business")
    Region = apps.get_model("registry", "Region")
    ProposalList = apps.get_model("aid", "ProposalList")
    ImportRow = apps.get_model("aid", "ImportRow")
    Application = apps.get_model("aid", "Application")

    for region in Region.objects.filter(level="kelurahan"):
        Business.objects.filter(kelurahan=region, kecamatan__isnull=True).update(
            kecamatan_id=region.parent_id
        )

    index = RegionIndex(list(Region.objects.select_related("parent")))
    for proposal_list in ProposalList.objects.filter(import_status="merged").iterator():
        column = map_header(proposal_list.headers or []).get("kecamatan")
        if column is None:
            continue
        by_nik: dict[str, int] = {}
        rows = ImportRow.objects.filter(proposal_list=proposal_list, outcome="accepted")
        for nik, raw in rows.values_list("nik", "raw").iterator(chunk_size=2000):
            written = raw[column] if column < len(raw) else ""
            match = index.match(kecamatan=str(written or ""))
            if match.kecamatan is not None:
                by_nik[nik] = match.kecamatan.pk
        kecamatan_niks: dict[int, list[str]] = {}
        for nik, kecamatan_id in by_nik.items():
            kecamatan_niks.setdefault(kecamatan_id, []).append(nik)
        for kecamatan_id, niks in kecamatan_niks.items():
            for start in range(0, len(niks), 500):
                business_ids = Application.objects.filter(
                    proposal_list=proposal_list, owner__nik__in=niks[start : start + 500]
                ).values("business_id")
                Business.objects.filter(pk__in=business_ids, kecamatan__isnull=True).update(
                    kecamatan_id=kecamatan_id
                )


class Migration(migrations.Migration):
    dependencies = [
        ("aid", "0009_importrow_kecamatan"),
        ("registry", "0005_business_kecamatan"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
