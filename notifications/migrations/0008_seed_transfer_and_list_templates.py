from django.db import migrations

# The texts for a failed transfer and for one sent again (to the owner), and for a list merged
# or returned (to the proposer's contact), in Indonesian; staff edit them in the admin.
# Program, amount, list number, date and count only: no NIK, name or account number.
TEMPLATES = {
    "transfer_failed": (
        "Dinas KUKM Kota Bekasi: transfer dana {program} sebesar {amount} ke rekening Anda "
        "gagal. Perbaiki data rekening di kantor kelurahan atau Dinas KUKM Kota Bekasi dengan "
        "membawa KTP dan buku tabungan atas nama Anda; dana dikirim ulang setelah rekening "
        "diperbaiki."
    ),
    "transfer_sent_again": (
        "Dinas KUKM Kota Bekasi: dana {program} sebesar {amount} sedang dikirim ulang ke "
        "rekening Anda yang baru. Anda akan menerima pesan lagi setelah dana masuk."
    ),
    "list_merged": (
        "Dinas KUKM Kota Bekasi: daftar usulan {program} {number} sudah digabungkan pada "
        "{date}; {count} usulan baru tercatat. Lihat hasil per baris di ruang kerja pengusul "
        "portal UMKM."
    ),
    "list_returned": (
        "Dinas KUKM Kota Bekasi: daftar usulan {program} {number} dikembalikan pada {date}. "
        "Baca catatan Dinas di ruang kerja pengusul portal UMKM, perbaiki, lalu kirim lagi."
    ),
}
# The owners' messages end with how to stop them; the proposers' are the office's own.
OWNER_EVENTS = {"transfer_failed", "transfer_sent_again"}
STOP_HINT = " Balas STOP untuk berhenti menerima pesan."


def seed(apps, schema_editor):
    MessageTemplate = apps.get_model("notifications", "MessageTemplate")
    for event, text in TEMPLATES.items():
        hint = STOP_HINT if event in OWNER_EVENTS else ""
        MessageTemplate.objects.get_or_create(event=event, defaults={"text": text + hint})


def unseed(apps, schema_editor):
    MessageTemplate = apps.get_model("notifications", "MessageTemplate")
    MessageTemplate.objects.filter(event__in=TEMPLATES).delete()


class Migration(migrations.Migration):
    dependencies = [("notifications", "0007_transfer_and_list_events")]

    operations = [migrations.RunPython(seed, unseed)]
