"""One background-job mechanism: start, progress, end, second click, failure and retry,
a job whose worker died, and the long steps of the round that run as jobs."""

import datetime

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from aid.models import Status, SubmissionBatch
from jobs import kinds, services
from jobs.models import Job
from tests.aid.conftest import in_status, statuses, xlsx_rows
from umkm_portal import roles

pytestmark = pytest.mark.django_db


@pytest.fixture
def counting_kind(client):
    """A job kind that counts the program's applications one by one, and reads its own
    progress page through the client half-way, as staff watching it would."""
    seen = {}

    def count(job, progress):
        from aid.models import Application

        ids = list(Application.objects.values_list("pk", flat=True))
        progress.phase("counting", total=len(ids))
        for n, _pk in enumerate(ids, start=1):
            progress.update(n)
            if n == 2:
                url = reverse("admin:jobs_job_status", args=[job.pk])
                seen["json"] = client.get(url).json()
                seen["page"] = client.get(reverse("admin:jobs_job_progress", args=[job.pk]))
        progress.message = f"{len(ids)} permohonan dihitung."
        return {"counted": len(ids)}

    kinds.register(
        "tests.count", run=count, label="Penghitungan permohonan", phases={"counting": "Menghitung"}
    )
    yield seen
    kinds._KINDS.pop("tests.count", None)


def test_a_job_moves_from_queued_to_done_with_its_progress_shown(
    program, make_staff, client, settings, counting_kind
):
    settings.JOBS_PROGRESS_INTERVAL = 0
    for _ in range(4):
        in_status(program)
    user = make_staff(None)
    client.force_login(user)

    job, created = services.start(kind="tests.count", key="count:all", by=user)

    assert created and job.state == Job.State.DONE
    assert job.result == {"counted": 4}
    assert job.started_at and job.finished_at and job.message == "4 permohonan dihitung."
    # Half-way the page showed the phase and the numbers moving.
    half = counting_kind["json"]
    assert (half["state"], half["phase_label"], half["done"], half["total"]) == (
        "running",
        "Menghitung",
        2,
        4,
    )
    page = counting_kind["page"].content.decode()
    assert "2 dari 4" in page and "Muat ulang" in page and 'aria-live="polite"' in page
    assert "http-equiv" not in page
    done_page = client.get(reverse("admin:jobs_job_progress", args=[job.pk])).content.decode()
    assert "Selesai" in done_page and "4 permohonan dihitung." in done_page
    assert "Muat ulang" not in done_page


def test_a_job_ends_on_its_last_numbers_even_when_they_came_within_the_interval(
    make_staff, client, settings
):
    settings.JOBS_PROGRESS_INTERVAL = 3600  # only the phase and the end are written

    def estimate(job, progress):
        progress.phase("counting", total=10)  # an estimate: 6 turn out to be there
        progress.update(6, 6)
        progress.message = "6 dihitung."

    kinds.register("tests.estimate", run=estimate, label="Perkiraan", phases={})
    try:
        user = make_staff(None)
        client.force_login(user)
        job, _created = services.start(kind="tests.estimate", key="estimate", by=user)
        page = client.get(reverse("admin:jobs_job_progress", args=[job.pk])).content.decode()
    finally:
        kinds._KINDS.pop("tests.estimate", None)
    assert "Selesai" in page
    assert "6 dari 6" in page and "dari 10" not in page


def test_a_second_click_while_the_merge_runs_finds_the_running_job(upload, make_staff, client):
    proposal_list = upload("outcomes.csv")
    operator = make_staff(roles.OPERATOR)
    client.force_login(operator)
    # A worker has the merge of this list in hand.
    running = Job.objects.create(
        kind="aid.merge",
        key=f"merge:list:{proposal_list.pk}",
        params={"proposal_list_id": proposal_list.pk},
        state=Job.State.RUNNING,
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
        started_by=operator,
    )

    response = client.post(
        reverse("admin:aid_proposallist_confirm", args=[proposal_list.pk]), follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("admin:jobs_job_progress", args=[running.pk])
    assert "sedang berjalan" in response.content.decode()
    assert Job.objects.filter(kind="aid.merge").count() == 1
    assert not proposal_list.applications.exists()
    import_page = client.get(reverse("admin:aid_proposallist_import", args=[proposal_list.pk]))
    text = import_page.content.decode()
    assert "Penggabungan daftar ini sedang berjalan" in text
    assert reverse("admin:aid_proposallist_confirm", args=[proposal_list.pk]) not in text


def test_the_merge_runs_as_a_job_and_ends_with_the_applications_made(upload, make_staff, client):
    proposal_list = upload("outcomes.csv")
    client.force_login(make_staff(roles.OPERATOR))

    response = client.post(
        reverse("admin:aid_proposallist_confirm", args=[proposal_list.pk]), follow=True
    )

    job = Job.objects.get(kind="aid.merge")
    assert response.redirect_chain[-1][0] == reverse("admin:jobs_job_progress", args=[job.pk])
    text = response.content.decode()
    assert "8 permohonan dibuat dari daftar ini." in text
    assert "Lihat permohonan dari daftar ini" in text
    assert proposal_list.applications.count() == 8 and job.result["merged"] == 8
    proposal_list.refresh_from_db()
    assert proposal_list.import_status == "merged"


def test_a_lists_jobs_are_titled_with_the_list_not_a_number_that_reads_as_its_own(
    upload, make_staff, client
):
    # The walkthrough's list #4 had its check titled "Pemeriksaan daftar usulan #1" (the
    # job's number), and list #1 was another list.
    proposal_list = upload("outcomes.csv")
    client.force_login(make_staff(roles.OPERATOR))
    client.post(reverse("admin:aid_proposallist_confirm", args=[proposal_list.pk]))

    for job in Job.objects.filter(kind__in=["aid.check", "aid.merge"]):
        page = client.get(reverse("admin:jobs_job_progress", args=[job.pk])).content.decode()
        assert f": {proposal_list}" in page and f"#{job.pk}<" not in page
        # Every kind's phase reads capitalised alike ("membaca dan memeriksa baris" was not).
        assert any(f"Tahap: {label}" in page for label in ("Menyiapkan ringkasan", "Menggabungkan"))
    listing = client.get(reverse("admin:jobs_job_changelist")).content.decode()
    assert f"Penggabungan daftar usulan: {proposal_list}" in listing

    merge = Job.objects.get(kind="aid.merge")
    Job.objects.filter(pk=merge.pk).update(state=Job.State.FAILED)
    merge.refresh_from_db()
    assert services.retry(job=merge, by=None).subject == str(proposal_list)


def test_a_failed_job_says_why_in_indonesian_and_coba_lagi_runs_it_again(
    program, make_staff, client
):
    verifier = make_staff(roles.VERIFIKATOR)
    client.force_login(verifier)
    url = reverse("admin:aid_submissionbatch_submit")

    failed = client.post(url, {"program": program.pk, "file_format": "csv"}, follow=True)

    job = Job.objects.get()
    assert job.state == Job.State.FAILED
    text = failed.content.decode()
    assert "Tidak ada permohonan terverifikasi untuk diajukan" in text
    assert "Coba lagi" in text

    application = in_status(program, Status.VERIFIED)
    retried = client.post(reverse("admin:jobs_job_retry", args=[job.pk]), follow=True)

    again = Job.objects.exclude(pk=job.pk).get()
    assert (again.state, again.attempt, again.retry_of_id) == (Job.State.DONE, 2, job.pk)
    assert retried.redirect_chain[-1][0] == reverse("admin:jobs_job_progress", args=[again.pk])
    assert "1 permohonan diajukan ke Kementerian" in retried.content.decode()
    assert statuses(application) == [Status.SUBMITTED]
    assert SubmissionBatch.objects.get().rows == 1


def test_a_job_whose_worker_died_is_noticed_and_requeued(upload, make_staff, client, settings):
    proposal_list = upload("outcomes.csv")
    operator = make_staff(roles.OPERATOR)
    client.force_login(operator)
    long_ago = timezone.now() - datetime.timedelta(seconds=settings.JOBS_STALE_AFTER + 60)
    dead = Job.objects.create(
        kind="aid.merge",
        key=f"merge:list:{proposal_list.pk}",
        params={"proposal_list_id": proposal_list.pk},
        state=Job.State.RUNNING,
        run_token="gone",
        started_at=long_ago,
        heartbeat_at=long_ago,
        started_by=operator,
    )
    page = client.get(reverse("admin:jobs_job_progress", args=[dead.pk])).content.decode()
    assert "pekerjanya kemungkinan berhenti" in page and "Antrekan ulang" in page
    assert client.get(reverse("admin:jobs_job_status", args=[dead.pk])).json()["stale"]

    client.post(reverse("admin:jobs_job_requeue", args=[dead.pk]))

    dead.refresh_from_db()
    assert dead.state == Job.State.DONE and dead.attempt == 2
    assert proposal_list.applications.count() == 8


def test_a_job_that_still_beats_is_not_requeued(upload, make_staff, client):
    proposal_list = upload("outcomes.csv")
    operator = make_staff(roles.OPERATOR)
    client.force_login(operator)
    alive = Job.objects.create(
        kind="aid.merge",
        key=f"merge:list:{proposal_list.pk}",
        params={"proposal_list_id": proposal_list.pk},
        state=Job.State.RUNNING,
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
        started_by=operator,
    )
    response = client.post(reverse("admin:jobs_job_requeue", args=[alive.pk]), follow=True)
    assert "masih berjalan" in response.content.decode()
    alive.refresh_from_db()
    assert alive.state == Job.State.RUNNING
    assert not proposal_list.applications.exists()


def test_only_one_live_job_per_key_even_when_written_directly():
    from django.db import IntegrityError, transaction

    Job.objects.create(kind="aid.merge", key="merge:list:1", state=Job.State.RUNNING)
    Job.objects.create(kind="aid.merge", key="merge:list:1", state=Job.State.FAILED)
    with pytest.raises(IntegrityError), transaction.atomic():
        Job.objects.create(kind="aid.merge", key="merge:list:1", state=Job.State.QUEUED)


def test_bulk_verify_of_many_runs_as_a_job_with_the_same_end_result(
    program, make_staff, client, settings
):
    settings.JOBS_BULK_INLINE_MAX = 2
    applications = [in_status(program) for _ in range(3)]
    client.force_login(make_staff(roles.VERIFIKATOR))

    response = client.post(
        reverse("admin:aid_application_changelist"),
        {
            "action": "verify",
            admin.helpers.ACTION_CHECKBOX_NAME: [a.pk for a in applications],
            "confirm": "1",
        },
        follow=True,
    )

    job = Job.objects.get()
    assert job.kind == "aid.verify" and job.state == Job.State.DONE
    assert response.redirect_chain[-1][0] == reverse("admin:jobs_job_progress", args=[job.pk])
    assert "3 permohonan dipindahkan" in response.content.decode()
    assert statuses(*applications) == [Status.VERIFIED] * 3


def test_the_job_list_shows_running_and_failed_first_and_only_ones_own(make_staff, client):
    operator = make_staff(roles.OPERATOR)
    other = make_staff(roles.BENDAHARA)
    done = Job.objects.create(
        kind="aid.merge",
        key="a",
        state=Job.State.DONE,
        started_by=operator,
        params={"proposal_list_id": 1},
    )
    failed = Job.objects.create(
        kind="aid.merge", key="b", state=Job.State.FAILED, started_by=operator
    )
    running = Job.objects.create(
        kind="aid.merge", key="c", state=Job.State.RUNNING, started_by=operator
    )
    theirs = Job.objects.create(
        kind="aid.bank_report", key="d", state=Job.State.FAILED, started_by=other
    )
    client.force_login(operator)
    text = client.get(reverse("admin:jobs_job_changelist")).content.decode()
    positions = [
        text.index(reverse("admin:jobs_job_progress", args=[j.pk])) for j in (running, failed, done)
    ]
    assert positions == sorted(positions)
    assert reverse("admin:jobs_job_progress", args=[theirs.pk]) not in text
    assert client.get(reverse("admin:jobs_job_progress", args=[theirs.pk])).status_code == 404


def test_the_outcome_workbook_of_a_big_list_is_written_once_and_kept_until_it_changes(
    upload, make_staff, client, settings
):
    settings.JOBS_OUTCOME_MIN_ROWS = 10
    proposal_list = upload("outcomes.csv")  # 15 rows
    client.force_login(make_staff(roles.OPERATOR))
    url = reverse("admin:aid_proposallist_outcome", args=[proposal_list.pk, "xlsx"])

    first = client.get(url)

    # The job wrote the file (at once here: the test worker is immediate; a real worker's
    # job is shown on its page first, which links to the file).
    job = Job.objects.get(kind="aid.outcome_xlsx")
    assert job.state == Job.State.DONE
    page = client.get(reverse("admin:jobs_job_progress", args=[job.pk])).content.decode()
    assert url in page
    assert first["Content-Disposition"].startswith("attachment")
    rows = xlsx_rows(b"".join(first.streaming_content))
    assert len(rows) == 16 and rows[0][0] == "Baris"
    client.get(url)
    assert Job.objects.filter(kind="aid.outcome_xlsx").count() == 1

    # The ZIP of one workbook per kelurahan, too: written by its own job, then kept.
    zip_url = reverse("admin:aid_proposallist_outcome", args=[proposal_list.pk, "zip"])
    archive = client.get(zip_url)
    assert archive["Content-Type"] == "application/zip"
    assert Job.objects.filter(kind="aid.outcome_xlsx", params__fmt="zip").count() == 1
    client.get(zip_url)
    assert Job.objects.filter(kind="aid.outcome_xlsx").count() == 2

    # Merging changes the list (its counts, its status): the next download writes it again.
    client.post(reverse("admin:aid_proposallist_confirm", args=[proposal_list.pk]))
    client.get(url, follow=True)
    assert Job.objects.filter(kind="aid.outcome_xlsx", state=Job.State.DONE).count() == 3


def test_the_check_of_an_upload_is_a_job_on_the_same_page_and_can_be_retried(
    upload, make_staff, client, monkeypatch
):
    from aid.importing import pipeline

    def broken(*args, **kwargs):
        raise RuntimeError("disk went away")

    original = pipeline.stage_file
    monkeypatch.setattr(pipeline, "stage_file", broken)
    proposal_list = upload("outcomes.csv")
    client.force_login(make_staff(roles.OPERATOR))

    job = Job.objects.get(kind="aid.check")
    assert job.state == Job.State.FAILED
    page = client.get(reverse("admin:jobs_job_progress", args=[job.pk])).content.decode()
    assert "Pemeriksaan daftar gagal karena kesalahan sistem (RuntimeError)" in page
    assert "Coba lagi" in page

    monkeypatch.setattr(pipeline, "stage_file", original)
    client.post(reverse("admin:jobs_job_retry", args=[job.pk]))

    again = Job.objects.filter(kind="aid.check").latest()
    assert again.state == Job.State.DONE and again.attempt == 2
    assert again.phase and again.done == again.total == 15
    assert "15 baris diperiksa" in again.message
    proposal_list.refresh_from_db()
    assert proposal_list.import_status == "staged"


def test_at_the_worker_start_every_job_left_running_is_queued_again(upload, make_staff):
    import io

    from django.core.management import call_command

    proposal_list = upload("outcomes.csv")
    operator = make_staff(roles.OPERATOR)
    orphan = Job.objects.create(
        kind="aid.merge",
        key=f"merge:list:{proposal_list.pk}",
        params={"proposal_list_id": proposal_list.pk},
        state=Job.State.RUNNING,
        run_token="dead-worker",
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),  # fresh: only a restart knows no worker runs
        started_by=operator,
    )
    out = io.StringIO()
    call_command("recover_imports", stdout=out)
    orphan.refresh_from_db()
    assert orphan.state == Job.State.RUNNING

    call_command("recover_imports", all=True, stdout=out)

    orphan.refresh_from_db()
    assert orphan.state == Job.State.DONE and orphan.attempt == 2
    assert f"background job(s): {orphan.pk}" in out.getvalue()
    assert proposal_list.applications.count() == 8


def test_the_end_of_a_job_is_announced_once_it_is_committed(
    program, make_staff, django_capture_on_commit_callbacks
):
    from umkm_portal import events

    ended = []

    def receiver(sender, job, **kwargs):
        ended.append((job.pk, job.state))

    events.job_finished.connect(receiver, dispatch_uid="tests.job_finished")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            job, _created = services.start(
                kind="aid.submission",
                key=f"submission:program:{program.pk}",
                params={"program_id": program.pk, "file_format": "csv"},
                by=make_staff(roles.VERIFIKATOR),
            )
    finally:
        events.job_finished.disconnect(dispatch_uid="tests.job_finished")
    assert ended == [(job.pk, Job.State.FAILED)]


def test_a_job_no_worker_ever_took_is_requeued_and_then_counts_as_fresh(
    upload, make_staff, client, settings
):
    proposal_list = upload("outcomes.csv")
    operator = make_staff(roles.OPERATOR)
    client.force_login(operator)
    waiting = Job.objects.create(
        kind="aid.merge",
        key=f"merge:list:{proposal_list.pk}",
        params={"proposal_list_id": proposal_list.pk},
        started_by=operator,
    )
    long_ago = timezone.now() - datetime.timedelta(seconds=settings.JOBS_STALE_AFTER + 60)
    Job.objects.filter(pk=waiting.pk).update(created_at=long_ago)
    waiting.refresh_from_db()
    assert services.is_stale(waiting)

    client.post(reverse("admin:jobs_job_requeue", args=[waiting.pk]))

    waiting.refresh_from_db()
    assert waiting.state == Job.State.DONE
    assert proposal_list.applications.count() == 8


def test_bulk_verify_job_names_a_registry_conflict_among_what_held_an_application(
    program, make_staff, client, settings
):
    from aid.models import RegistryConflict

    settings.JOBS_BULK_INLINE_MAX = 2
    applications = [in_status(program) for _ in range(3)]
    RegistryConflict.objects.create(
        application=applications[0],
        list_name="Joko Susilo",
        registry_name=applications[0].owner.full_name,
        name_differs=True,
    )
    client.force_login(make_staff(roles.VERIFIKATOR))

    response = client.post(
        reverse("admin:aid_application_changelist"),
        {
            "action": "verify",
            admin.helpers.ACTION_CHECKBOX_NAME: [a.pk for a in applications],
            "confirm": "1",
        },
        follow=True,
    )

    text = response.content.decode()
    assert "2 permohonan dipindahkan, 1 ditahan" in text
    assert "data berbeda dengan registry" in text
    assert statuses(*applications) == [Status.PROPOSED, Status.VERIFIED, Status.VERIFIED]
