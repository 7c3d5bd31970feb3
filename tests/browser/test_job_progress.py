"""The one progress page of a background job, in a real browser at 1366×768: the numbers
move without a reload, the page shows the end and the reason of a failure, no serious
accessibility finding, and it works without JavaScript through its Muat ulang link."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from jobs.models import Job
from tests.browser.test_staff_desk import OFFICE_SCREEN, _serious_violations
from umkm_portal import roles

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def desk_page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, viewport=OFFICE_SCREEN, locale="id-ID", bypass_csp=True
    )
    page = context.new_page()
    yield page
    context.close()


def test_the_progress_page_follows_a_running_job_to_its_end(
    desk_page, admin_login, make_staff, screenshot
):
    operator = make_staff(roles.OPERATOR)
    job = Job.objects.create(
        kind="aid.merge",
        key="merge:list:999",
        params={"proposal_list_id": 999},
        state=Job.State.RUNNING,
        phase="merging",
        done=3_000,
        total=10_000,
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
        started_by=operator,
    )
    page = desk_page
    admin_login(page, operator)
    page.goto(f"/admin/jobs/job/{job.pk}/")
    box = page.locator("#job-progress")
    expect(box).to_contain_text("3.000 dari 10.000")
    expect(box).to_contain_text("Menggabungkan baris yang diterima ke registri")
    assert box.get_attribute("aria-live") == "polite"
    assert _serious_violations(page) == []
    screenshot(page, "job-progress-running")

    # The worker moves on: the page follows without a reload.
    Job.objects.filter(pk=job.pk).update(done=7_500, heartbeat_at=timezone.now())
    expect(box).to_contain_text("7.500 dari 10.000", timeout=10_000)
    assert page.locator("progress").evaluate("bar => bar.value") == 7_500

    # It fails: the page reloads itself to show the reason and "Coba lagi".
    Job.objects.filter(pk=job.pk).update(
        state=Job.State.FAILED,
        error="Penggabungan dibatalkan karena data berubah bersamaan.",
        finished_at=timezone.now(),
    )
    expect(
        page.get_by_text("Penggabungan dibatalkan karena data berubah bersamaan.")
    ).to_be_visible(timeout=10_000)
    expect(page.get_by_role("button", name="Coba lagi")).to_be_visible()
    assert _serious_violations(page) == []
    screenshot(page, "job-progress-failed")


def test_without_javascript_the_reload_link_shows_the_new_numbers(
    browser, live_server, admin_login, make_staff
):
    operator = make_staff(roles.OPERATOR)
    job = Job.objects.create(
        kind="aid.submission",
        key="submission:program:1",
        state=Job.State.RUNNING,
        phase="submitting",
        done=10,
        total=40,
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
        started_by=operator,
    )
    context = browser.new_context(
        base_url=live_server.url, viewport=OFFICE_SCREEN, java_script_enabled=False
    )
    page = context.new_page()
    admin_login(page, operator)
    page.goto(f"/admin/jobs/job/{job.pk}/")
    expect(page.locator("#job-progress")).to_contain_text("10 dari 40")
    Job.objects.filter(pk=job.pk).update(done=30)
    page.get_by_role("link", name="Muat ulang").click()
    expect(page.locator("#job-progress")).to_contain_text("30 dari 40")
    context.close()
