"""Owners send a pengaduan from the result page; staff work it; the owner reads the answer."""

import datetime
import re

import pytest
from django.core import signing
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from aid.models import Status
from complaints import services, transitions
from complaints.models import Category, Complaint, State
from public.services import nik_digest
from tests.public.conftest import check, owner_in  # noqa: F401  (fixture)
from umkm_portal import roles
from umkm_portal.owner_tokens import owner_token

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Each test starts with unspent per-address limits (5 requests an hour from one address)."""
    cache.clear()


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def _token_from(response) -> str:
    return re.search(r'name="token" value="([^"]+)"', response.content.decode()).group(1)


def _send(client, token, **fields):
    data = {
        "token": token,
        "category": Category.NOT_RECEIVED,
        "message": "Dana belum masuk ke rekening saya.",
        "contact_phone": "0812-1111-2222",
        **fields,
    }
    return client.post("/cek-status/pengaduan/", data)


def test_an_owner_sends_a_request_tied_to_their_nik_and_reads_the_answer_next_time(
    client,
    owner_in,  # noqa: F811
    make_staff,
):
    owner = owner_in(Status.TRANSFERRED)
    token = _token_from(check(client, owner.nik, owner.phone[-4:]))

    sent = _send(client, token)

    assert sent.status_code == 200
    complaint = Complaint.objects.get()
    assert f"Pengaduan Anda #{complaint.pk}" in _text(sent)
    assert complaint.nik_hash == nik_digest(owner.nik)
    assert complaint.contact_phone == "+6281211112222"
    assert complaint.state == State.NEW
    assert complaint.due_at == complaint.created_at + datetime.timedelta(days=5)

    staff = make_staff(roles.OPERATOR)
    services.complaint_answer(
        complaint=complaint,
        answer="Dana sudah kami cek ke bank: masuk 10 September.",
        by=staff,
        close=True,
    )

    text = _text(check(client, owner.nik, owner.phone[-4:]))
    assert "Dana sudah kami cek ke bank" in text
    assert "Selesai" in text
    assert owner.nik not in text


def test_the_result_page_opens_an_empty_form_for_the_checked_owner(
    client,
    owner_in,  # noqa: F811
):
    owner = owner_in(Status.TRANSFERRED)
    result = check(client, owner.nik, owner.phone[-4:])
    assert 'name="message"' not in result.content.decode()  # the form has its own page

    opened = client.post("/cek-status/pengaduan/baru/", {"token": _token_from(result)})

    assert opened.status_code == 200
    page = _text(opened)
    assert 'name="message"' in page and 'name="contact_phone"' in page
    assert "Periksa isian" not in page  # nothing was sent yet, so nothing is marked wrong
    assert _send(client, _token_from(opened)).status_code == 200
    assert Complaint.objects.get().nik_hash == nik_digest(owner.nik)


def test_opening_the_form_needs_a_valid_token(client, settings):
    assert client.post("/cek-status/pengaduan/baru/", {"token": "x"}).status_code == 403
    # Switching language reloads the page with a GET: back to the check, not an error page.
    assert client.get("/cek-status/pengaduan/baru/")["Location"] == "/cek-status/"
    assert client.get("/cek-status/pengaduan/")["Location"] == "/cek-status/"
    settings.COMPLAINT_TOKEN_MAX_AGE = -1
    opened = client.post("/cek-status/pengaduan/baru/", {"token": owner_token("c" * 64)})
    assert opened.status_code == 403


def test_a_forged_or_expired_token_is_refused(client, settings):
    forged = signing.dumps({"h": "b" * 64}, salt="another-salt")
    assert _send(client, forged).status_code == 403

    settings.COMPLAINT_TOKEN_MAX_AGE = -1
    assert _send(client, owner_token("c" * 64)).status_code == 403
    assert not Complaint.objects.exists()


def test_a_nik_in_the_form_is_never_trusted(client):
    response = client.post(
        "/cek-status/pengaduan/",
        {
            "nik": "3275011708900001",
            "category": Category.OTHER,
            "message": "x",
            "contact_phone": "081211112222",
        },
    )
    assert response.status_code == 403
    assert not Complaint.objects.exists()


def test_sending_needs_the_csrf_token():
    client = Client(enforce_csrf_checks=True)
    assert _send(client, owner_token("d" * 64)).status_code == 403


def test_requests_are_rate_limited_per_owner(client, settings):
    settings.COMPLAINT_RATE_PER_OWNER = "2/d"
    token = owner_token("e" * 64)
    assert _send(client, token).status_code == 200
    assert _send(client, token).status_code == 200
    assert _send(client, token).status_code == 429
    assert Complaint.objects.count() == 2


def test_a_bad_phone_shows_the_form_again_with_its_error(client):
    response = _send(client, owner_token("f" * 64), contact_phone="021-123")
    assert response.status_code == 200
    assert "Tulis nomor HP Indonesia yang aktif" in _text(response)
    assert not Complaint.objects.exists()


def _complaint(category=Category.OTHER) -> Complaint:
    return services.complaint_create(
        nik_hash="a" * 64,
        category=category,
        message="Data saya salah",
        contact_phone="+6281211112222",
    )


def test_moves_follow_the_table_and_are_recorded(make_staff):
    staff = make_staff(roles.OPERATOR)
    complaint = _complaint()

    transitions.move(complaint, State.IN_PROGRESS, by=staff, note="dicek")
    with pytest.raises(transitions.TransitionRefused):
        transitions.move(complaint, State.NEW, by=staff)
    with pytest.raises(transitions.TransitionRefused):  # no answer yet
        transitions.move(complaint, State.CLOSED, by=staff)

    assert list(complaint.changes.values_list("from_state", "to_state")) == [
        ("", State.NEW),
        (State.NEW, State.IN_PROGRESS),
    ]


def test_closing_a_bank_account_change_needs_the_bendahara(make_staff):
    complaint = _complaint(Category.ACCOUNT_CHANGED)
    operator, bendahara = make_staff(roles.OPERATOR), make_staff(roles.BENDAHARA)

    with pytest.raises(transitions.TransitionRefused):
        services.complaint_answer(
            complaint=complaint, answer="Rekening diganti.", by=operator, close=True
        )
    complaint.refresh_from_db()
    assert complaint.answer == ""  # the refused close rolled the answer back too

    services.complaint_answer(
        complaint=complaint, answer="Rekening diganti.", by=bendahara, close=True
    )
    complaint.refresh_from_db()
    assert complaint.state == State.CLOSED


def test_the_account_change_answer_template_asks_for_ktp_and_passbook(client, make_staff):
    complaint = _complaint(Category.ACCOUNT_CHANGED)
    client.force_login(make_staff(roles.OPERATOR))

    text = _text(client.get(f"/admin/complaints/complaint/{complaint.pk}/change/"))

    assert "KTP asli dan buku tabungan" in text
    assert "Bendahara" in text


def test_the_queue_highlights_overdue_requests(client, make_staff):
    complaint = _complaint()
    Complaint.objects.filter(pk=complaint.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=20),
        due_at=timezone.now() - datetime.timedelta(days=6),
    )
    client.force_login(make_staff(roles.OPERATOR))

    text = _text(client.get("/admin/complaints/complaint/"))

    assert 'class="overdue"' in text
    assert "lewat target" in text


def test_staff_answer_and_move_through_the_admin(client, make_staff):
    complaint = _complaint()
    client.force_login(make_staff(roles.OPERATOR))

    response = client.post(
        f"/admin/complaints/complaint/{complaint.pk}/change/",
        {
            "answer": "Data sudah diperbaiki.",
            "reference": "permohonan 12",
            "application": "",
            "to_state": State.CLOSED,
            "note": "",
            "changes-TOTAL_FORMS": "0",
            "changes-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302
    complaint.refresh_from_db()
    assert (complaint.state, complaint.answer, complaint.reference) == (
        State.CLOSED,
        "Data sudah diperbaiki.",
        "permohonan 12",
    )


def _insert(**fields):
    now = timezone.now()
    values = {
        "nik_hash": "a" * 64,
        "category": Category.OTHER,
        "message": "m",
        "created_at": now,
        "due_at": now,
        **fields,
    }
    with transaction.atomic():
        Complaint.objects.create(**values)


def test_the_database_keeps_requests_consistent():
    with pytest.raises(IntegrityError):
        _insert(state=State.CLOSED, answer="")
    with pytest.raises(IntegrityError):
        _insert(state="lost")
    with pytest.raises(IntegrityError):
        _insert(due_at=timezone.now() - datetime.timedelta(days=1))
    _insert(state=State.CLOSED, answer="Selesai.")
