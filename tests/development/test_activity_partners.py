"""Activities (issue 26.6): a start time the messages carry, several organisers and partners
(a cooperative, a bank, a BUMN) shown wherever the organiser was, referrals linked to the
temu usaha they came from, and the day-before reminder sent by the periodic jobs."""

import datetime
import html
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from development import services, transitions
from development.models import Activity, PartnerOrganisation, Referral, ReferralStatus
from notifications.models import Event, OutboxMessage
from registry.models import Bank
from tests.factories import BusinessFactory
from umkm_portal import roles

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisations():
    cooperative = services.cooperative_create(
        name="Koperasi Mitra Usaha", legal_number="AHU-0004512.AH.01.26.TAHUN 2018"
    )
    kind = PartnerOrganisation.Kind
    return {
        "koperasi": services.partner_organisation_save(
            name="Koperasi Mitra Usaha", kind=kind.COOPERATIVE, cooperative=cooperative
        ),
        "asosiasi": services.partner_organisation_save(
            name="IWAPI Kota Bekasi", kind=kind.ASSOCIATION
        ),
        "bank": services.partner_organisation_save(name="Bank BRI Cabang Bekasi", kind=kind.BANK),
        "bumn": services.partner_organisation_save(name="PT Pertamina (Persero)", kind=kind.BUMN),
    }


def test_an_activity_has_organisers_and_partners_on_its_paperwork_and_public_page(
    make_activity, organisations, make_staff, client
):
    activity = make_activity(
        kind=Activity.Kind.MATCHING,
        organisers=[organisations["koperasi"], organisations["asosiasi"]],
        partners=[organisations["bank"], organisations["bumn"]],
        registration_open=True,
    )

    assert activity.organiser_label == "IWAPI Kota Bekasi, Koperasi Mitra Usaha"
    assert activity.partner_label == "Bank BRI Cabang Bekasi, PT Pertamina (Persero)"
    public = client.get(reverse("development:activities")).content.decode()
    assert "IWAPI Kota Bekasi, Koperasi Mitra Usaha" in public
    client.force_login(make_staff(roles.PEMBINAAN))
    sheet = client.get(reverse("development:attendance_sheet", args=[activity.pk]))
    cells = " ".join(
        str(c)
        for row in load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True)
        for c in row
        if c
    )
    assert "IWAPI Kota Bekasi, Koperasi Mitra Usaha" in cells


def test_the_admin_saves_organisers_partners_and_start_time(
    make_activity, organisations, make_staff, client
):
    activity = make_activity(organisers=[organisations["koperasi"]])
    client.force_login(make_staff(roles.PEMBINAAN))
    url = reverse("admin:development_activity_change", args=[activity.pk])
    data = {
        "kind": Activity.Kind.TRAINING,
        "topic": activity.topic,
        "starts_on": activity.starts_on.strftime("%d-%m-%Y"),
        "ends_on": activity.ends_on.strftime("%d-%m-%Y"),
        "starts_at": "09:30",
        "venue": activity.venue,
        "organisers": [organisations["asosiasi"].pk],
        "partners": [organisations["bank"].pk, organisations["bumn"].pk],
        "participants-TOTAL_FORMS": 0,
        "participants-INITIAL_FORMS": 0,
    }

    page = client.get(url).content.decode()
    assert "Koperasi Mitra Usaha" in page
    response = client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:3000]
    activity = Activity.objects.get(pk=activity.pk)
    assert activity.starts_at == datetime.time(9, 30)
    assert [o.name for o in activity.organisers()] == ["IWAPI Kota Bekasi"]
    assert {o.name for o in activity.supporting_partners()} == {
        "Bank BRI Cabang Bekasi",
        "PT Pertamina (Persero)",
    }

    # One organisation in both roles is refused with a message on the field.
    data["partners"] = [organisations["asosiasi"].pk]
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert "pilih satu peran untuk tiap lembaga" in refused.content.decode()
    assert [o.name for o in activity.supporting_partners()] == [
        "Bank BRI Cabang Bekasi",
        "PT Pertamina (Persero)",
    ]


def test_messages_carry_the_start_time(make_activity, django_capture_on_commit_callbacks):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    activity = make_activity(starts_on=tomorrow, starts_at=datetime.time(9, 0))
    owner = BusinessFactory().owner
    with django_capture_on_commit_callbacks(execute=True):
        services.participant_register(activity=activity, owner=owner)

    # Nobody types a command: the periodic jobs queue the day-before reminder.
    call_command("run_periodic", "--once", "--only", "send_notifications")

    confirmation = OutboxMessage.objects.get(event=Event.ACTIVITY_REGISTERED)
    reminder = OutboxMessage.objects.get(event=Event.ACTIVITY_REMINDER)
    assert "pukul 09.00 WIB" in confirmation.text
    assert "pukul 09.00 WIB" in reminder.text


def test_a_referral_names_the_temu_usaha_it_came_from(make_activity, make_staff, client):
    matching = make_activity(
        kind=Activity.Kind.MATCHING,
        topic="Temu usaha dengan perbankan",
        starts_on=timezone.localdate() - datetime.timedelta(days=3),
    )
    training = make_activity(kind=Activity.Kind.TRAINING)
    business = BusinessFactory(name="Keripik Bu Sri")
    kur = {
        "business": business,
        "channel": Referral.Channel.KUR,
        "bank": Bank.objects.first(),
        "amount_asked": 25_000_000,
        "referred_on": timezone.localdate(),
    }
    with pytest.raises(ValidationError) as refused:
        services.referral_create(**kur, activity=training)
    assert "temu usaha" in str(refused.value)
    unlinked = services.referral_create(**kur)
    client.force_login(make_staff(roles.PEMBINAAN))

    # An earlier referral is linked from its admin page (which has no Save button) through
    # its own small page; a training is refused there too.
    url = reverse("admin:development_referral_change", args=[unlinked.pk])
    link = reverse("admin:development_referral_activity", args=[unlinked.pk])
    page = client.get(url).content.decode()
    assert link in page and 'name="_save"' not in page
    refused_page = client.post(link, {"activity": training.pk})
    assert refused_page.status_code == 200
    assert Referral.objects.get(pk=unlinked.pk).activity is None
    response = client.post(link, {"activity": matching.pk})

    assert response.status_code == 302, response.content.decode()[:2000]
    assert Referral.objects.get(pk=unlinked.pk).activity == matching
    assert "Temu usaha dengan perbankan" in client.get(url).content.decode()
    activity_page = client.get(
        reverse("admin:development_activity_change", args=[matching.pk])
    ).content.decode()
    assert "Keripik Bu Sri" in activity_page
    assert Referral.objects.get(pk=unlinked.pk).status == ReferralStatus.REFERRED
    assert transitions.targets(unlinked)  # its status still moves only through the machine


def test_the_activity_history_shows_organisers_and_partners_joining_and_leaving(
    make_activity, organisations, make_staff, client
):
    officer = make_staff(roles.PEMBINAAN)
    activity = make_activity(organisers=[organisations["koperasi"]], by=officer)
    # Only the partners change: a record of its own.
    services.activity_update(activity=activity, partners=[organisations["bank"]], by=officer)
    # A detail and a role change at once: one record.
    services.activity_update(
        activity=activity,
        venue="Gedung Koperasi",
        organisers=[organisations["bank"]],
        partners=[organisations["koperasi"]],
        by=officer,
    )
    # Nothing changed: no record.
    services.activity_update(activity=activity, venue="Gedung Koperasi", by=officer)

    assert activity.history.count() == 4  # created (with its organiser), then two changes
    client.force_login(officer)
    page = client.get(reverse("admin:development_activity_history", args=[activity.pk]))
    rows = _history_rows(page.content.decode())

    # Newest first: the detail and the role change, then the partner joining.
    assert (
        "Penyelenggara dan mitra: Koperasi Mitra Usaha (Penyelenggara), Bank BRI Cabang "
        "Bekasi (Mitra) → Bank BRI Cabang Bekasi (Penyelenggara), Koperasi Mitra Usaha "
        "(Mitra)" in rows[0]
    )
    assert "Aula Kecamatan → Gedung Koperasi" in rows[0]
    assert (
        "Penyelenggara dan mitra: Koperasi Mitra Usaha (Penyelenggara) → Koperasi Mitra "
        "Usaha (Penyelenggara), Bank BRI Cabang Bekasi (Mitra)" in rows[1]
    )
    assert all(officer.username in row for row in rows)


def _history_rows(page: str) -> list[str]:
    """The rows of the admin's history table as the reader sees them."""
    table = page[page.index('id="change-history"') :]
    table = table[: table.index("</table>")]
    return [
        " ".join(html.unescape(re.sub(r"<[^>]+>", " ", row)).split())
        for row in table.split("<tr>")[2:]
    ]
