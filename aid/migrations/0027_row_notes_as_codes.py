"""The notes the import's rules appended to a row's note as sentences (the owner or the
account is registered and the registry's details are kept) become codes in
``ImportRow.note_codes``, put into words when shown (aid.importing.row_messages); the check's
warnings stay in ``note``. Rows staged before, in Indonesian or English, are converted."""

from django.db import migrations, models

SENTENCES = {
    "registered_owner": [
        "Pemilik NIK ini sudah terdaftar. Data terdaftar tetap dipakai; nama, alamat atau nomor "
        "HP yang berbeda di daftar ini tidak mengubah registri (perbaikannya lewat Dinas).",
        "The owner of this NIK is already registered. The registered data is kept; a different "
        "name, address or mobile number in this list does not change the registry (the "
        "Department corrects it).",
    ],
    "registered_account": [
        "Rekening di daftar berbeda dengan rekening aktif yang terdaftar; rekening terdaftar "
        "tetap dipakai untuk penyaluran.",
        "The bank account in the list differs from the registered active account; the "
        "registered account is still used for the disbursement.",
    ],
}


def split_note(note: str) -> tuple[str, list[str]]:
    """The note without the rules' sentences, and their codes in the order written."""
    found = []
    for code, sentences in SENTENCES.items():
        for sentence in sentences:
            at = note.find(sentence)
            if at >= 0:
                found.append((at, code))
                note = note.replace(sentence, "")
    return " ".join(note.split()), [code for _at, code in sorted(found)]


def forwards(apps, schema_editor):
    ImportRow = apps.get_model("aid", "ImportRow")
    candidates = models.Q()
    for sentences in SENTENCES.values():
        for sentence in sentences:
            candidates |= models.Q(note__contains=sentence[:40])
    rows = ImportRow.objects.filter(candidates, note_codes__isnull=True)
    # One UPDATE per distinct note: rows of one list mostly share theirs.
    for note in list(rows.values_list("note", flat=True).distinct()):
        rest, codes = split_note(note)
        if codes:
            rows.filter(note=note).update(note=rest, note_codes=codes)


class Migration(migrations.Migration):
    dependencies = [("aid", "0026_notes_to_codes")]

    operations = [
        migrations.AddField(
            model_name="importrow",
            name="note_codes",
            field=models.JSONField(blank=True, null=True, verbose_name="kode catatan"),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
