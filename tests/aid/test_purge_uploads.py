"""Kept files with personal data are deleted after the retention period; the records stay."""

import os
from datetime import timedelta
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from aid.models import ProposalList

pytestmark = pytest.mark.django_db


def _list(program, name: str, age_days: int) -> ProposalList:
    proposal_list = ProposalList.objects.create(
        program=program, proposer_name=f"Kelurahan {name}", proposer_kind="kelurahan"
    )
    proposal_list.file.save(f"{name}.csv", ContentFile(b"nik,nama\n3275011708900001,Siti\n"))
    # created_at is auto_now_add: age it with an update, as time would.
    ProposalList.objects.filter(pk=proposal_list.pk).update(
        created_at=timezone.now() - timedelta(days=age_days)
    )
    proposal_list.refresh_from_db()
    return proposal_list


def _purge(**options) -> str:
    out = StringIO()
    call_command("purge_uploads", stdout=out, **options)
    return out.getvalue()


def test_old_files_are_deleted_and_recent_ones_kept(program, settings):
    settings.UPLOAD_RETENTION_DAYS = 180
    old = _list(program, "margahayu", age_days=200)
    recent = _list(program, "bintara", age_days=10)
    old_path, recent_path = old.file.path, recent.file.path
    assert str(settings.PRIVATE_UPLOAD_ROOT) in old_path  # outside any web root

    output = _purge()
    assert "deleted 1 file(s)" in output
    assert "Kelurahan margahayu" in output

    old.refresh_from_db()
    recent.refresh_from_db()
    assert not old.file and ProposalList.objects.filter(pk=old.pk).exists()
    assert not os.path.exists(old_path)
    assert recent.file and os.path.exists(recent_path)

    # Idempotent: nothing left to do.
    assert "deleted 0 file(s)" in _purge()


def test_dry_run_deletes_nothing_and_days_override_the_setting(program):
    proposal_list = _list(program, "jatimulya", age_days=40)
    assert "would delete 1" in _purge(days=30, dry_run=True)
    proposal_list.refresh_from_db()
    assert proposal_list.file and os.path.exists(proposal_list.file.path)
    assert "deleted 0" in _purge()  # 40 days is within the default 180
    assert "deleted 1" in _purge(days=30)


def test_a_file_already_gone_from_disk_is_cleared(program):
    proposal_list = _list(program, "harapanjaya", age_days=365)
    proposal_list.file.storage.delete(proposal_list.file.name)
    assert "deleted 1" in _purge()
    proposal_list.refresh_from_db()
    assert not proposal_list.file


def test_staged_rows_and_other_kept_files_go_too(program, make_staff):
    from aid.models import ImportRow, SubmissionBatch

    old = _list(program, "kranji", age_days=400)
    ImportRow.objects.create(proposal_list=old, row_number=2, raw=["3275011708900001", "Siti"])
    batch = SubmissionBatch.objects.create(program=program, created_by=make_staff(None))
    batch.file.save("pengajuan.xlsx", ContentFile(b"NIK\n3275011708900001\n"))
    SubmissionBatch.objects.filter(pk=batch.pk).update(
        created_at=timezone.now() - timedelta(days=400)
    )
    batch_path = batch.file.path

    assert "deleted 2 file(s)" in _purge()

    batch.refresh_from_db()
    assert not batch.file and not os.path.exists(batch_path)
    assert not ImportRow.objects.filter(proposal_list=old).exists()
    assert SubmissionBatch.objects.filter(pk=batch.pk).exists()
