"""A list no worker picks up, or whose worker died, is named on the review page and can be
queued again or cancelled; a worker that meets a locked database retries, never leaves the
list in processing."""

import datetime
import io

import pytest
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from aid import services
from aid.models import ImportRow, ImportStatus, ProposalList
from tests.aid.importing.conftest import FILES
from umkm_portal import roles

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator_client(client, make_staff):
    client.force_login(make_staff(roles.OPERATOR))
    return client


@pytest.fixture
def queued(program):
    """A list uploaded without running its job (as when no worker runs)."""
    return services.proposal_list_upload(
        program=program,
        proposer_name="Kelurahan Jatiasih",
        proposer_kind=ProposalList.ProposerKind.KELURAHAN,
        file=io.BytesIO((FILES / "outcomes.csv").read_bytes()),
        filename="outcomes.csv",
        process=False,
    )


def _age(proposal_list, **delta):
    at = timezone.now() - datetime.timedelta(**delta)
    ProposalList.objects.filter(pk=proposal_list.pk).update(import_updated_at=at, created_at=at)


def _page(client, proposal_list):
    return client.get(reverse("admin:aid_proposallist_import", args=[proposal_list.pk]))


def _status(client, proposal_list):
    url = reverse("admin:aid_proposallist_import_status", args=[proposal_list.pk])
    return client.get(url).json()


def test_an_unclaimed_list_says_it_waits_for_the_background_checker(operator_client, queued):
    assert _status(operator_client, queued)["worker_note"] == ""  # just uploaded

    _age(queued, seconds=10)

    assert "Menunggu pemeriksa latar belakang" in _status(operator_client, queued)["worker_note"]
    page = _page(operator_client, queued).content.decode()
    assert "Menunggu pemeriksa latar belakang" in page
    assert "Periksa ulang" in page


def test_a_list_stuck_in_processing_can_be_queued_again_and_is_then_checked(
    operator_client, queued
):
    ProposalList.objects.filter(pk=queued.pk).update(import_status=ImportStatus.PROCESSING)
    _age(queued, minutes=1)
    assert "Periksa ulang" not in _page(operator_client, queued).content.decode()  # still live

    _age(queued, minutes=10)
    page = _page(operator_client, queued).content.decode()
    assert "Pemeriksaan berhenti" in page and "Periksa ulang" in page

    response = operator_client.post(
        reverse("admin:aid_proposallist_requeue", args=[queued.pk]), follow=True
    )

    assert "Daftar diantrekan ulang" in response.content.decode()
    queued.refresh_from_db()
    assert queued.import_status == ImportStatus.STAGED  # the immediate backend ran the job


def test_a_list_stuck_in_processing_can_be_cancelled_but_a_live_one_cannot(operator_client, queued):
    ProposalList.objects.filter(pk=queued.pk).update(import_status=ImportStatus.PROCESSING)
    url = reverse("admin:aid_proposallist_cancel", args=[queued.pk])

    refused = operator_client.post(url, follow=True).content.decode()
    queued.refresh_from_db()
    assert queued.import_status == ImportStatus.PROCESSING
    assert "tidak dapat dibatalkan" in refused

    _age(queued, minutes=10)
    operator_client.post(url)
    queued.refresh_from_db()
    assert queued.import_status == ImportStatus.CANCELLED


def test_requeue_refuses_a_list_that_is_still_making_progress(queued):
    ProposalList.objects.filter(pk=queued.pk).update(
        import_status=ImportStatus.PROCESSING, import_updated_at=timezone.now()
    )
    with pytest.raises(services.proposal_lists.ValidationError):
        services.proposal_list_requeue(proposal_list=queued)


def test_a_worker_that_wakes_up_after_its_list_was_cancelled_stops(queued, monkeypatch):
    from aid.importing import pipeline

    original = pipeline.stage_file

    def cancelled_midway(proposal_list, f, kind, *, on_progress=None, **kwargs):
        ProposalList.objects.filter(pk=proposal_list.pk).update(
            import_status=ImportStatus.CANCELLED
        )
        on_progress(1, 10, {})
        return original(proposal_list, f, kind, **kwargs)

    monkeypatch.setattr(pipeline, "stage_file", cancelled_midway)
    assert services.proposal_list_stage(proposal_list=queued) is None
    queued.refresh_from_db()
    assert queued.import_status == ImportStatus.CANCELLED


def test_a_locked_database_is_retried_and_the_list_still_gets_staged(queued, monkeypatch):
    from aid import tasks
    from aid.importing import pipeline

    original = pipeline.stage_file
    calls = []

    def locked_once(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("database is locked")
        return original(*args, **kwargs)

    monkeypatch.setattr(pipeline, "stage_file", locked_once)
    monkeypatch.setattr(tasks, "BUSY_RETRY_DELAYS", (0, 0))
    tasks.proposal_list_process.call(proposal_list_id=queued.pk)

    queued.refresh_from_db()
    assert len(calls) == 2
    assert queued.import_status == ImportStatus.STAGED
    assert ImportRow.objects.filter(proposal_list=queued).exists()


def test_a_database_locked_on_every_attempt_fails_the_list_with_a_message(queued, monkeypatch):
    from aid import tasks
    from aid.importing import pipeline

    def always_locked(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(pipeline, "stage_file", always_locked)
    monkeypatch.setattr(tasks, "BUSY_RETRY_DELAYS", (0, 0))
    tasks.proposal_list_process.call(proposal_list_id=queued.pk)

    queued.refresh_from_db()
    assert queued.import_status == ImportStatus.FAILED
    assert "basis data terus sibuk" in queued.import_error


def test_recover_queues_again_the_lists_a_dead_worker_left(queued, program):
    ProposalList.objects.filter(pk=queued.pk).update(import_status=ImportStatus.PROCESSING)
    assert services.proposal_lists_recover() == []  # fresh heartbeat: maybe a live worker

    assert services.proposal_lists_recover(all_processing=True) == [queued.pk]
    queued.refresh_from_db()
    assert queued.import_status == ImportStatus.STAGED
