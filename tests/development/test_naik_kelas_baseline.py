"""Naik kelas is counted from the class the registry holds (issue 26.1): a first business
report that puts a registered mikro business at kecil is a move up, on the timeline and in
the yearly figures."""

import datetime

import pytest
from django.urls import reverse

from development import selectors, services
from registry.models import Business
from tests.factories import BusinessFactory
from umkm_portal import roles

pytestmark = pytest.mark.django_db


def _first_report(business, *, capital, sales):
    return services.business_report_add(
        business=business,
        reported_on=datetime.date(2024, 6, 30),
        capital=capital,
        annual_sales=sales,
        workers=4,
    )


def test_a_first_report_above_the_registry_class_is_naik_kelas(make_staff, client):
    business = BusinessFactory(size_class=Business.SizeClass.MIKRO)
    report = _first_report(business, capital=800_000_000, sales=3_000_000_000)
    assert report.size_class == "kecil" and report.registry_class == "mikro"

    client.force_login(make_staff(roles.OPERATOR))
    entries = client.get(reverse("development:timeline", args=[business.pk])).context["entries"]
    size = [e for e in entries if e.kind == selectors.Kind.SIZE]
    assert [e.title for e in size] == ["Naik kelas: Mikro → Kecil"]
    assert "dibanding skala di registri (Mikro)" in size[0].detail

    assert selectors.size_moves_per_year() == [(2024, 1, {"Mikro → Kecil": 1})]


def test_a_first_report_in_the_registry_class_is_no_move(make_staff, client):
    business = BusinessFactory(size_class=Business.SizeClass.MIKRO)
    _first_report(business, capital=150_000_000, sales=400_000_000)
    client.force_login(make_staff(roles.OPERATOR))
    entries = client.get(reverse("development:timeline", args=[business.pk])).context["entries"]
    assert [e.title for e in entries if e.kind == selectors.Kind.SIZE] == [
        "Laporan usaha: skala Mikro"
    ]
    assert selectors.size_moves_per_year() == []


def test_a_later_report_is_compared_with_the_report_before_it():
    business = BusinessFactory(size_class=Business.SizeClass.MIKRO)
    _first_report(business, capital=800_000_000, sales=3_000_000_000)  # mikro -> kecil
    services.business_report_add(
        business=business,
        reported_on=datetime.date(2025, 6, 30),
        capital=900_000_000,
        annual_sales=3_500_000_000,
        workers=5,
    )  # kecil -> kecil: no second move
    assert selectors.size_moves_per_year() == [(2024, 1, {"Mikro → Kecil": 1})]
