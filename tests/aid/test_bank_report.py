"""The bank's transfer report, and the Bendahara's manual entry with the same checks."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from aid import selectors, services
from aid.models import Application, BankReport, Disbursement, Reason, Status, StatusChange
from registry import services as registry_services
from registry.models import Bank
from tests.aid.conftest import csv_bytes, in_status, statuses, xlsx_bytes
from tests.factories import OwnerFactory
from umkm_portal import roles

pytestmark = pytest.mark.django_db

HEADER = ["NIK", "NO_REKENING", "KODE_BANK", "NOMINAL", "TANGGAL", "REFERENSI", "STATUS", "KET"]


def row(application, reference, status="BERHASIL", *, amount="2.400.000", reason="", **kw):
    account = application.owner.bank_accounts.get(is_active=True)
    return [
        kw.get("nik", application.owner.nik),
        kw.get("account", account.account_number),
        kw.get("bank", account.bank.code),
        amount,
        kw.get("date", "10/09/2020"),
        reference,
        status,
        reason,
    ]


def _import(program, by, rows, filename="bri.csv", **options):
    content = (
        xlsx_bytes([HEADER, *rows]) if filename.endswith("xlsx") else csv_bytes([HEADER, *rows])
    )
    return services.bank_report_import(
        program=program, filename=filename, file=io.BytesIO(content), by=by, **options
    )


def _messages(report) -> dict[int, str]:
    return {p["row"]: p["message"] for p in report.problems}


def test_successes_and_failures_become_disbursements_and_statuses(program, bendahara):
    paid, failed = in_status(program, Status.APPROVED), in_status(program, Status.APPROVED)

    report = _import(
        program,
        bendahara,
        [row(paid, "BRI-1"), row(failed, "BRI-2", "GAGAL", reason="Rekening tidak aktif")],
    )

    assert statuses(paid, failed) == [Status.TRANSFERRED, Status.TRANSFER_FAILED]
    ok = Disbursement.objects.get(bank_reference="BRI-1")
    assert (ok.outcome, ok.amount, ok.bank_report, ok.recorded_by) == (
        "success",
        2_400_000,
        report,
        bendahara,
    )
    assert timezone.localtime(ok.transferred_at).date() == datetime.date(2020, 9, 10)
    bad = Disbursement.objects.get(bank_reference="BRI-2")
    assert (bad.outcome, bad.failure_reason) == ("failed", "Rekening tidak aktif")
    failed.refresh_from_db()
    assert failed.reason_note == "Rekening tidak aktif"
    assert (report.rows, report.applied, report.refused) == (2, 2, 0)
    change = StatusChange.objects.get(application=paid)
    assert change.source == f"laporan bank #{report.pk} (bri.csv) baris 2"


def test_each_refused_row_says_why_and_changes_nothing(program, bendahara):
    good = in_status(program, Status.APPROVED)
    submitted = in_status(program, Status.SUBMITTED)
    paid = in_status(program, Status.TRANSFERRED)
    other_account = in_status(program, Status.APPROVED)
    stranger = OwnerFactory.build().nik

    report = _import(
        program,
        bendahara,
        [
            row(good, "R-2", amount="1.200.000"),  # 2: wrong amount
            row(other_account, "R-3", account="987654321098"),  # 3: not the active account
            row(good, "R-4", nik=stranger),  # 4: unknown NIK
            row(submitted, "R-5"),  # 5: not approved
            row(paid, "R-6"),  # 6: already transferred
            row(good, "R-7", date="31/02/2020"),  # 7: impossible date
            row(good, "R-8", status="PENDING"),  # 8: unknown status
            row(good, "", amount="dua juta"),  # 9: no reference, amount unreadable
            row(good, "R-10", nik="3.27501E+15"),  # 10: NIK damaged by Excel
            row(good, "R-11"),  # 11: fine
            row(good, "R-11"),  # 12: reference repeated in the file
        ],
    )

    messages = _messages(report)
    assert set(messages) == {2, 3, 4, 5, 6, 7, 8, 9, 10, 12}
    assert "Nominal Rp1.200.000 berbeda" in messages[2]
    assert "bukan rekening aktif" in messages[3]
    assert "tidak terdaftar" in messages[4]
    assert "belum ditetapkan" in messages[5]
    assert "sudah ditransfer" not in messages[5]
    assert "sudah ditransfer" in messages[6]
    assert "Tanggal 31/02/2020" in messages[7]
    assert 'Status "PENDING"' in messages[8]
    assert "Referensi bank kosong" in messages[9] and "Nominal dua juta" in messages[9]
    assert "rusak oleh Excel" in messages[10]
    assert "sudah tercantum di baris 11" in messages[12]
    assert statuses(good, submitted, paid, other_account) == [
        Status.TRANSFERRED,
        Status.SUBMITTED,
        Status.TRANSFERRED,
        Status.APPROVED,
    ]
    assert list(Disbursement.objects.values_list("bank_reference", flat=True)) == ["R-11"]


def test_a_second_transfer_to_a_paid_owner_is_refused_as_already_transferred(program, bendahara):
    application = in_status(program, Status.APPROVED)
    _import(program, bendahara, [row(application, "R-1")])
    report = _import(program, bendahara, [row(application, "R-2")])
    assert "sudah ditransfer" in _messages(report)[2]
    assert "hanya diberikan sekali" in _messages(report)[2]
    assert Disbursement.objects.count() == 1


def test_the_same_report_twice_changes_nothing_the_second_time(program, bendahara):
    paid, failed = in_status(program, Status.APPROVED), in_status(program, Status.APPROVED)
    rows = [row(paid, "R-1"), row(failed, "R-2", "GAGAL", reason="Rekening ditutup")]
    _import(program, bendahara, rows, filename="bri.xlsx")
    before = list(Application.objects.order_by("pk").values())
    changes, disbursements = StatusChange.objects.count(), Disbursement.objects.count()

    second = _import(program, bendahara, rows, filename="bri.xlsx")

    assert list(Application.objects.order_by("pk").values()) == before
    assert (StatusChange.objects.count(), Disbursement.objects.count()) == (
        changes,
        disbursements,
    )
    assert (second.applied, second.unchanged, second.refused) == (0, 2, 0)


def test_a_reference_reused_for_someone_else_is_refused(program, bendahara):
    first, second = in_status(program, Status.APPROVED), in_status(program, Status.APPROVED)
    _import(program, bendahara, [row(first, "R-1")])
    report = _import(program, bendahara, [row(second, "R-1")])
    assert "sudah dipakai untuk transfer lain" in _messages(report)[2]
    assert statuses(second) == [Status.APPROVED]


def test_withdrawals_in_a_later_report_and_again(program, bendahara):
    application = in_status(program, Status.APPROVED)
    _import(program, bendahara, [row(application, "R-1")])
    later = [row(application, "R-1", "DICAIRKAN", date="2020-09-20 13:05")]

    first = _import(program, bendahara, later)
    again = _import(program, bendahara, later)

    assert statuses(application) == [Status.WITHDRAWN]
    disbursement = Disbursement.objects.get()
    assert timezone.localtime(disbursement.withdrawn_at).date() == datetime.date(2020, 9, 20)
    assert (first.applied, again.applied, again.unchanged) == (1, 0, 1)


def test_a_withdrawal_of_an_unknown_transfer_is_refused(program, bendahara):
    application = in_status(program, Status.APPROVED)
    _import(program, bendahara, [row(application, "R-1")])
    report = _import(program, bendahara, [row(application, "R-9", "DICAIRKAN")])
    assert "Tidak ada transfer dengan referensi R-9" in _messages(report)[2]
    assert statuses(application) == [Status.TRANSFERRED]


def test_a_failed_transfer_is_sent_again_after_the_account_is_fixed(program, bendahara):
    application = in_status(program, Status.APPROVED)
    old = application.owner.bank_accounts.get()
    _import(program, bendahara, [row(application, "R-1", "GAGAL", reason="Rekening ditutup")])

    # The bank retries to the old account: refused, it is no longer the one on record.
    new = registry_services.bank_account_set(
        owner=application.owner,
        bank=Bank.objects.get(code="009"),
        account_number="1234567890",
        holder_name=application.owner.full_name,
    )
    stale = _import(program, bendahara, [row(application, "R-2", account=old.account_number)])
    assert "bukan rekening aktif" in _messages(stale)[2]

    retry = _import(program, bendahara, [row(application, "R-3")])

    assert retry.applied == 1
    assert statuses(application) == [Status.TRANSFERRED]
    paid = Disbursement.objects.get(outcome="success")
    assert (paid.bank_code, paid.account_number) == ("009", new.account_number)
    assert Disbursement.objects.filter(outcome="failed").count() == 1


def test_dry_run_tries_every_row_and_writes_nothing(program, bendahara):
    application = in_status(program, Status.APPROVED)
    report = _import(program, bendahara, [row(application, "R-1")], commit=False)
    assert report.applied == 1
    assert not BankReport.objects.exists()
    assert not Disbursement.objects.exists()
    assert statuses(application) == [Status.APPROVED]


def test_money_per_status_is_the_sum_of_the_disbursements(program, bendahara):
    apps = [in_status(program, Status.APPROVED) for _ in range(4)]
    _import(
        program,
        bendahara,
        [
            row(apps[0], "R-0"),
            row(apps[1], "R-1"),
            row(apps[2], "R-2"),
            row(apps[3], "R-3", "GAGAL", reason="x"),
        ],
    )
    _import(program, bendahara, [row(apps[0], "R-0", "DICAIRKAN", date="20/09/2020")])
    services.application_return(application=apps[1], by=None)

    money = selectors.program_money_by_status(program)

    assert {s: (m.applications, m.amount) for s, m in money.items()} == {
        Status.WITHDRAWN: (1, 2_400_000),
        Status.RETURNED: (1, 2_400_000),
        Status.TRANSFERRED: (1, 2_400_000),
    }
    assert sum(m.amount for m in money.values()) == sum(
        Disbursement.objects.filter(outcome="success").values_list("amount", flat=True)
    )


def test_bendahara_records_one_transfer_by_hand_with_the_same_checks(program, make_staff, client):
    client.force_login(make_staff(roles.BENDAHARA))
    application = in_status(program, Status.APPROVED)
    account = application.owner.bank_accounts.get()
    url = reverse("admin:aid_disbursement_add")
    data = {
        "program": program.pk,
        "nik": application.owner.nik,
        "outcome": "success",
        "bank_reference": "MAN-1",
        "transferred_at": "10/09/2020 10:00",
        "amount": "1200000",
        "account_number": account.account_number,
        "failure_reason": "",
    }

    refused = client.post(url, data)
    assert "Nominal Rp1.200.000 berbeda" in refused.content.decode()
    assert statuses(application) == [Status.APPROVED]

    done = client.post(url, {**data, "amount": "2400000"}, follow=True)
    assert "Transfer MAN-1 dicatat" in done.content.decode()
    assert statuses(application) == [Status.TRANSFERRED]
    assert Disbursement.objects.get().source == "admin: input manual"

    again = client.post(url, {**data, "amount": "2400000", "bank_reference": "MAN-2"})
    assert "hanya diberikan sekali" in again.content.decode()


def test_bendahara_imports_a_report_from_the_admin(program, make_staff, client):
    client.force_login(make_staff(roles.BENDAHARA))
    application = in_status(program, Status.APPROVED)
    upload = SimpleUploadedFile("bri.xlsx", xlsx_bytes([HEADER, row(application, "R-1")]))
    response = client.post(
        reverse("admin:aid_bankreport_add"), {"program": program.pk, "file": upload}
    )
    assert response.status_code == 200
    assert "Tidak ada baris bermasalah" in response.content.decode()
    assert statuses(application) == [Status.TRANSFERRED]


@pytest.mark.parametrize("role", [roles.OPERATOR, roles.VERIFIKATOR, roles.PIMPINAN])
def test_other_roles_cannot_import_bank_reports_or_record_transfers(role, make_staff, client):
    client.force_login(make_staff(role))
    assert client.get(reverse("admin:aid_bankreport_add")).status_code == 403
    assert client.get(reverse("admin:aid_disbursement_add")).status_code == 403
    assert Reason  # the reason table is shared with the status page


def _approved_on(program, day: datetime.date) -> Application:
    application = in_status(program, Status.APPROVED)
    approved_at = datetime.datetime.combine(day, datetime.time(9), tzinfo=datetime.UTC)
    Application.objects.filter(pk=application.pk).update(approved_at=approved_at)
    application.refresh_from_db()
    return application


def test_a_transfer_dated_before_the_approval_is_refused_in_a_bank_report(program, bendahara):
    early = _approved_on(program, datetime.date(2020, 9, 10))
    fine = _approved_on(program, datetime.date(2020, 9, 1))
    same_day = _approved_on(program, datetime.date(2020, 9, 5))  # 09:00; the bank says 00:00

    report = _import(
        program,
        bendahara,
        [
            row(early, "EARLY-1", date="05/09/2020"),
            row(fine, "FINE-1", date="05/09/2020"),
            row(same_day, "SAME-1", date="05/09/2020"),
        ],
    )

    assert (report.applied, report.refused) == (2, 1)
    assert _messages(report)[2] == (
        f"Tanggal transfer 05-09-2020 lebih awal dari tanggal penetapan {early.owner.full_name} "
        "sebagai penerima (10-09-2020). Periksa tanggal transfer."
    )
    assert statuses(early) == [Status.APPROVED]
    assert statuses(fine) == statuses(same_day) == [Status.TRANSFERRED]


def test_a_transfer_dated_before_the_approval_is_refused_by_hand(program, make_staff, client):
    client.force_login(make_staff(roles.BENDAHARA))
    application = _approved_on(program, datetime.date(2020, 9, 10))
    data = {
        "program": program.pk,
        "nik": application.owner.nik,
        "outcome": "success",
        "bank_reference": "MAN-EARLY",
        "transferred_at": "09/09/2020 10:00",
        "amount": "2400000",
        "account_number": application.owner.bank_accounts.get().account_number,
        "failure_reason": "",
    }

    refused = client.post(reverse("admin:aid_disbursement_add"), data)

    assert "Tanggal transfer 09-09-2020 lebih awal dari tanggal penetapan" in (
        refused.content.decode()
    )
    assert statuses(application) == [Status.APPROVED]
    assert not Disbursement.objects.exists()
