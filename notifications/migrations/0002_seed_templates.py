from django.db import migrations

# The first texts, in Indonesian; staff edit them in the admin. No NIK, name or account.
TEMPLATES = {
    "transferred": (
        "Dinas KUKM Kota Bekasi: dana {program} sebesar {amount} sudah ditransfer ke rekening "
        "Anda pada {date}. Cairkan paling lambat {deadline} di bank penyalur dengan membawa KTP."
    ),
    "rejected": (
        "Dinas KUKM Kota Bekasi: usulan {program} Anda tidak dapat diproses. Alasan: {reason}. "
        "{advice}"
    ),
    "returned": (
        "Dinas KUKM Kota Bekasi: dana {program} dikembalikan ke kas negara pada {date} karena "
        "tidak dicairkan. Hubungi Dinas KUKM bila ada pertanyaan."
    ),
    "withdrawal_deadline": (
        "Dinas KUKM Kota Bekasi: dana {program} sebesar {amount} di rekening Anda belum "
        "dicairkan. Batas pencairan {deadline}; setelah itu dana dikembalikan ke kas negara."
    ),
    "complaint_answered": (
        "Dinas KUKM Kota Bekasi: pengaduan Anda {number} sudah dijawab. Lihat jawabannya di "
        "halaman Cek Status portal UMKM dengan NIK dan 4 angka terakhir nomor HP Anda."
    ),
}
STOP_HINT = " Balas STOP untuk berhenti menerima pesan."


def seed(apps, schema_editor):
    MessageTemplate = apps.get_model("notifications", "MessageTemplate")
    for event, text in TEMPLATES.items():
        MessageTemplate.objects.get_or_create(event=event, defaults={"text": text + STOP_HINT})


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
