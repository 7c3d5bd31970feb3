"""The lookup log: one row per check, holding a keyed hash of the NIK, never the NIK."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from aid.models import Status
from public.models import StatusLookup
from public.services import nik_digest
from tests.public.conftest import check
from umkm_portal import roles

pytestmark = pytest.mark.django_db
Outcome = StatusLookup.Outcome


def test_each_check_is_logged_with_a_keyed_hash_address_and_outcome(client, owner_in):
    owner = owner_in(Status.APPROVED)
    wrong = f"{(int(owner.phone[-4:]) + 1) % 10000:04d}"

    check(client, owner.nik, owner.phone[-4:], REMOTE_ADDR="203.0.113.9")
    check(client, owner.nik, wrong, REMOTE_ADDR="203.0.113.9")
    check(client, "12345", "1", REMOTE_ADDR="203.0.113.9")

    rows = list(StatusLookup.objects.order_by("pk").values("nik_hash", "client_ip", "outcome"))
    digest = nik_digest(owner.nik)
    assert rows == [
        {"nik_hash": digest, "client_ip": "203.0.113.9", "outcome": Outcome.FOUND},
        {"nik_hash": digest, "client_ip": "203.0.113.9", "outcome": Outcome.NOT_FOUND},
        {"nik_hash": "", "client_ip": "203.0.113.9", "outcome": Outcome.INVALID},
    ]
    assert owner.nik not in digest
    assert len(digest) == 64


def test_unknown_niks_and_owners_without_a_phone_are_logged_as_not_found(client, owner_in):
    # On PostgreSQL the outcome is decided in SQL, in the lookup's own statement.
    without_phone = owner_in(Status.APPROVED, phone="")
    unknown = without_phone.nik[:12] + ("0998" if without_phone.nik[12:] != "0998" else "0997")

    check(client, without_phone.nik, "0000")
    check(client, unknown, "1234")

    outcomes = list(StatusLookup.objects.order_by("pk").values_list("nik_hash", "outcome"))
    assert outcomes == [
        (nik_digest(without_phone.nik), Outcome.NOT_FOUND),
        (nik_digest(unknown), Outcome.NOT_FOUND),
    ]


def test_rate_limited_checks_are_logged(client, owner_in):
    owner = owner_in(Status.APPROVED)
    for _ in range(11):
        check(client, owner.nik, owner.phone[-4:])

    assert StatusLookup.objects.filter(outcome=Outcome.RATE_LIMITED).count() == 1


def test_the_hash_depends_on_the_secret_key(settings):
    first = nik_digest("3275014108900001")
    settings.STATUS_LOOKUP_HASH_KEY = "another-key"

    assert nik_digest("3275014108900001") != first


def test_opening_the_form_logs_nothing(client, owner_in):
    owner = owner_in(Status.APPROVED)

    client.get(f"/cek-status/?nik={owner.nik}")

    assert not StatusLookup.objects.exists()


def _pimpinan():
    user = get_user_model().objects.create_user("kepala", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=roles.PIMPINAN))
    return user


def test_pimpinan_reads_the_log_in_the_admin_and_finds_a_nik_by_typing_it(client, owner_in):
    owner = owner_in(Status.APPROVED)
    check(client, owner.nik, owner.phone[-4:], REMOTE_ADDR="203.0.113.9")
    check(client, owner.nik[:12] + "0999", "1234", REMOTE_ADDR="198.51.100.1")
    client.force_login(_pimpinan())

    listing = client.get("/admin/public/statuslookup/", {"q": owner.nik})

    assert listing.status_code == 200
    text = listing.content.decode()
    assert "203.0.113.9" in text
    assert "198.51.100.1" not in text
    assert client.get("/admin/public/statuslookup/add/").status_code == 403


def test_operators_cannot_read_the_log(client, make_staff):
    client.force_login(make_staff(roles.OPERATOR))

    assert client.get("/admin/public/statuslookup/").status_code == 403
