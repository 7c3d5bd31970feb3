"""Issue 24.1: anonymous input is a claim, not a registry record. A registration from
/kegiatan/ that does not match a registered owner by NIK and phone is kept as a pending
registration, answered the same whether the NIK is unknown or known with another number,
and decided by staff (new owner, link, refuse) or linked by a later list."""

import io
import re

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from aid import services as aid_services
from aid.models import Application, ProposalList
from development import services
from development.models import Participant, PendingRegistration
from notifications.models import Event, OutboxMessage
from registry.models import Owner
from tests.factories import BusinessFactory, OwnerFactory
from tests.lists import as_csv
from umkm_portal import roles
from umkm_portal.states import TransitionRefused

pytestmark = pytest.mark.django_db

UNKNOWN_NIK = "3275011708900009"
DETAILS = {
    "full_name": "Budi  Santoso",
    "ktp_address": "Jl. Melati 3",
    "business_name": "Keripik Budi",
    "sector": "Kuliner",
}
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()


@pytest.fixture
def registered(db):
    return BusinessFactory(
        owner=OwnerFactory(phone="+6281234567890", full_name="Siti Aminah")
    ).owner


def _post(client, activity, nik, phone, **extra):
    return client.post(
        f"/kegiatan/{activity.pk}/daftar/",
        {"nik": nik, "phone": phone, **DETAILS, **extra},
        HTTP_USER_AGENT="Mozilla/5.0 (Linux; Android 13)",
        REMOTE_ADDR="10.9.8.7",
    )


def _comparable(response, typed_nik: str = "") -> tuple:
    # Expires is "now" on every never-cached page: equal but for the clock's second. A page
    # that keeps what was typed (issue 26.5) differs by the NIK typed, nothing else.
    headers = {k: v for k, v in response.headers.items() if k not in ("Set-Cookie", "Expires")}
    body = CSRF.sub(b"", response.content)
    if typed_nik:
        body = body.replace(typed_nik.encode(), b"<typed NIK>")
    return response.status_code, headers, body


def test_an_unknown_nik_is_kept_as_a_pending_registration_not_an_owner(make_activity, client):
    activity = make_activity(registration_open=True)
    owners = Owner.objects.count()

    page = _post(client, activity, UNKNOWN_NIK, "081299998888")

    assert Owner.objects.count() == owners
    assert not Participant.objects.exists()
    pending = PendingRegistration.objects.get()
    assert (pending.activity, pending.nik, pending.phone) == (
        activity,
        UNKNOWN_NIK,
        "+6281299998888",
    )
    assert (pending.full_name, pending.state) == ("Budi Santoso", "menunggu")
    assert pending.client_ip == "10.9.8.7" and "Android" in pending.user_agent
    text = page.content.decode()
    assert "Pendaftaran dicatat" in text and "KTP asli" in text
    assert UNKNOWN_NIK not in text


def test_a_known_nik_with_another_phone_is_answered_as_an_unknown_one(
    make_activity, client, registered
):
    activity = make_activity(registration_open=True)

    wrong = _post(client, activity, registered.nik, "081299998888")
    unknown = _post(client, activity, UNKNOWN_NIK, "081299998888")

    assert _comparable(wrong) == _comparable(unknown)
    registered.refresh_from_db()
    assert registered.phone == "+6281234567890" and registered.full_name == "Siti Aminah"
    assert PendingRegistration.objects.count() == 2
    assert not Participant.objects.exists()


def test_without_the_details_both_cases_get_the_same_refusal(make_activity, client, registered):
    activity = make_activity(registration_open=True)
    url = f"/kegiatan/{activity.pk}/daftar/"

    wrong = client.post(url, {"nik": registered.nik, "phone": "081299998888"})
    unknown = client.post(url, {"nik": UNKNOWN_NIK, "phone": "081299998888"})

    assert _comparable(wrong, registered.nik) == _comparable(unknown, UNKNOWN_NIK)
    assert wrong.context["refused"]
    assert not PendingRegistration.objects.exists() and not Participant.objects.exists()


def test_both_cases_do_the_same_work(make_activity, registered):
    activity = make_activity(registration_open=True)

    def statements(nik):
        with CaptureQueriesContext(connection) as queries, transaction.atomic():
            services.public_registration(
                activity=activity, nik=nik, phone="081299998888", **DETAILS
            )
        # The statements, without their values.
        return [
            re.sub(r"'[^']*'|\"s\w+\"|\b\d+\b", "?", q["sql"]) for q in queries.captured_queries
        ]

    assert statements(registered.nik) == statements(UNKNOWN_NIK)


def test_the_right_nik_and_phone_still_register_at_once(make_activity, client, registered):
    activity = make_activity(registration_open=True)

    page = _post(client, activity, registered.nik, "0812 3456 7890")

    assert "Pendaftaran diterima" in page.content.decode()
    assert Participant.objects.get().owner == registered
    assert not PendingRegistration.objects.exists()


def _claim(activity, nik=UNKNOWN_NIK, phone="081299998888", **details):
    outcome = services.public_registration(
        activity=activity, nik=nik, phone=phone, **{**DETAILS, **details}
    )
    return outcome.pending


@pytest.mark.parametrize("role", [roles.OPERATOR, roles.PEMBINAAN])
def test_staff_confirm_a_claim_as_a_new_owner_from_the_queue(
    make_activity, make_staff, client, role
):
    """The Operator, and the pembinaan officer who meets these people at the door."""
    activity = make_activity(registration_open=True)
    pending = _claim(activity)
    operator = make_staff(role)
    client.force_login(operator)
    url = f"/admin/development/pendingregistration/{pending.pk}/periksa/"

    assert client.get(url).status_code == 200
    response = client.post(url, {"decision": "confirm"})

    assert response.status_code == 302
    owner = Owner.objects.get(nik=UNKNOWN_NIK)
    assert (owner.full_name, owner.phone) == ("Budi Santoso", "+6281299998888")
    assert owner.businesses.get().name == "Keripik Budi"
    participant = Participant.objects.get(owner=owner, activity=activity)
    pending.refresh_from_db()
    assert (pending.state, pending.owner, pending.participant) == (
        "pemilik_baru",
        owner,
        participant,
    )
    assert pending.decided_by == operator


def test_the_queue_shows_possible_matches_and_links_without_changing_the_owner(
    make_activity, make_staff, client, registered
):
    activity = make_activity(registration_open=True)
    # The owner mistyped one digit of the NIK and gave a new number.
    typo = registered.nik[:15] + str((int(registered.nik[15]) + 1) % 10)
    same_phone = OwnerFactory(phone="+6281299998888")
    pending = _claim(activity, nik=typo, full_name="Siti Aminah")
    client.force_login(make_staff(roles.OPERATOR))
    url = f"/admin/development/pendingregistration/{pending.pk}/periksa/"

    page = client.get(url).content.decode()

    assert "NIK beda satu angka" in page and "nama mirip" in page
    assert "nomor HP sama" in page and same_phone.full_name in page
    client.post(url, {"decision": "link", "owner": registered.pk})
    pending.refresh_from_db()
    registered.refresh_from_db()
    assert (pending.state, pending.owner) == ("ditautkan", registered)
    assert Participant.objects.get(activity=activity).owner == registered
    assert registered.phone == "+6281234567890" and registered.nik != typo


def test_a_claim_is_not_confirmed_over_an_owner_registered_meanwhile(make_activity, registered):
    activity = make_activity(registration_open=True)
    pending = _claim(activity, nik=UNKNOWN_NIK)
    OwnerFactory(nik=UNKNOWN_NIK, full_name="Orang Lain", phone="+6281211112222")

    with pytest.raises(ValidationError, match="sudah terdaftar"):
        services.pending_registration_confirm(pending=pending, by=None)

    owner = Owner.objects.get(nik=UNKNOWN_NIK)
    assert (owner.full_name, owner.phone) == ("Orang Lain", "+6281211112222")
    pending.refresh_from_db()
    assert pending.state == "menunggu"


def test_a_refusal_needs_a_reason_and_is_final(make_activity, make_staff):
    activity = make_activity(registration_open=True)
    pending = _claim(activity)
    staff = make_staff(roles.OPERATOR)

    with pytest.raises(ValidationError, match="alasan"):
        services.pending_registration_refuse(pending=pending, by=staff, note=" ")
    services.pending_registration_refuse(pending=pending, by=staff, note="Iseng")

    with pytest.raises(TransitionRefused):  # decided once
        services.pending_registration_confirm(pending=pending, by=staff)
    assert not Owner.objects.filter(nik=UNKNOWN_NIK).exists()


def test_the_door_shows_a_waiting_claim_to_check(make_activity, make_staff, client):
    activity = make_activity(registration_open=True)
    pending = _claim(activity)
    client.force_login(make_staff(roles.OPERATOR))

    page = client.get(f"/pembinaan/kegiatan/{activity.pk}/hadir/", {"q": "Budi"})

    text = page.content.decode()
    assert "menunggu pemeriksaan" in text
    assert f"/admin/development/pendingregistration/{pending.pk}/periksa/" in text


def _upload_and_merge(program, make_staff, rows):
    operator = make_staff(roles.OPERATOR, username="operator-list")
    proposal_list = aid_services.proposal_list_upload(
        program=program,
        proposer_name="Kelurahan Perwira",
        proposer_kind=ProposalList.ProposerKind.KELURAHAN,
        file=io.BytesIO(as_csv(*rows)),
        filename="daftar.csv",
        by=operator,
    )
    proposal_list.refresh_from_db()
    aid_services.proposal_list_confirm(proposal_list=proposal_list, by=operator)
    return proposal_list


def test_a_list_then_registers_the_nik_with_its_own_name_and_phone(
    make_activity, make_staff, client, program
):
    # The acceptance check of issue 24: a stranger's registration changes nothing; the
    # list's owner is the one the status check knows.
    activity = make_activity(registration_open=True)
    owners = Owner.objects.count()
    _post(client, activity, UNKNOWN_NIK, "081299998888")
    assert Owner.objects.count() == owners

    rows = [
        [
            UNKNOWN_NIK,
            "Ahmad Fauzi",
            "Jl. Kenanga 7",
            "",
            "Warung Fauzi",
            "Kuliner",
            "081377776666",
        ],
        ["3275011708900003", "Joko Susilo", "Jl. Melati 3", "", "Bengkel", "Jasa", "081299990000"],
    ]
    _upload_and_merge(program, make_staff, rows)

    owner = Owner.objects.get(nik=UNKNOWN_NIK)
    assert (owner.full_name, owner.phone) == ("Ahmad Fauzi", "+6281377776666")
    assert Application.objects.filter(owner=owner).exists()
    found = client.post("/cek-status/", {"nik": UNKNOWN_NIK, "phone_last4": "6666"})
    assert "A**** F****" in found.content.decode()
    stranger = client.post("/cek-status/", {"nik": UNKNOWN_NIK, "phone_last4": "8888"})
    assert stranger.context["not_found"]
    # The stranger's claim waits for staff, with the registered owner now beside it.
    assert PendingRegistration.objects.get().state == "menunggu"


def test_a_merged_list_with_the_same_nik_and_phone_links_the_claim(
    make_activity, make_staff, program, django_capture_on_commit_callbacks
):
    """A real merge announces events.proposal_list_merged; the claim whose NIK and phone the
    list registered is linked, the one whose phone differs waits for staff."""
    activity = make_activity(registration_open=True)
    pending = _claim(activity, phone="081377776666")
    other = _claim(activity, nik="3275011708900003", phone="081211110000")
    rows = [
        [
            UNKNOWN_NIK,
            "Ahmad Fauzi",
            "Jl. Kenanga 7",
            "",
            "Warung Fauzi",
            "Kuliner",
            "081377776666",
        ],
        ["3275011708900003", "Joko Susilo", "Jl. Melati 3", "", "Bengkel", "Jasa", "081299990000"],
    ]
    with django_capture_on_commit_callbacks(execute=True):
        _upload_and_merge(program, make_staff, rows)

    pending.refresh_from_db()
    other.refresh_from_db()
    assert pending.state == "ditautkan" and pending.participant.activity == activity
    assert other.state == "menunggu"


def test_pimpinan_reads_the_queue_masked_and_cannot_decide(make_activity, make_staff, client):
    activity = make_activity(registration_open=True)
    pending = _claim(activity)
    client.force_login(make_staff(roles.PIMPINAN))

    listing = client.get("/admin/development/pendingregistration/")
    page = client.get(f"/admin/development/pendingregistration/{pending.pk}/change/")

    assert listing.status_code == page.status_code == 200
    for response in (listing, page):
        assert UNKNOWN_NIK not in response.content.decode()
        assert "81299998888" not in response.content.decode()
    assert "Periksa dan putuskan" not in page.content.decode()
    decide = f"/admin/development/pendingregistration/{pending.pk}/periksa/"
    assert client.post(decide, {"decision": "confirm"}).status_code == 403
    assert not Owner.objects.filter(nik=UNKNOWN_NIK).exists()


def test_the_pembinaan_officer_at_the_door_can_decide_a_waiting_claim(
    make_activity, make_staff, client
):
    """Walkthrough: the door told the pembinaan officer to check a claim's KTP and decide,
    but offered no button, and the queue answered 403: only the Operator could decide."""
    activity = make_activity(registration_open=True)
    pending = _claim(activity)
    client.force_login(make_staff(roles.PEMBINAAN))

    door = client.get(f"/pembinaan/kegiatan/{activity.pk}/hadir/", {"q": "Budi"})
    decide = f"/admin/development/pendingregistration/{pending.pk}/periksa/"
    assert decide in door.content.decode()
    assert client.get("/admin/development/pendingregistration/").status_code == 200
    client.post(decide, {"decision": "confirm"})

    pending.refresh_from_db()
    assert pending.state == "pemilik_baru"
    assert Owner.objects.filter(nik=UNKNOWN_NIK).exists()


def test_a_claim_decided_from_the_door_returns_to_the_door(make_activity, make_staff, client):
    """Walkthrough: after "Periksa" at the door the officer landed on the admin queue and had
    to find the door and the person again to tap Hadir; a foreign address is not followed."""
    activity = make_activity(registration_open=True)
    pending = _claim(activity)
    client.force_login(make_staff(roles.PEMBINAAN))
    door = f"/pembinaan/kegiatan/{activity.pk}/hadir/?q=Budi"

    page = client.get(door).content.decode()
    decide = f"/admin/development/pendingregistration/{pending.pk}/periksa/"
    assert f"{decide}?next=/pembinaan/kegiatan/{activity.pk}/hadir/%3Fq%3DBudi" in page
    response = client.post(f"{decide}?next={door.replace('?', '%3F')}", {"decision": "confirm"})
    assert response.status_code == 302 and response.url == door

    other = _claim(activity, nik="3275015505900099", phone="081299997777")
    url = f"/admin/development/pendingregistration/{other.pk}/periksa/?next=https://evil.example/"
    response = client.post(url, {"decision": "confirm"})
    assert response.url == "/admin/development/pendingregistration/"


def test_linking_without_choosing_an_owner_says_what_to_do(
    make_activity, make_staff, client, registered
):
    """Walkthrough: "Tautkan" pressed with no owner chosen answered a 404 page."""
    activity = make_activity(registration_open=True)
    pending = _claim(activity, nik=registered.nik)
    client.force_login(make_staff(roles.OPERATOR))

    url = f"/admin/development/pendingregistration/{pending.pk}/periksa/"
    response = client.post(url, {"decision": "link"})

    assert response.status_code == 200
    assert "Pilih pemilik terdaftar yang akan ditautkan." in response.content.decode()
    pending.refresh_from_db()
    assert pending.state == "menunggu"


@pytest.mark.parametrize("decision", ["confirm", "link"])
def test_a_claim_decided_at_the_door_is_not_told_to_bring_the_ktp(
    make_activity, make_staff, client, registered, django_capture_on_commit_callbacks, decision
):
    """Walkthrough: the officer checked the KTP at the door, confirmed the claim, and the
    person standing there got "Bawa KTP saat hadir". Decided from the door, the registration
    is a door registration (no confirmation, like a walk-in); decided from the queue, the
    claimant is still told where and when to come."""
    activity = make_activity(registration_open=True, starts_on=timezone.localdate())
    client.force_login(make_staff(roles.PEMBINAAN))
    door = f"/pembinaan/kegiatan/{activity.pk}/hadir/?q=Budi"
    link = {"owner": registered.pk} if decision == "link" else {}

    at_door = _claim(activity, nik=UNKNOWN_NIK)
    from_queue = _claim(activity, nik="3275015505900099", phone="081299997777")
    decide = (
        f"/admin/development/pendingregistration/{at_door.pk}/periksa/"
        f"?next={door.replace('?', '%3F')}"
    )
    assert "tanpa pesan konfirmasi" in client.get(decide).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(decide, {"decision": decision, **link})
    assert not OutboxMessage.objects.filter(event=Event.ACTIVITY_REGISTERED).exists()
    at_door.refresh_from_db()
    assert at_door.participant.channel == Participant.Channel.DOOR

    if decision == "link":
        link = {"owner": OwnerFactory(phone="+6281299997777").pk}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/admin/development/pendingregistration/{from_queue.pk}/periksa/",
            {"decision": decision, **link},
        )
    message = OutboxMessage.objects.get(event=Event.ACTIVITY_REGISTERED)
    assert "Bawa KTP saat hadir" in message.text
