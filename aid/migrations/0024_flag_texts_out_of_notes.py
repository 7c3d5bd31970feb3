"""Possible-duplicate flags are put in words when a row is shown (aid/importing/flags.py);
rows staged before that carry the words in their note as well. Take them out, so that they
are not shown twice. The patterns are the texts the rules wrote, in both languages."""

import re

from django.db import migrations

ROWS = r"[\d, ]+(?: (?:dan|and) \d+ (?:baris lain|other rows))?"
APPLICATIONS = r"[#\d, ]+"
FLAG_TEXTS = re.compile(
    "|".join(
        [
            rf"Nama dan tanggal lahir sama dengan baris {ROWS} \(NIK berbeda\)\.",
            rf"Rekening yang sama dipakai di baris {ROWS} \(NIK berbeda\)\.",
            rf"Nomor HP yang sama dipakai di baris {ROWS} \(NIK berbeda\)\.",
            rf"Rekening yang sama sudah dipakai permohonan {APPLICATIONS} program ini "
            r"\(NIK berbeda\)\.",
            rf"Nomor HP yang sama sudah dipakai permohonan {APPLICATIONS} program ini "
            r"\(NIK berbeda\)\.",
            rf"Same name and date of birth as row {ROWS} \(different NIK\)\.",
            rf"The same bank account is used on row {ROWS} \(different NIK\)\.",
            rf"The same mobile number is used on row {ROWS} \(different NIK\)\.",
            rf"The same bank account is already used by application {APPLICATIONS} of this "
            r"program \(another NIK\)\.",
            rf"The same mobile number is already used by application {APPLICATIONS} of this "
            r"program \(another NIK\)\.",
        ]
    )
)


def without_flag_texts(note: str) -> str:
    return " ".join(FLAG_TEXTS.sub("", note).split())


def forwards(apps, schema_editor):
    ImportRow = apps.get_model("aid", "ImportRow")
    changed = []
    for row in (
        ImportRow.objects.exclude(flags=[])
        .exclude(note="")
        .only("pk", "note")
        .iterator(chunk_size=2000)
    ):
        note = without_flag_texts(row.note)
        if note != row.note:
            row.note = note
            changed.append(row)
        if len(changed) == 2000:
            ImportRow.objects.bulk_update(changed, ["note"])
            changed = []
    ImportRow.objects.bulk_update(changed, ["note"])


class Migration(migrations.Migration):
    dependencies = [("aid", "0023_importrowcorrection_rechecked")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
