"""A staff member logs in through the browser and meets the admin in Indonesian."""

import pytest

from umkm_portal import roles

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_verifier_logs_in_and_sees_applications_in_indonesian(
    page, admin_login, make_staff, screenshot
):
    verifier = make_staff(roles.VERIFIKATOR)
    admin_login(page, verifier)
    page.click("text=Permohonan")
    assert page.locator("h1").inner_text().startswith("Pilih permohonan")
    assert page.locator("#changelist-search").is_visible()
    screenshot(page, "admin-applications")
