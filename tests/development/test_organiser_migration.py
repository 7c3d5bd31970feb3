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


def test_migration_0017_puts_todays_partners_on_each_activitys_latest_history_record():
    """So the first change after it shows only what that change did, not every partner
    appearing from nothing."""
    old = _migrate([("development", "0016_roles_pembinaan_pending")])
    try:
        OldActivity = old.get_model("development", "Activity")
        OldHistory = old.get_model("development", "HistoricalActivity")
        bank = old.get_model("development", "PartnerOrganisation").objects.create(
            name="Bank BRI Cabang Bekasi", kind="bank"
        )
        day = datetime.date(2026, 5, 4)
        activity = OldActivity.objects.create(
            kind="temu_usaha", topic="Temu usaha KUR", starts_on=day, ends_on=day
        )
        for venue in ("Aula Kecamatan", "Gedung Koperasi"):  # two records, as saves made
            OldHistory.objects.create(
                id=activity.pk,
                kind="temu_usaha",
                topic="Temu usaha KUR",
                starts_on=day,
                ends_on=day,
                venue=venue,
                created_at=activity.created_at,
                history_date=activity.created_at + datetime.timedelta(minutes=len(venue)),
                history_type="~",
            )
        old.get_model("development", "ActivityPartner").objects.create(
            activity=activity, organisation=bank, role="mitra"
        )
    finally:
        _migrate(AFTER)

    first, latest = Activity.history.filter(id=activity.pk).order_by("history_date")
    assert first.organisations.count() == 0
    assert [(row.organisation_id, row.role) for row in latest.organisations.all()] == [
        (bank.pk, "mitra")
    ]
