"""The landing page: Indonesian by default, English on request, the ways onward."""

import re

import pytest

from aid.models import Status
from tests.public.conftest import check

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_home_is_in_indonesian_and_leads_to_the_status_check_contact_and_staff_login(client):
    response = client.get("/")

    text = _text(response)
    assert response.status_code == 200
    assert '<html lang="id">' in text
    assert '<a class="skip-link" href="#main">Langsung ke isi utama</a>' in text
    assert "Banpres Produktif Usaha Mikro (BPUM)" in text
    assert '<a class="button" href="/cek-status/">Cek status usulan</a>' in text
    assert "Jl. Ir. H. Juanda" in text
    assert '<a href="/admin/">Masuk untuk petugas</a>' in text


def test_home_switches_to_english_and_back(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)

    text = _text(response)
    assert '<html lang="en">' in text
    assert "Check your status" in text
    assert "Staff login" in text
    assert 'value="id" lang="id">Bahasa Indonesia</button>' in text

    back = client.post("/i18n/setlang/", {"language": "id", "next": "/"}, follow=True)
    assert "Cek status usulan" in _text(back)


def test_an_owner_reads_a_rejection_in_english(client, owner_in):
    owner = owner_in(Status.REJECTED)
    client.post("/i18n/setlang/", {"language": "en", "next": "/cek-status/"})

    text = _text(check(client, owner.nik, owner.phone[-4:]))

    assert "Rejected" in text
    assert "Already proposed in another list" in text
    assert "Contact your kelurahan office" in text


def test_the_language_switch_never_echoes_a_query_string(client):
    text = _text(client.get("/cek-status/?nik=3275014108900001"))

    assert '<input name="next" type="hidden" value="/cek-status/">' in text
    assert "3275014108900001" not in text


def test_department_contact_comes_from_settings(client, settings):
    settings.DEPARTMENT_CONTACT_PHONE = "(021) 000-0000"
    settings.DEPARTMENT_CONTACT_EMAIL = "dinas@example.go.id"

    text = _text(client.get("/"))

    assert '<a href="tel:0210000000">(021) 000-0000</a>' in text
    assert '<a href="mailto:dinas@example.go.id">dinas@example.go.id</a>' in text


@pytest.mark.parametrize("url", ["/", "/cek-status/"])
def test_every_public_page_shows_the_contact_once_with_whatsapp(client, settings, url):
    settings.DEPARTMENT_CONTACT_PHONE = "(021) 000-0000"
    settings.DEPARTMENT_CONTACT_WHATSAPP = "0812-0000-1111"

    text = _text(client.get(url))

    assert text.count(settings.DEPARTMENT_CONTACT_ADDRESS) == 1
    assert text.count('href="tel:0210000000"') == 1
    assert (
        text.count('<a href="https://wa.me/6281200001111" rel="noopener">0812-0000-1111</a>') == 1
    )


def test_public_pages_carry_no_inline_script_or_style(client):
    for url in ["/", "/cek-status/"]:
        html = client.get(url).content.decode()
        assert "<script" not in html
        assert "<style" not in html
        assert " style=" not in html
