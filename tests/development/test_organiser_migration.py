"""Migration 0012 keeps the single organising cooperative of activities planned before
organisers and partners: it becomes the activity's organiser (a koperasi partner), and back."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from development.models import Activity, PartnerOrganisation

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("development", "0011_activity_partners_reports")]
AFTER = "latest"


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    if targets == AFTER:
        targets = executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_the_organising_cooperative_becomes_the_activitys_organiser_and_back():
    old = _migrate(BEFORE)
    try:
        cooperative = old.get_model("development", "Cooperative").objects.create(
            name="Koperasi Mitra Usaha", legal_number="518/BH/XVIII.3/2010"
        )
        OldActivity = old.get_model("development", "Activity")
        day = datetime.date(2026, 5, 4)
        for topic in ("Temu usaha ritel", "Bazar UMKM"):
            OldActivity.objects.create(
                kind="temu_usaha", topic=topic, starts_on=day, ends_on=day, organiser=cooperative
            )
        OldActivity.objects.create(kind="pelatihan", topic="Dinas", starts_on=day, ends_on=day)
    finally:
        _migrate(AFTER)

    partner = PartnerOrganisation.objects.get()
    assert (partner.name, partner.kind, partner.cooperative_id) == (
        "Koperasi Mitra Usaha",
        "koperasi",
        cooperative.pk,
    )
    labels = {a.topic: a.organiser_label for a in Activity.objects.all()}
    assert labels == {
        "Temu usaha ritel": "Koperasi Mitra Usaha",
        "Bazar UMKM": "Koperasi Mitra Usaha",
        "Dinas": "Dinas Koperasi dan UKM",
    }

    back = _migrate(BEFORE)
    try:
        organisers = dict(
            back.get_model("development", "Activity").objects.values_list("topic", "organiser")
        )
        assert organisers == {
            "Temu usaha ritel": cooperative.pk,
            "Bazar UMKM": cooperative.pk,
            "Dinas": None,
        }
    finally:
        _migrate(AFTER)
