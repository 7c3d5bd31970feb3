from django.db import migrations

# The texts for the development app's activities, in Indonesian; staff edit them in the
# admin. Topic, date and place only: no NIK, name or number.
TEMPLATES = {
    "activity_registered": (
        "Dinas KUKM Kota Bekasi: Anda terdaftar sebagai peserta kegiatan {activity} pada {date} "
        "di {place}. Bawa KTP saat hadir."
    ),
    "activity_reminder": (
        "Dinas KUKM Kota Bekasi: pengingat, kegiatan {activity} diadakan besok, {date}, di "
        "{place}. Bawa KTP saat hadir."
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
    dependencies = [("notifications", "0003_activity_events")]

    operations = [migrations.RunPython(seed, unseed)]
