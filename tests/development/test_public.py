import pytest
from django.core.cache import cache
from django.test import override_settings

from development.models import Participant
from tests.factories import OwnerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()


def test_upcoming_activities_show_no_personal_data(make_activity, client):
    activity = make_activity(registration_open=True, capacity=10)
    owner = OwnerFactory()
    Participant.objects.create(activity=activity, owner=owner, channel="petugas")
    page = client.get("/kegiatan/").content.decode()
    assert activity.topic in page and "1 dari 10 terisi" in page
    assert owner.full_name not in page and owner.nik not in page


def test_a_registered_owner_registers_with_nik_and_phone(make_activity, client):
    activity = make_activity(registration_open=True)
    owner = OwnerFactory(phone="+6281234567890")
    page = client.post(
        f"/kegiatan/{activity.pk}/daftar/", {"nik": owner.nik, "phone": "0812 3456 7890"}
    )
    assert "Pendaftaran diterima" in page.content.decode()
    assert Participant.objects.get(activity=activity).owner == owner


def test_a_wrong_phone_and_an_unknown_nik_look_the_same(make_activity, client):
    activity = make_activity(registration_open=True)
    owner = OwnerFactory(phone="+6281234567890")
    wrong = client.post(
        f"/kegiatan/{activity.pk}/daftar/", {"nik": owner.nik, "phone": "081299998888"}
    )
    unknown = client.post(
        f"/kegiatan/{activity.pk}/daftar/", {"nik": "3275011708900009", "phone": "081299998888"}
    )
    assert wrong.context["refused"] and unknown.context["refused"]
    # What was typed stays in the form (issue 26.5); nothing of the registry's is shown.
    assert owner.full_name not in wrong.content.decode()
    assert "812345678" not in wrong.content.decode()  # the registered number
    assert not Participant.objects.exists()


def test_a_closed_activity_takes_no_registration(make_activity, client):
    activity = make_activity(registration_open=False)
    owner = OwnerFactory()
    page = client.post(f"/kegiatan/{activity.pk}/daftar/", {"nik": owner.nik, "phone": owner.phone})
    assert "Pendaftaran tidak dibuka" in page.content.decode()
    assert not Participant.objects.exists()


@override_settings(STATUS_RATE_PER_NIK="2/h")
def test_refused_attempts_are_limited_per_nik(make_activity, client):
    activity = make_activity(registration_open=True)
    owner = OwnerFactory(phone="+6281234567890")
    url = f"/kegiatan/{activity.pk}/daftar/"
    for _ in range(2):
        client.post(url, {"nik": owner.nik, "phone": "081299998888"})
    right = client.post(url, {"nik": owner.nik, "phone": "081234567890"})
    assert right.status_code == 429
    assert not Participant.objects.exists()


def test_the_counters_fail_closed(make_activity, client, redis_down):
    activity = make_activity(registration_open=True)
    page = client.post(
        f"/kegiatan/{activity.pk}/daftar/", {"nik": "3275011708900009", "phone": "0812"}
    )
    assert page.status_code == 503


@override_settings(IPV6_SITE_BUDGET_FACTOR=1, STATUS_RATES_PER_IP=["3/m"])
def test_registrations_from_one_ipv6_48_share_its_budget(make_activity, client):
    activity = make_activity(registration_open=True)
    url = f"/kegiatan/{activity.pk}/daftar/"
    for n in range(3):
        page = client.post(url, {"nik": "3275011708900009"}, REMOTE_ADDR=f"2001:db8:7:{n}::1")
        assert page.status_code == 200

    assert client.post(url, {}, REMOTE_ADDR="2001:db8:7:9::1").status_code == 429
