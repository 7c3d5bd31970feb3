"""The pengaduan form does not ask a registered owner again for the phone the portal has
(issue 25.7): the check matched its last digits; another number is taken when given. A
refused proposal keeps no phone, so its form still asks for one."""

import re

import pytest
from django.core.cache import cache

from aid.models import Status
from complaints.models import Category, Complaint
from tests.public.conftest import check, owner_in  # noqa: F401  (fixture)
from umkm_portal.owner_tokens import owner_token

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


def _token(response) -> str:
    return re.search(r'name="token" value="([^"]+)"', response.content.decode()).group(1)


def _send(client, token, phone=""):
    return client.post(
        "/cek-status/pengaduan/",
        {
            "token": token,
            "category": Category.NOT_RECEIVED,
            "message": "Dana belum masuk.",
            "contact_phone": phone,
        },
    )


def test_a_registered_owner_is_not_asked_for_the_phone_again(client, owner_in):  # noqa: F811
    owner = owner_in(Status.TRANSFERRED)
    opened = client.post(
        "/cek-status/pengaduan/baru/",
        {"token": _token(check(client, owner.nik, owner.phone[-4:]))},
    )
    field = re.search(r'<input id="id_contact_phone"[^>]*>', opened.content.decode()).group(0)
    assert "required" not in field
    assert "nomor HP yang terdaftar" in opened.content.decode()

    sent = _send(client, _token(opened))

    assert sent.status_code == 200
    assert Complaint.objects.get().contact_phone == owner.phone


def test_another_number_given_is_the_contact(client, owner_in):  # noqa: F811
    owner = owner_in(Status.TRANSFERRED)
    token = _token(check(client, owner.nik, owner.phone[-4:]))

    _send(client, token, phone="0812-1111-2222")

    assert Complaint.objects.get().contact_phone == "+6281211112222"


def test_without_a_registered_owner_the_phone_is_still_required(client):
    response = _send(client, owner_token("f" * 64))

    assert response.status_code == 200
    assert "Tulis nomor HP Indonesia yang aktif" in response.content.decode()
    assert not Complaint.objects.exists()
