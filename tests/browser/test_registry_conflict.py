"""A verifier decides a "berbeda dengan data registry" conflict on a 1366×768 office screen
(issue 24.3)."""

import os
from pathlib import Path

import pytest

from aid.models import RegistryConflict
from tests.factories import ApplicationFactory, BusinessFactory, OwnerFactory
from umkm_portal import roles

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shot(page, name: str) -> None:
    """Screenshots for the reviewer, when SHOTS_DIR names a folder."""
    folder = os.environ.get("SHOTS_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def test_verifier_takes_the_lists_data_on_the_application_page(
    browser, live_server, make_staff, admin_login
):
    owner = OwnerFactory(nik="3275015708900001", full_name="Siti Aminah", phone="+6281211110000")
    application = ApplicationFactory(owner=owner, business=BusinessFactory(owner=owner))
    RegistryConflict.objects.create(
        application=application,
        list_name="Joko Susilo",
        list_phone="+6281299998888",
        registry_name=owner.full_name,
        registry_phone=owner.phone,
        name_differs=True,
        phone_differs=True,
    )
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1366, "height": 768}, locale="id-ID"
    )
    page = context.new_page()
    admin_login(page, make_staff(roles.VERIFIKATOR))

    page.goto(f"/admin/aid/application/{application.pk}/change/")
    section = page.locator("fieldset.registry-conflict")
    section.scroll_into_view_if_needed()
    assert "Siti Aminah" in section.inner_text() and "Joko Susilo" in section.inner_text()
    _shot(page, "application-registry-conflict-open")

    page.fill("#registry-conflict-note", "Dicek ke kelurahan: KTP atas nama Joko Susilo")
    page.get_by_role("button", name="Pakai data daftar").click()
    page.wait_for_load_state()

    assert "Keputusan dicatat: Pakai data daftar." in page.content()
    owner.refresh_from_db()
    assert (owner.full_name, owner.phone) == ("Joko Susilo", "+6281299998888")
    assert page.get_by_role("button", name="Pakai data daftar").count() == 0
    _shot(page, "application-registry-conflict-decided")
    context.close()
