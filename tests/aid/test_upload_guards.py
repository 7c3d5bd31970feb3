"""Decision files and bank reports pass the same upload guards and reader as proposal lists,
and big ones are applied in the background (issue 11, finding 2)."""

import io
import time
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from aid import services
from aid.models import BankReport, DecisionFile, ImportedFile, Status
from jobs.models import Job
from tests.aid.conftest import csv_bytes, in_status, statuses
from umkm_portal import roles

pytestmark = pytest.mark.django_db

BANK_HEADER = ["NIK", "NO_REKENING", "KODE_BANK", "NOMINAL", "TANGGAL", "REFERENSI", "STATUS"]

FORMS = {
    "decision file": (roles.PIMPINAN, "admin:aid_decisionfile_add", DecisionFile, ["NIK"]),
    "bank report": (roles.BENDAHARA, "admin:aid_bankreport_add", BankReport, BANK_HEADER),
}


def _workbook(header: list[str], sheet_xml: bytes | None = None) -> bytes:
    """A real workbook with ``header`` as its first row; ``sheet_xml`` replaces the sheet."""
    book = openpyxl.Workbook()
    book.active.append(header)
    out = io.BytesIO()
    book.save(out)
    if sheet_xml is None:
        return out.getvalue()
    source = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    rebuilt = io.BytesIO()
    with zipfile.ZipFile(rebuilt, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = sheet_xml if info.filename == "xl/worksheets/sheet1.xml" else source.read(info)
            target.writestr(info.filename, data)
    return rebuilt.getvalue()


def _zip_bomb(header: list[str]) -> bytes:
    """Under a megabyte on disk, 60 MB once unpacked (a sheet padded with spaces)."""
    sheet = (
        b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
        b'spreadsheetml/2006/main"><sheetData/>' + b" " * (60 * 1024 * 1024) + b"</worksheet>"
    )
    return _workbook(header, sheet)


def _doctype(header: list[str]) -> bytes:
    return _workbook(
        header,
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b"<sheetData/></worksheet>",
    )


def _post(client, make_staff, program, which: str, filename: str, content: bytes):
    role, url, _model, _header = FORMS[which]
    client.force_login(make_staff(role))
    return client.post(
        reverse(url), {"program": program.pk, "file": SimpleUploadedFile(filename, content)}
    )


@pytest.mark.parametrize("which", FORMS)
def test_a_zip_bomb_is_refused_quickly_on_both_forms(which, program, make_staff, client):
    bomb = _zip_bomb(FORMS[which][3])
    assert len(bomb) < 1024 * 1024
    started = time.monotonic()
    response = _post(client, make_staff, program, which, "bom.xlsx", bomb)
    assert time.monotonic() - started < 10
    assert response.status_code == 200
    assert "jauh lebih besar daripada berkasnya" in response.content.decode()
    assert not FORMS[which][2].objects.exists()


@pytest.mark.parametrize("which", FORMS)
def test_an_oversized_csv_is_refused_on_both_forms(which, program, make_staff, client, settings):
    settings.IMPORT_MAX_UPLOAD_MB = 1
    header = ",".join(FORMS[which][3]).encode() + b"\n"
    big = header + b"\n" * (2 * 1024 * 1024)
    response = _post(client, make_staff, program, which, "besar.csv", big)
    # The size is written the Indonesian way, with a decimal comma.
    assert "Berkas terlalu besar (2,0 MB; batasnya 1 MB)" in response.content.decode()
    assert not FORMS[which][2].objects.exists()


@pytest.mark.parametrize("which", FORMS)
def test_a_workbook_declaring_a_doctype_is_refused_on_both_forms(
    which, program, make_staff, client
):
    response = _post(client, make_staff, program, which, "sk.xlsx", _doctype(FORMS[which][3]))
    assert "DOCTYPE/ENTITY" in response.content.decode()
    assert not FORMS[which][2].objects.exists()


@pytest.mark.parametrize("which", FORMS)
def test_a_file_named_xlsx_that_is_text_is_judged_by_its_content(
    which, program, make_staff, client
):
    response = _post(client, make_staff, program, which, "sk.xlsx", b"NIK\n3275011708900001\n")
    assert "bukan berkas Excel" in response.content.decode()
    assert not FORMS[which][2].objects.exists()


def test_the_services_refuse_a_zip_bomb_without_the_form(program, verifier):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="jauh lebih besar"):
        services.decision_file_import(
            program=program,
            filename="sk.xlsx",
            file=io.BytesIO(_zip_bomb(["NIK"])),
            by=verifier,
        )
    assert not DecisionFile.objects.exists()


def test_the_stored_file_gets_a_random_name_never_the_users(program, verifier):
    application = in_status(program, Status.SUBMITTED)
    record = services.decision_file_import(
        program=program,
        filename="../../etc/sk keputusan.csv",
        file=io.BytesIO(csv_bytes([["NIK"], [application.owner.nik]])),
        by=verifier,
    )
    assert record.original_filename == "sk keputusan.csv"
    assert "sk" not in record.file.name.rsplit("/", 1)[-1]
    assert record.file.name.endswith(".csv")


def test_a_big_decision_file_is_applied_in_the_background(
    program, make_staff, client, settings, django_capture_on_commit_callbacks
):
    settings.RECONCILIATION_SYNC_MAX_ROWS = 2
    listed = [in_status(program, Status.SUBMITTED) for _ in range(3)]
    client.force_login(make_staff(roles.PIMPINAN))
    upload = csv_bytes([["NIK"], *[[a.owner.nik] for a in listed]])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:aid_decisionfile_add"),
            {"program": program.pk, "file": SimpleUploadedFile("sk.csv", upload)},
            follow=True,
        )

    record = DecisionFile.objects.get()
    # The request only kept the file and queued a job; the (immediate) worker applied it,
    # and the job's progress page says what happened and links to the outcome per row.
    job = Job.objects.get()
    assert response.redirect_chain[-1][0] == reverse("admin:jobs_job_progress", args=[job.pk])
    text = response.content.decode()
    assert "latar belakang" in text
    assert "3 diterapkan" in text
    assert reverse("admin:aid_decisionfile_change", args=[record.pk]) in text
    assert record.state == ImportedFile.State.DONE
    assert (record.rows, record.applied) == (3, 3)
    assert statuses(*listed) == [Status.APPROVED] * 3
    page = client.get(reverse("admin:aid_decisionfile_change", args=[record.pk]))
    assert "Selesai" in page.content.decode()


def test_a_big_decision_file_ends_on_its_page_with_every_application_it_moved(
    program, make_staff, client, settings, django_capture_on_commit_callbacks
):
    """The walkthrough of issue 23: 3,000 approved and 63,559 rejected as not listed ended
    on "3.000 dari 66.559" under Selesai, and the sentence named only the 3,000."""
    settings.RECONCILIATION_SYNC_MAX_ROWS = 2
    settings.JOBS_PROGRESS_INTERVAL = 3600  # only the phase and the end are written
    listed = [in_status(program, Status.SUBMITTED) for _ in range(3)]
    unlisted = [in_status(program, Status.SUBMITTED) for _ in range(2)]
    client.force_login(make_staff(roles.PIMPINAN))
    upload = csv_bytes([["NIK"], *[[a.owner.nik] for a in listed]])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:aid_decisionfile_add"),
            {
                "program": program.pk,
                "file": SimpleUploadedFile("sk.csv", upload),
                "reject_missing": "on",
            },
            follow=True,
        )

    text = response.content.decode()
    assert "Selesai" in text
    assert "5 dari 5" in text
    assert 'max="5" value="5"' in text
    assert "3 baris: 3 diterapkan, 0 tidak berubah, 0 bermasalah." in text
    assert "2 permohonan diajukan yang tidak tercantum ditolak." in text
    assert statuses(*listed, *unlisted) == [Status.APPROVED] * 3 + [Status.REJECTED] * 2


def test_a_big_file_cannot_be_only_checked(program, make_staff, client, settings):
    settings.RECONCILIATION_SYNC_MAX_ROWS = 2
    listed = [in_status(program, Status.SUBMITTED) for _ in range(3)]
    client.force_login(make_staff(roles.PIMPINAN))
    upload = csv_bytes([["NIK"], *[[a.owner.nik] for a in listed]])
    response = client.post(
        reverse("admin:aid_decisionfile_add"),
        {"program": program.pk, "file": SimpleUploadedFile("sk.csv", upload), "dry_run": "on"},
    )
    assert "Periksa saja" in response.content.decode()
    assert not DecisionFile.objects.exists()
    assert statuses(*listed) == [Status.SUBMITTED] * 3


def test_a_big_bank_report_that_fails_in_the_background_says_why(
    program, bendahara, settings, monkeypatch
):
    settings.RECONCILIATION_SYNC_MAX_ROWS = 1
    applications = [in_status(program, Status.APPROVED) for _ in range(2)]
    rows = [
        [a.owner.nik, a.owner.bank_accounts.get().account_number, "002", "2400000",
         "10/09/2020", f"R-{i}", "BERHASIL"]
        for i, a in enumerate(applications)
    ]  # fmt: skip

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    # The set-based report writes the statuses through transitions.move_rows.
    monkeypatch.setattr("aid.transitions.move_rows", broken)
    record = services.bank_report_import(
        program=program,
        filename="bri.csv",
        file=io.BytesIO(csv_bytes([BANK_HEADER, *rows])),
        by=bendahara,
    )
    record.refresh_from_db()
    assert record.state == ImportedFile.State.FAILED
    assert "RuntimeError" in record.error
    assert record.applied == 0
    # The job that applied it failed with the same reason, and can be tried again.
    job = Job.objects.get()
    assert job.state == Job.State.FAILED
    assert job.error == record.error
    assert statuses(*applications) == [Status.APPROVED] * 2
