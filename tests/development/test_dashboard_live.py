"""The dashboard's pembinaan figures follow each change (issue 26.3), and say when they were
read."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse

from development import services, transitions
from development.models import ReferralStatus
from registry.models import Bank
from umkm_portal import roles

pytestmark = pytest.mark.django_db
URL = reverse("dashboard:index")


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()  # the local-memory cache outlives a test
    yield
    cache.clear()


def referral_rows(client):
    response = client.get(URL)
    assert response.status_code == 200
    return response, [row[:3] for row in response.context["tables"]["pembinaan_rujukan"].rows]


def test_a_new_referral_and_its_move_show_on_the_next_dashboard(
    client, make_staff, business, django_capture_on_commit_callbacks
):
    client.force_login(make_staff(roles.PIMPINAN))
    response, rows = referral_rows(client)
    assert rows == []
    assert "Angka pembinaan per" in response.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        referral = services.referral_create(
            business=business,
            channel="kur",
            bank=Bank.objects.get(code="002"),
            amount_asked=25_000_000,
            referred_on=datetime.date(2024, 2, 1),
        )
    _response, rows = referral_rows(client)
    assert rows == [["KUR melalui bank", "Dirujuk", 1]]

    with django_capture_on_commit_callbacks(execute=True):
        transitions.move(referral, ReferralStatus.PROCESSING, by=None)
    _response, rows = referral_rows(client)
    assert rows == [["KUR melalui bank", "Diproses", 1]]


def test_without_a_change_the_figures_come_from_the_cache(client, make_staff, business):
    client.force_login(make_staff(roles.PIMPINAN))
    referral_rows(client)
    # A write whose commit never happens (rolled back by the test) refreshes nothing.
    services.referral_create(
        business=business,
        channel="kur",
        bank=Bank.objects.get(code="002"),
        amount_asked=25_000_000,
        referred_on=datetime.date(2024, 2, 1),
    )
    _response, rows = referral_rows(client)
    assert rows == []


def test_nothing_approved_reads_a_dash_not_rp0(client, make_staff, business):
    services.referral_create(
        business=business,
        channel="kur",
        bank=Bank.objects.get(code="002"),
        amount_asked=25_000_000,
        referred_on=datetime.date(2024, 2, 1),
    )
    client.force_login(make_staff(roles.PIMPINAN))
    response, rows = referral_rows(client)
    assert response.context["tables"]["pembinaan_rujukan"].rows[0][4] is None
    section = response.content.decode().split('id="pembinaan"')[1]
    assert "Rp25.000.000" in section and "Rp0" not in section
