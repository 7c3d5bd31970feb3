"""Issue 26.5 and 26.10 on the public pages: the registration form keeps what was typed
after an error; activities read their dates and their target in words."""

import datetime

import pytest
from django.conf import settings
from django.core.cache import cache

from registry.models import Region
from tests.factories import OwnerFactory

pytestmark = pytest.mark.django_db

TYPED = {
    "nik": "3275011708900009",
    "phone": "0812 9999 8888",
    "full_name": "Rahmi Yulianti",
    "ktp_address": "Jl. Melati 4",
    "business_name": "Warung sembako Rahmi",
    "sector": "kuliner",
}


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()


def value_of(page: str, name: str) -> str:
    marker = f'name="{name}"'
    tag = page[page.rindex("<input", 0, page.index(marker)) : page.index(">", page.index(marker))]
    return tag.split('value="')[1].split('"')[0] if 'value="' in tag else ""


def test_a_field_error_keeps_everything_typed(make_activity, client):
    activity = make_activity(registration_open=True)
    page = client.post(f"/kegiatan/{activity.pk}/daftar/", {**TYPED, "phone": "12"})
    html = page.content.decode()
    assert "Tulis nomor HP Indonesia" in html
    assert value_of(html, "phone") == "12"
    for name in ("nik", "full_name", "ktp_address", "business_name", "sector"):
        assert value_of(html, name) == TYPED[name]


def test_a_refusal_keeps_what_was_typed_the_same_way_for_a_known_and_an_unknown_nik(
    make_activity, client
):
    activity = make_activity(registration_open=True)
    owner = OwnerFactory(phone="+6281234567890")
    url = f"/kegiatan/{activity.pk}/daftar/"
    wrong = client.post(url, {"nik": owner.nik, "phone": "081299998888"})
    unknown = client.post(url, {"nik": TYPED["nik"], "phone": "081299998888"})
    assert wrong.context["refused"] and unknown.context["refused"]
    for response, nik in ((wrong, owner.nik), (unknown, TYPED["nik"])):
        html = response.content.decode()
        assert value_of(html, "nik") == nik and value_of(html, "phone") == "081299998888"
        assert owner.full_name not in html  # nothing from the registry, only what was typed


def test_activities_read_dates_in_words_and_the_target_as_a_phrase(make_activity, client):
    kecamatan = Region.objects.get(level=Region.Level.KECAMATAN, name="Bekasi Timur")
    make_activity(
        registration_open=True,
        starts_on=datetime.date.today() + datetime.timedelta(days=30),
        target_size_class="mikro",
        target_sector="kuliner",
        target_kecamatan=kecamatan,
    )
    day = datetime.date.today() + datetime.timedelta(days=30)
    page = client.get("/kegiatan/").content.decode()
    assert "usaha mikro bidang kuliner di Kec. Bekasi Timur" in page
    assert f"{day:%d-%m-%Y}" not in page and f" {day.year}" in page

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/kegiatan/").content.decode()
    assert "micro businesses in kuliner in Kec. Bekasi Timur" in page
    assert "business micro" not in page


@pytest.mark.parametrize(
    ("starts", "ends", "label"),
    [
        ("2026-12-27", "2026-12-27", "27 Desember 2026"),
        ("2026-12-27", "2026-12-28", "27–28 Desember 2026"),
        ("2026-11-30", "2026-12-02", "30 November – 2 Desember 2026"),
        ("2026-12-31", "2027-01-02", "31 Desember 2026 – 2 Januari 2027"),
    ],
)
def test_an_activity_s_days_read_in_the_one_date_format(starts, ends, label):
    from development.models import Activity

    activity = Activity(
        starts_on=datetime.date.fromisoformat(starts), ends_on=datetime.date.fromisoformat(ends)
    )
    assert activity.dates_label == label
