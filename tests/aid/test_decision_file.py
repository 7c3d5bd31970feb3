"""The ministry's decision file: listed NIKs approved, everything else reported per row."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from aid import services
from aid.models import Application, DecisionFile, Reason, Status, StatusChange
from tests.aid.conftest import csv_bytes, in_status, statuses, xlsx_bytes
from tests.factories import OwnerFactory
from umkm_portal import roles

pytestmark = pytest.mark.django_db


def _import(program, by, rows, *, filename="sk.csv", **options):
    content = xlsx_bytes(rows) if filename.endswith(".xlsx") else csv_bytes(rows)
    return services.decision_file_import(
        program=program, filename=filename, file=io.BytesIO(content), by=by, **options
    )


def _messages(record) -> dict[int, str]:
    return {p["row"]: p["message"] for p in record.problems}


def test_listed_submitted_applications_become_approved(program, verifier):
    listed = [in_status(program, Status.SUBMITTED) for _ in range(2)]
    unlisted = in_status(program, Status.SUBMITTED)

    record = _import(program, verifier, [["NIK", "NAMA"], *[[a.owner.nik, "x"] for a in listed]])

    assert statuses(*listed, unlisted) == [Status.APPROVED, Status.APPROVED, Status.SUBMITTED]
    assert (record.rows, record.applied, record.refused) == (2, 2, 0)
    assert record.file.name and record.sha256
    change = StatusChange.objects.filter(to_status=Status.APPROVED).first()
    assert change.source == f"keputusan Kementerian #{record.pk} (sk.csv)"
    assert change.by == verifier


def test_reject_missing_rejects_submitted_ones_not_on_the_list(program, verifier):
    listed = in_status(program, Status.SUBMITTED)
    unlisted = in_status(program, Status.SUBMITTED)
    verified = in_status(program, Status.VERIFIED)

    record = _import(program, verifier, [["NIK"], [listed.owner.nik]], reject_missing=True)

    assert statuses(listed, unlisted, verified) == [
        Status.APPROVED,
        Status.REJECTED,
        Status.VERIFIED,
    ]
    unlisted.refresh_from_db()
    assert unlisted.reason_code == Reason.NOT_APPROVED
    assert record.not_approved == 1


def test_each_bad_row_is_reported_and_nothing_of_it_applied(program, verifier):
    submitted = in_status(program, Status.SUBMITTED)
    verified = in_status(program, Status.VERIFIED)
    rejected = in_status(program, Status.REJECTED)
    stranger = OwnerFactory.build().nik  # a valid NIK nobody registered

    record = _import(
        program,
        verifier,
        [
            ["nik"],
            [submitted.owner.nik],  # row 2
            [stranger],  # 3
            [verified.owner.nik],  # 4
            [rejected.owner.nik],  # 5
            [submitted.owner.nik],  # 6: repeated
            ["3275011708900000"],  # 7: serial 0000, Excel rounding
            ["3.27501E+15"],  # 8
            ["12345"],  # 9
        ],
    )

    messages = _messages(record)
    assert set(messages) == {3, 4, 5, 6, 7, 8, 9}
    assert "tidak terdaftar" in messages[3]
    assert "belum diajukan" in messages[4] and "Terverifikasi" in messages[4]
    assert "tidak memiliki permohonan aktif" in messages[5]
    assert "sudah tercantum di baris 2" in messages[6]
    assert "Excel" in messages[7] and "Excel" in messages[8]
    assert "16 digit" in messages[9]
    assert statuses(submitted, verified, rejected) == [
        Status.APPROVED,
        Status.VERIFIED,
        Status.REJECTED,
    ]
    assert (record.applied, record.refused) == (1, 7)
    assert DecisionFile.objects.get().problems == record.problems


def test_numeric_nik_cells_that_lost_their_last_digit_are_refused_as_excel_damage(
    program, verifier
):
    application = in_status(program, Status.SUBMITTED)
    # What Excel keeps of a 16-digit number: 15 significant digits, the 16th becomes 0.
    as_excel_stores_it = int(application.owner.nik[:15] + "0")
    record = _import(
        program,
        verifier,
        [["NIK"], [as_excel_stores_it]],
        filename="sk.xlsx",
        reject_missing=True,
    )
    assert "tersimpan sebagai angka di Excel" in _messages(record)[2]
    # A damaged NIK could be any submitted owner: nobody is rejected as not on the list.
    assert "TIDAK ditolak" in _messages(record)[0]
    assert statuses(application) == [Status.SUBMITTED]


def test_an_intact_16_digit_numeric_nik_cell_is_accepted(program, verifier):
    application = in_status(program, Status.SUBMITTED)
    nik = application.owner.nik
    if nik.endswith("0"):  # a number ending in 0 cannot be told from a rounded one
        application.owner.nik = nik = nik[:15] + "7"
        application.owner.save(update_fields=["nik"])

    record = _import(program, verifier, [["NIK"], [int(nik)]], filename="sk.xlsx")

    assert (record.applied, record.refused) == (1, 0)
    assert statuses(application) == [Status.APPROVED]


def test_the_same_file_twice_changes_nothing_the_second_time(program, verifier):
    listed = in_status(program, Status.SUBMITTED)
    unlisted = in_status(program, Status.SUBMITTED)
    rows = [["NIK"], [listed.owner.nik]]
    _import(program, verifier, rows, filename="sk.xlsx", reject_missing=True)
    before = list(Application.objects.order_by("pk").values())
    records = StatusChange.objects.count()

    second = _import(program, verifier, rows, filename="sk.xlsx", reject_missing=True)

    assert list(Application.objects.order_by("pk").values()) == before
    assert StatusChange.objects.count() == records
    assert (second.applied, second.unchanged, second.not_approved) == (0, 1, 0)
    assert statuses(listed, unlisted) == [Status.APPROVED, Status.REJECTED]


def test_dry_run_reports_without_writing(program, verifier):
    listed = in_status(program, Status.SUBMITTED)
    in_status(program, Status.SUBMITTED)
    record = _import(
        program, verifier, [["NIK"], [listed.owner.nik]], reject_missing=True, commit=False
    )
    assert (record.pk, record.applied, record.not_approved) == (None, 1, 1)
    assert not DecisionFile.objects.exists()
    assert not Application.objects.exclude(status=Status.SUBMITTED).exists()


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("sk.csv", b"NAMA\nBudi\n", "Kolom wajib tidak ditemukan: NIK"),
        ("sk.pdf", b"%PDF", "CSV atau XLSX"),
        ("sk.xlsx", b"not a workbook", "bukan berkas Excel"),
    ],
)
def test_an_unreadable_file_is_refused_whole(program, verifier, filename, content, message):
    with pytest.raises(ValidationError, match=message):
        services.decision_file_import(
            program=program, filename=filename, file=io.BytesIO(content), by=verifier
        )
    assert not DecisionFile.objects.exists()


def test_semicolon_csv_from_indonesian_excel_is_read(program, verifier):
    application = in_status(program, Status.SUBMITTED)
    content = csv_bytes([["No", "NIK", "Nama"], ["1", application.owner.nik, "x"]], ";")
    services.decision_file_import(
        program=program, filename="sk.csv", file=io.BytesIO(content), by=verifier
    )
    assert statuses(application) == [Status.APPROVED]


def test_head_imports_from_the_admin_and_sees_the_rows_refused(program, make_staff, client):
    client.force_login(make_staff(roles.PIMPINAN))
    application = in_status(program, Status.SUBMITTED)
    upload = csv_bytes([["NIK"], [application.owner.nik], ["3.27501E+15"]])

    response = client.post(
        reverse("admin:aid_decisionfile_add"),
        {"program": program.pk, "file": SimpleUploadedFile("sk.csv", upload)},
    )

    text = response.content.decode()
    assert response.status_code == 200
    assert "rusak oleh Excel" in text
    assert statuses(application) == [Status.APPROVED]
    record = DecisionFile.objects.get()
    detail = client.get(reverse("admin:aid_decisionfile_change", args=[record.pk]))
    assert "rusak oleh Excel" in detail.content.decode()
    # The head sees identities masked: the raw file (full NIKs) is for roles that may.
    download = client.get(reverse("admin:aid_decisionfile_file", args=[record.pk]))
    assert download.status_code == 403
    client.force_login(make_staff(roles.VERIFIKATOR))
    download = client.get(reverse("admin:aid_decisionfile_file", args=[record.pk]))
    assert b"".join(download.streaming_content) == upload


@pytest.mark.parametrize("role", [roles.OPERATOR, roles.VERIFIKATOR, roles.BENDAHARA])
def test_other_roles_cannot_import_decisions(role, program, make_staff, client):
    client.force_login(make_staff(role))
    assert client.get(reverse("admin:aid_decisionfile_add")).status_code == 403


def test_a_verifier_is_told_who_records_the_decision(program, make_staff, client):
    """Issue 25.1: the Verifikator reads decision files; the page to import one names the
    role that does (Pimpinan) and why, instead of a bare 403 and a missing button."""
    client.force_login(make_staff(roles.VERIFIKATOR))
    page = client.get(reverse("admin:aid_decisionfile_add"))
    assert page.status_code == 403
    text = page.content.decode()
    assert "dilakukan oleh peran <strong>Pimpinan</strong>" in text
    assert "Anda masuk dengan peran Verifikator" in text
    assert "orang kedua" in text
    listing = client.get(reverse("admin:aid_decisionfile_changelist")).content.decode()
    assert "diimpor oleh peran Pimpinan" in listing


def test_who_submitted_cannot_record_the_ministrys_decision_on_it(program, make_staff):
    """Issue 11, finding 7b: even a user holding both permissions is refused for their own
    submission, and nothing is written; another person records it."""
    from django.contrib.auth.models import Permission

    both = make_staff(roles.VERIFIKATOR, "verif-and-head")
    both.user_permissions.add(Permission.objects.get(codename="record_decision"))
    application = in_status(program, Status.VERIFIED)
    services.submission_create(program=program, file_format="csv", by=both)
    for reject_missing in (False, True):
        with pytest.raises(ValidationError, match="petugas lain"):
            _import(
                program, both, [["NIK"], [application.owner.nik]], reject_missing=reject_missing
            )
    assert statuses(application) == [Status.SUBMITTED] and not DecisionFile.objects.exists()
    head = make_staff(roles.PIMPINAN)
    _import(program, head, [["NIK"], [application.owner.nik]])
    assert statuses(application) == [Status.APPROVED]
