"""Submitting verified applications to the ministry: export and status in one step."""

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from aid import services
from aid.models import Application, ProposalList, Status, StatusChange, SubmissionBatch
from jobs.models import Job
from privacy.models import AccessLog
from tests.aid.conftest import in_status, statuses, xlsx_rows
from umkm_portal import roles

pytestmark = pytest.mark.django_db

HEADER = [
    "NIK",
    "NAMA",
    "ALAMAT_KTP",
    "BIDANG_USAHA",
    "NO_HP",
    "NAMA_USAHA",
    "ALAMAT_USAHA",
    "KECAMATAN",
    "KELURAHAN",
    "KODE_BANK",
    "NAMA_BANK",
    "NO_REKENING",
    "NAMA_PEMILIK_REKENING",
    "PENGUSUL",
    "ID_PERMOHONAN",
]


def _list(program, name):
    return ProposalList.objects.create(
        program=program, proposer_name=name, proposer_kind="koperasi"
    )


def test_xlsx_submission_marks_verified_as_submitted_and_keeps_the_file(program, verifier):
    verified = [in_status(program, Status.VERIFIED) for _ in range(3)]
    proposed = in_status(program, Status.PROPOSED)

    batch = services.submission_create(program=program, file_format="xlsx", by=verifier)

    assert batch.rows == 3
    assert statuses(*verified, proposed) == [Status.SUBMITTED] * 3 + [Status.PROPOSED]
    assert set(Application.objects.filter(submission_batch=batch)) == set(verified)
    records = StatusChange.objects.filter(to_status=Status.SUBMITTED)
    assert {(r.by, r.source) for r in records} == {(verifier, f"ekspor pengajuan #{batch.pk}")}
    rows = xlsx_rows(batch.file.read())
    assert rows[0] == HEADER
    first = verified[0]
    line = next(r for r in rows[1:] if r[0] == first.owner.nik)
    account = first.owner.bank_accounts.get()
    assert line[1] == first.owner.full_name
    assert line[4] == "0" + first.owner.phone[3:]  # 08… as people write it
    assert line[5] == first.business.name
    assert (line[9], line[11]) == ("002", account.account_number)
    assert line[7] == first.business.kelurahan.parent.name
    assert all(isinstance(value, str) for value in line if value is not None)  # NIK as text
    log = AccessLog.objects.get(subject="aid.submissionbatch")
    assert (log.user, log.rows, log.action) == (verifier, 3, "export")


def test_csv_submission_of_one_proposal_list_leaves_the_others(program, verifier):
    kelurahan, koperasi = _list(program, "Kel. Jatiwaringin"), _list(program, "Kop. Mitra")
    ours = in_status(program, Status.VERIFIED)
    Application.objects.filter(pk=ours.pk).update(proposal_list=kelurahan)
    theirs = in_status(program, Status.VERIFIED)
    Application.objects.filter(pk=theirs.pk).update(proposal_list=koperasi)

    batch = services.submission_create(
        program=program, proposal_list=kelurahan, file_format="csv", by=verifier
    )

    assert statuses(ours, theirs) == [Status.SUBMITTED, Status.VERIFIED]
    text = batch.file.read().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == HEADER
    assert [r[0] for r in rows[1:]] == [ours.owner.nik]
    assert rows[1][13] == "Kel. Jatiwaringin"


def test_a_batch_can_be_exported_again_without_submitting_again(program, verifier):
    in_status(program, Status.VERIFIED)
    batch = services.submission_create(program=program, file_format="xlsx", by=verifier)
    late = in_status(program, Status.VERIFIED)  # verified after the batch was sent
    records = StatusChange.objects.count()

    again = services.submission_export(batch=batch, file_format="csv", by=verifier)

    assert StatusChange.objects.count() == records
    assert statuses(late) == [Status.VERIFIED]
    niks = [r[0] for r in csv.reader(io.StringIO(again.decode("utf-8-sig")))][1:]
    assert niks == list(batch.applications.values_list("owner__nik", flat=True))
    assert AccessLog.objects.filter(detail__startswith="ekspor ulang").count() == 1


def test_nothing_verified_is_refused_and_leaves_no_batch(program, verifier):
    in_status(program, Status.PROPOSED)
    with pytest.raises(ValidationError, match="Tidak ada permohonan terverifikasi"):
        services.submission_create(program=program, file_format="csv", by=verifier)
    assert not SubmissionBatch.objects.exists()


def test_verifier_submits_from_the_admin_and_downloads_the_file(program, make_staff, client):
    client.force_login(make_staff(roles.VERIFIKATOR))
    application = in_status(program, Status.VERIFIED)

    form = client.get(reverse("admin:aid_submissionbatch_submit"))
    assert form.status_code == 200
    page = client.post(
        reverse("admin:aid_submissionbatch_submit"),
        {"program": program.pk, "proposal_list": "", "file_format": "xlsx"},
        follow=True,
    )

    # The submission ran as a background job; its page says what happened and links to
    # the file.
    batch = SubmissionBatch.objects.get()
    text = page.content.decode()
    assert "1 permohonan diajukan ke Kementerian" in text
    file_url = reverse("admin:aid_submissionbatch_file", args=[batch.pk])
    assert file_url in text
    response = client.get(file_url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    rows = xlsx_rows(b"".join(response.streaming_content))
    assert rows[1][0] == application.owner.nik
    assert statuses(application) == [Status.SUBMITTED]
    listing = client.get(reverse("admin:aid_submissionbatch_changelist")).content.decode()
    assert reverse("admin:aid_submissionbatch_export", args=[batch.pk, "csv"]) in listing
    again = client.get(reverse("admin:aid_submissionbatch_export", args=[batch.pk, "csv"]))
    assert application.owner.nik in again.content.decode("utf-8-sig")


@pytest.mark.parametrize("role", [roles.OPERATOR, roles.BENDAHARA, roles.PIMPINAN])
def test_other_roles_cannot_submit(role, program, make_staff, client):
    client.force_login(make_staff(role))
    application = in_status(program, Status.VERIFIED)
    url = reverse("admin:aid_submissionbatch_submit")
    assert client.get(url).status_code == 403
    response = client.post(url, {"program": program.pk, "file_format": "csv"})
    assert response.status_code == 403
    assert not Job.objects.exists()
    assert statuses(application) == [Status.VERIFIED]
