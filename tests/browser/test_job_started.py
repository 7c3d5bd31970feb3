"""The job page's "Mulai dikerjakan" follows the polling (second pass of issue 25): a job
opened while queued shows "-" there, and the time once a worker takes it, without a
reload."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from jobs.models import Job
from tests.browser.test_job_progress import desk_page  # noqa: F401  (fixture)
from umkm_portal import roles

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_started_at_appears_when_a_worker_takes_the_job(
    desk_page,  # noqa: F811
    admin_login,
    make_staff,
):
    operator = make_staff(roles.OPERATOR)
    job = Job.objects.create(
        kind="aid.merge",
        key="merge:list:998",
        params={"proposal_list_id": 998},
        state=Job.State.QUEUED,
        started_by=operator,
    )
    page = desk_page
    admin_login(page, operator)
    page.goto(f"/admin/jobs/job/{job.pk}/")
    started = page.locator("[data-role=started-at]")
    expect(started).to_have_text("-")
    page.evaluate("window.__notReloaded = true")

    at = timezone.make_aware(datetime.datetime(2026, 12, 6, 9, 15, 30))
    Job.objects.filter(pk=job.pk).update(
        state=Job.State.RUNNING, started_at=at, heartbeat_at=timezone.now(), done=1, total=10
    )

    expect(started).to_have_text("6 Desember 2026 09:15:30", timeout=10_000)
    assert page.evaluate("window.__notReloaded === true")
