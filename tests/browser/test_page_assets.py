"""Pages ask only for stylesheets that exist (issue 25.7): the submission page used to ask
for a relative ``widgets.css`` that bounced 301 → 302 → /admin/."""

import pytest

from tests.browser.test_staff_desk import AXE_JS, desk_page  # noqa: F401  (fixture)
from umkm_portal import roles

pytestmark = pytest.mark.browser


def test_the_submission_page_asks_for_no_stylesheet_outside_static(
    desk_page,  # noqa: F811
    admin_login,
    make_staff,
    program,
):
    page = desk_page
    admin_login(page, make_staff(roles.VERIFIKATOR))
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))

    page.goto("/admin/aid/submissionbatch/submit/")
    page.wait_for_load_state("networkidle")
    page.add_script_tag(path=str(AXE_JS))
    page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    page.wait_for_load_state("networkidle")

    css = [url for url in asked if ".css" in url]
    assert any(url.endswith("/static/admin/css/widgets.css") for url in css)
    assert [url for url in css if "/static/" not in url] == []
