"""The rules that Python and SQL both apply have one home (registry.identifiers), and the
database agrees with Python on every value: the city's NIKs and the phone digits an owner
types on the status page. The import's length limits are the registry's columns."""

import pytest
from django.db import connection
from django.db.models import Value
from django.db.models.functions import Right

from aid.importing.check import MAX_LENGTHS
from aid.models import ImportRow
from registry import identifiers
from registry.models import Business, Owner, Region

NIKS = ["3275014708850003", "3276014708850003", "3175014708850003", "3275"]
PHONES = ["+6281234567890", "+62812345", "123", "", "+6281234560001"]


def _one(sql: str, params: list):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {sql}", params)
        return cursor.fetchone()[0]


@pytest.mark.django_db
@pytest.mark.parametrize("nik", NIKS)
def test_the_database_and_python_agree_on_the_citys_niks(nik):
    condition, params = identifiers.issued_in_city_sql("%s")
    answer = _one(f"CASE WHEN {condition} THEN 1 ELSE 0 END", [nik, *params])
    assert bool(answer) == identifiers.issued_in_city(nik) == nik.startswith("3275")


@pytest.mark.django_db
@pytest.mark.parametrize("phone", PHONES)
def test_the_database_and_python_agree_on_the_phone_digits(phone):
    n = identifiers.PHONE_MATCH_DIGITS
    by_orm = (
        Region.objects.annotate(digits=Right(Value(phone), n)).values_list("digits", flat=True)
    )[0]
    by_sql = (
        _one(identifiers.phone_match_sql("%s"), [phone])
        if connection.vendor == "postgresql"
        else by_orm
    )
    assert by_orm == by_sql == phone[-n:]
    # What Python keeps for a refused proposal is what the database compares, or nothing when
    # the phone has too few digits to be typed (the form takes exactly n digits).
    expected = identifiers.phone_match_digits(phone)
    assert expected == (by_orm if len(by_orm) == n and by_orm.isdigit() else "")


def test_the_imports_length_limits_are_the_registrys_and_the_staging_table_holds_them():
    assert {
        "full_name": Owner._meta.get_field("full_name").max_length,
        "ktp_address": Owner._meta.get_field("ktp_address").max_length,
        "business_name": Business._meta.get_field("name").max_length,
        "sector": Business._meta.get_field("sector").max_length,
    } == MAX_LENGTHS
    for column, limit in MAX_LENGTHS.items():
        assert ImportRow._meta.get_field(column).max_length >= limit
