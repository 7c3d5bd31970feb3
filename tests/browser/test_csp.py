"""The staff pages work under the Content-Security-Policy: the browser blocks nothing."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    "/",
    "/admin/",
    "/admin/registry/owner/",
    "/admin/registry/owner/add/",
    "/admin/aid/application/",
    "/admin/aid/application/?status__exact=proposed",
    "/admin/privacy/accesslog/",
]


def test_staff_pages_raise_no_csp_violation(page, admin_login, make_staff, owner):
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    admin_login(page, make_staff(None, username="admin"))
    for path in PAGES:
        page.goto(path)
        assert page.locator("#content, main").first.is_visible(), path
    assert violations == []
    # The autocomplete widget (select2) and the sidebar filter run their scripts.
    page.goto("/admin/registry/owner/add/")
    page.click(".select2-selection")
    page.wait_for_selector(".select2-results__option")
    page.goto(f"/admin/registry/owner/{owner.pk}/change/")
    page.click("text=Lihat identitas lengkap")
    assert owner.nik in page.content()
    page.goto(f"/admin/registry/owner/{owner.pk}/history/")
    assert violations == []
