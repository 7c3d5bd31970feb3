"""Load Kota Bekasi's kecamatan and kelurahan and the bank codes from the vendored CSVs.

The files in registry/data/ come from ../shared/data (see registry/data/SOURCES.md for the
sources and the MIT attribution of the region codes). Kelurahan codes have gaps, so they are
read, never generated.
"""

import csv
from pathlib import Path

from django.db import migrations

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


def _rows(name):
    with open(DATA_DIR / name, newline="", encoding="utf-8") as f:
        yield from csv.DictReader(f)


def load(apps, schema_editor):
    Region = apps.get_model("registry", "Region")
    Bank = apps.get_model("registry", "Bank")
    by_code = {}
    # Kecamatan rows come before their kelurahan in the file; sort to be sure.
    for row in sorted(
        _rows("bekasi_wilayah.csv"), key=lambda r: (r["level"] != "kecamatan", r["code"])
    ):
        region, _ = Region.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "level": row["level"],
                "parent": by_code.get(row["parent_code"]),
            },
        )
        by_code[region.code] = region
    for row in _rows("bank_codes.csv"):
        Bank.objects.update_or_create(
            code=row["code"], defaults={"name": row["name"], "short_name": row["short_name"]}
        )


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
