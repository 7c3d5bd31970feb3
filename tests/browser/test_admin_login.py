"""A staff member logs in through the browser and meets the admin in Indonesian."""

import re

import pytest
from playwright.sync_api import expect

from umkm_portal import roles

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_verifier_logs_in_and_sees_applications_in_indonesian(
    page, admin_login, make_staff, screenshot
):
    verifier = make_staff(roles.VERIFIKATOR)
    admin_login(page, verifier)
    page.click("text=Permohonan")
    expect(page.locator("h1")).to_have_text(re.compile(r"^Pilih permohonan"))
    assert page.locator("#changelist-search").is_visible()
    screenshot(page, "admin-applications")
