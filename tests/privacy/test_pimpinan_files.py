"""Pimpinan (no full-identity permission) never receives a full NIK, phone or account number
through kept files, re-exports, problem tables or the owner history (issue 11, finding 4)."""

import io

import pytest
from django.urls import reverse

from aid import services
from aid.models import Status
from privacy import masking
from privacy.models import AccessLog
from registry import services as registry_services
from tests.aid.conftest import csv_bytes, in_status, xlsx_rows
from tests.factories import OwnerFactory
from umkm_portal import roles

pytestmark = pytest.mark.django_db


@pytest.fixture
def batch(program, verifier):
    in_status(program, Status.VERIFIED)
    return services.submission_create(program=program, file_format="xlsx", by=verifier)


def _identity(batch):
    application = batch.applications.select_related("owner").get()
    owner = application.owner
    account = owner.bank_accounts.get(is_active=True)
    return owner.nik, owner.phone, "0" + owner.phone[3:], account.account_number


def test_pimpinan_cannot_download_the_submitted_file(batch, make_staff, client):
    client.force_login(make_staff(roles.PIMPINAN))
    response = client.get(reverse("admin:aid_submissionbatch_file", args=[batch.pk]))
    assert response.status_code == 403
    assert not AccessLog.objects.filter(action=AccessLog.Action.DOWNLOAD).exists()


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_pimpinan_re_export_is_masked_and_logged_as_masked(batch, file_format, make_staff, client):
    nik, phone, local_phone, account = _identity(batch)
    client.force_login(make_staff(roles.PIMPINAN))
    response = client.get(reverse("admin:aid_submissionbatch_export", args=[batch.pk, file_format]))
    assert response.status_code == 200
    if file_format == "csv":
        text = response.content.decode("utf-8-sig")
    else:
        text = repr(xlsx_rows(response.content))
    for value in (nik, phone, local_phone, account):
        assert value not in text
    assert masking.mask_nik(nik) in text
    assert masking.mask_account(account) in text
    log = AccessLog.objects.get(detail__startswith="ekspor ulang")
    assert log.full_identity is False


def test_verifier_re_export_keeps_full_values(batch, verifier, client):
    nik, _phone, local_phone, account = _identity(batch)
    client.force_login(verifier)
    response = client.get(reverse("admin:aid_submissionbatch_export", args=[batch.pk, "csv"]))
    text = response.content.decode("utf-8-sig")
    assert nik in text and local_phone in text and account in text


@pytest.fixture
def imported(program, verifier, make_staff):
    """A decision file and a bank report, each naming a registered NIK with no application
    (so the problem table holds that full NIK)."""
    stranger = OwnerFactory()
    decision = services.decision_file_import(
        program=program,
        filename="sk.csv",
        file=io.BytesIO(csv_bytes([["NIK"], [stranger.nik]])),
        by=verifier,
    )
    header = ["NIK", "NO_REKENING", "NOMINAL", "TANGGAL", "REFERENSI", "STATUS"]
    report = services.bank_report_import(
        program=program,
        filename="bri.csv",
        file=io.BytesIO(
            csv_bytes(
                [header, [stranger.nik, "0123456789012", "2400000", "10/09/2020", "R1", "BERHASIL"]]
            )
        ),
        by=make_staff(roles.BENDAHARA),
    )
    assert decision.problems and report.problems
    return stranger, {"decisionfile": decision, "bankreport": report}


@pytest.mark.parametrize("model", ["decisionfile", "bankreport"])
def test_pimpinan_cannot_download_decision_files_or_bank_reports(
    imported, model, make_staff, client
):
    client.force_login(make_staff(roles.PIMPINAN))
    record = imported[1][model]
    assert client.get(reverse(f"admin:aid_{model}_file", args=[record.pk])).status_code == 403


@pytest.mark.parametrize("model", ["decisionfile", "bankreport"])
def test_pimpinan_sees_problem_tables_with_the_nik_masked(imported, model, make_staff, client):
    stranger, records = imported
    client.force_login(make_staff(roles.PIMPINAN))
    page = client.get(reverse(f"admin:aid_{model}_change", args=[records[model].pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert stranger.nik not in html
    assert "0123456789012" not in html
    assert masking.mask_nik(stranger.nik) in html


@pytest.mark.parametrize(
    ("role", "model"),
    [(roles.VERIFIKATOR, "decisionfile"), (roles.BENDAHARA, "bankreport")],
)
def test_staff_with_the_permission_see_problem_nik_and_download(
    imported, role, model, make_staff, client
):
    stranger, records = imported
    client.force_login(make_staff(role, username="another"))
    page = client.get(reverse(f"admin:aid_{model}_change", args=[records[model].pk]))
    assert stranger.nik in page.content.decode()
    download = client.get(reverse(f"admin:aid_{model}_file", args=[records[model].pk]))
    assert download.status_code == 200


def test_pimpinan_owner_history_masks_nik_and_phone_changes(make_staff, client):
    owner = OwnerFactory(phone="+6281234567890")
    old_nik, old_phone = owner.nik, owner.phone
    new_nik = OwnerFactory.build().nik
    registry_services.owner_update(
        owner=owner,
        nik=new_nik,
        full_name=owner.full_name,
        ktp_address=owner.ktp_address,
        phone="+6281298765432",
        kelurahan=owner.kelurahan,
    )
    url = reverse("admin:registry_owner_history", args=[owner.pk])

    client.force_login(make_staff(roles.PIMPINAN))
    html = client.get(url).content.decode()
    for value in (old_nik, new_nik, old_phone, "+6281298765432"):
        assert value not in html
    assert masking.mask_nik(old_nik) in html and masking.mask_nik(new_nik) in html

    client.force_login(make_staff(roles.VERIFIKATOR))
    html = client.get(url).content.decode()
    assert old_nik in html and new_nik in html
