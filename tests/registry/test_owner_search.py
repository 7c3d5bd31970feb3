"""Owner search ranks what staff type: exact NIK, NIK prefix, phone in any form, then names."""

import datetime

import pytest
from django.db import connection

from aid.models import Status
from registry.selectors import owner_search
from tests.factories import ApplicationFactory, OwnerFactory
from umkm_portal import roles

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="trigram similarity is PostgreSQL's"
)


def _owner(nik: str, name: str = "Siti Aminah", phone: str = "") -> object:
    # Created directly: these NIKs and names are chosen for their digits, not validity.
    return OwnerFactory(
        nik=nik,
        full_name=name,
        phone=phone,
        sex="F",
        birth_date=datetime.date(1980, 1, 1),
    )


def _names(term: str) -> list[str]:
    return [o.full_name for o in owner_search(term)]


def test_sixteen_digits_find_exactly_one_nik_even_with_spaces():
    wanted = _owner("3275014101800001", "Wanted")
    _owner("3275014101800002", "Neighbour")

    assert list(owner_search("3275014101800001")) == [wanted]
    assert list(owner_search("3275 0141 0180 0001")) == [wanted]


def test_a_nik_prefix_of_six_digits_or_more_lists_the_niks_in_order():
    _owner("3275014101800002", "B")
    _owner("3275014101800001", "A")
    _owner("3276014101800001", "Elsewhere")

    assert _names("327501") == ["A", "B"]
    assert _names("32750") == []  # five digits are too few to mean anything


@pytest.mark.parametrize("typed", ["081234567890", "+62 812-3456-7890", "6281234567890"])
def test_a_phone_number_in_any_form_finds_its_owner(typed):
    _owner("3275014101800001", "Phone owner", phone="+6281234567890")
    _owner("3275014101800002", "Other", phone="+6281299999999")

    assert _names(typed) == ["Phone owner"]


def test_a_nik_prefix_ranks_before_a_phone_with_the_same_digits():
    _owner("3275014101800001", "By phone", phone="+6281234567890")
    _owner("6281234567890001", "By NIK")

    assert _names("6281234567890") == ["By NIK", "By phone"]


def test_a_name_finds_owners_whose_name_contains_it():
    _owner("3275014101800001", "Iriana Susanti")
    _owner("3275014101800002", "Budi Santoso")

    assert _names("iriana") == ["Iriana Susanti"]
    assert len(_names("  ")) == 2  # nothing typed: everyone


@postgresql_only
def test_a_misspelt_name_still_finds_the_owner_and_whole_words_rank_first():
    _owner("3275014101800001", "Tedi Budiman")
    _owner("3275014101800002", "Budi Santoso")
    _owner("3275014101800003", "Iriana Permata")

    assert _names("Iriani") == ["Iriana Permata"]  # one letter wrong
    assert _names("budi") == ["Budi Santoso", "Tedi Budiman"]


@postgresql_only
def test_the_name_search_uses_the_trigram_index():
    sql, params = owner_search("Iriana").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "owner_full_name_trgm_idx" in plan


def test_the_owner_admin_search_finds_by_phone_and_shows_applications(client, make_staff):
    owner = _owner("3275014101800001", "Phone owner", phone="+6281234567890")
    ApplicationFactory(business__owner=owner, status=Status.VERIFIED)
    client.force_login(make_staff(roles.VERIFIKATOR))

    found = client.get("/admin/registry/owner/", {"q": "0812 3456 7890"})
    page = client.get(f"/admin/registry/owner/{owner.pk}/change/")

    assert [o.pk for o in found.context["cl"].result_list] == [owner.pk]
    text = page.content.decode()
    assert '<span class="badge badge-verified">Terverifikasi</span>' in text
    assert "Permohonan bantuan" in text
