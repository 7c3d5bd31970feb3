"""A head of department opens the dashboard, filters by kecamatan and sees the chart."""

import importlib

import pytest

from tests.dashboard.conftest import dataset, kecamatan  # noqa: F401 (fixtures)
from umkm_portal import roles

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def reference_data(transactional_db):
    """Regions and roles come from migrations, and an earlier transactional test's flush
    removes them: load them again the way the migrations do."""
    from django.apps import apps

    from registry.models import Region
    from umkm_portal.roles import sync_roles

    if not Region.objects.exists():
        importlib.import_module("registry.migrations.0002_load_reference_data").load(apps, None)
    sync_roles(apps)


def test_head_filters_the_dashboard_by_kecamatan(
    page,
    admin_login,
    make_staff,
    screenshot,
    dataset,  # noqa: F811
):
    head = make_staff(roles.PIMPINAN)
    admin_login(page, head)
    page.goto("/dashboard/")
    assert page.locator("h1").inner_text() == "Dasbor bantuan UMKM"
    page.select_option("#id_kecamatan", label="Pondokgede")
    page.click("button[type=submit]")
    page.wait_for_url("**/dashboard/?*kecamatan=*")
    assert "Kecamatan Pondokgede" in page.locator(".active-filters").inner_text()
    chart = page.locator("#kecamatan svg")
    assert chart.is_visible()
    assert chart.locator("rect.bar-applied").count() == 1  # only the chosen kecamatan
    kecamatan_rows = page.locator("#kecamatan table tbody tr")
    assert kecamatan_rows.count() == 1
    assert "Pondokgede" in kecamatan_rows.first.inner_text()
    assert page.locator("#transfer-harian svg").is_visible()
    screenshot(page, "dashboard-kecamatan")


def test_dashboard_fits_a_phone(phone_page, admin_login, make_staff, screenshot, dataset):  # noqa: F811
    admin_login(phone_page, make_staff(roles.PIMPINAN))
    phone_page.goto("/dashboard/")
    assert phone_page.locator("#kecamatan svg").is_visible()
    # Nothing but the tables' own scroll boxes is wider than the screen.
    overflow = phone_page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= 360
    screenshot(phone_page, "dashboard-phone")
