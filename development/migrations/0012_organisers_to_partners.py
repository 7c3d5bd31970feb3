"""An activity's single organising cooperative (Activity.organiser) becomes an organiser
among its partners: one PartnerOrganisation per cooperative that organised something, linked
to each of its activities as penyelenggara. Reversible while no activity has more than one
organising cooperative."""

from django.db import migrations


def forward(apps, schema_editor):
    Activity = apps.get_model("development", "Activity")
    ActivityPartner = apps.get_model("development", "ActivityPartner")
    PartnerOrganisation = apps.get_model("development", "PartnerOrganisation")
    partner_of = {}
    for activity in Activity.objects.filter(organiser__isnull=False).select_related("organiser"):
        cooperative = activity.organiser
        if cooperative.pk not in partner_of:
            partner, _created = PartnerOrganisation.objects.get_or_create(
                cooperative=cooperative, defaults={"name": cooperative.name, "kind": "koperasi"}
            )
            partner_of[cooperative.pk] = partner
        ActivityPartner.objects.get_or_create(
            activity=activity,
            organisation=partner_of[cooperative.pk],
            defaults={"role": "penyelenggara"},
        )


def backward(apps, schema_editor):
    ActivityPartner = apps.get_model("development", "ActivityPartner")
    Activity = apps.get_model("development", "Activity")
    links = ActivityPartner.objects.filter(
        role="penyelenggara", organisation__cooperative__isnull=False
    ).select_related("organisation")
    for link in links.order_by("-pk"):
        Activity.objects.filter(pk=link.activity_id).update(
            organiser_id=link.organisation.cooperative_id
        )


class Migration(migrations.Migration):
    dependencies = [("development", "0011_activity_partners_reports")]

    operations = [migrations.RunPython(forward, backward)]
