from django.db import migrations

# The texts for a failed transfer and for one sent again, in Indonesian; staff edit them in
# the admin. Program and amount only: no NIK, name or account number.
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
}
STOP_HINT = " Balas STOP untuk berhenti menerima pesan."


def seed(apps, schema_editor):
    MessageTemplate = apps.get_model("notifications", "MessageTemplate")
    for event, text in TEMPLATES.items():
        MessageTemplate.objects.get_or_create(event=event, defaults={"text": text + STOP_HINT})


def unseed(apps, schema_editor):
    MessageTemplate = apps.get_model("notifications", "MessageTemplate")
    MessageTemplate.objects.filter(event__in=TEMPLATES).delete()


class Migration(migrations.Migration):
    dependencies = [("notifications", "0006_transfer_events")]

    operations = [migrations.RunPython(seed, unseed)]
