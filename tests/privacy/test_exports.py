"""Exports of personal data: masked by permission, logged, from the admin and by command."""

import csv
import io

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from aid.resources import ApplicationResource, DisbursementResource
from privacy.models import AccessLog
from registry.resources import OwnerResource
from tests.factories import ApplicationFactory, BankAccountFactory, OwnerFactory
from umkm_portal import roles


def admin_export(client, model: str, resource, fmt: str = "0", **params):
    """Post the admin's export form with every column selected (format 0 = CSV, 1 = XLSX)."""
    prefix = resource.__name__.lower()
    data = {"format": fmt, "resource": "0", **{f"{prefix}_{f}": "on" for f in resource.fields}}
    url = reverse(f"admin:{model.replace('.', '_')}_export")
    if params:
        url += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    response = client.post(url, data)
    assert response.status_code == 200, response.content[:500]
    assert "attachment" in response["Content-Disposition"]
    return response


def csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.fixture
def owners(db):
    return [OwnerFactory() for _ in range(3)]


def test_head_exports_owners_with_nik_and_phone_masked_and_the_export_is_logged(
    client, make_staff, owners
):
    head = make_staff(roles.PIMPINAN)
    client.force_login(head)
    rows = csv_rows(admin_export(client, "registry.owner", OwnerResource))
    assert len(rows) == 3
    by_name = {row["nama lengkap"]: row for row in rows}
    for owner in owners:
        row = by_name[owner.full_name]
        assert row["NIK"] != owner.nik
        assert row["NIK"].startswith(owner.nik[:4]) and "*" in row["NIK"]
        assert owner.phone not in row["nomor HP"]
    log = AccessLog.objects.get()
    assert (log.user, log.action, log.subject, log.rows, log.full_identity) == (
        head,
        AccessLog.Action.EXPORT,
        "registry.owner",
        3,
        False,
    )


def _allow_identity_export(user):
    from django.contrib.auth.models import Permission

    user.user_permissions.add(Permission.objects.get(codename="export_identities"))


def test_verifier_exports_full_nik_and_the_log_says_so(client, verifier, owners):
    _allow_identity_export(verifier)
    client.force_login(verifier)
    rows = csv_rows(admin_export(client, "registry.owner", OwnerResource))
    assert {row["NIK"] for row in rows} == {owner.nik for owner in owners}
    log = AccessLog.objects.get()
    assert log.user == verifier and log.full_identity is True and log.rows == 3


def test_admin_export_keeps_the_search_of_the_list(client, verifier, owners):
    _allow_identity_export(verifier)
    client.force_login(verifier)
    rows = csv_rows(admin_export(client, "registry.owner", OwnerResource, q=owners[1].nik))
    assert [row["NIK"] for row in rows] == [owners[1].nik]
    assert AccessLog.objects.get().rows == 1


def test_disbursement_export_masks_the_account_number_for_the_head(
    client, make_staff, program, business
):
    from aid.models import Disbursement
    from aid.services import (
        application_approve,
        application_submit,
        application_verify,
        disbursement_record,
    )

    account = BankAccountFactory(owner=business.owner)
    application = ApplicationFactory(business=business, program=program)
    for step in (application_verify, application_submit, application_approve):
        application = step(application=application, by=None)
    disbursement_record(
        application=application,
        bank_reference="REF-9",
        succeeded=True,
        transferred_at=timezone.now(),
    )
    assert Disbursement.objects.count() == 1
    client.force_login(make_staff(roles.PIMPINAN))
    response = admin_export(client, "aid.disbursement", DisbursementResource, fmt="1")
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    header, row = list(workbook.active.iter_rows(values_only=True))
    values = dict(zip(header, row, strict=True))
    assert (
        values["nomor rekening"]
        == "*" * (len(account.account_number) - 4) + (account.account_number[-4:])
    )
    assert values["nilai (Rp)"] == 2_400_000
    assert "*" in values["NIK"]
    assert AccessLog.objects.get().subject == "aid.disbursement"


def test_export_data_command_masks_without_a_user_and_logs(tmp_path, owners):
    out = tmp_path / "owners.csv"
    call_command("export_data", "owners", "--output", str(out), stdout=io.StringIO())
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert len(rows) == 3 and all("*" in row["NIK"] for row in rows)
    log = AccessLog.objects.get()
    assert log.user is None and log.rows == 3 and not log.full_identity
    assert log.detail == "export_data --format csv"


def test_export_data_command_gives_a_verifier_full_applications_in_xlsx(
    tmp_path, verifier, program, business
):
    _allow_identity_export(verifier)
    ApplicationFactory(business=business, program=program)
    out = tmp_path / "applications.xlsx"
    stdout = io.StringIO()
    call_command(
        "export_data",
        "applications",
        "--format",
        "xlsx",
        "--output",
        str(out),
        "--user",
        verifier.username,
        stdout=stdout,
    )
    header, row = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    values = dict(zip(header, row, strict=True))
    assert values["NIK"] == business.owner.nik
    assert values["status"] == "Diusulkan"
    assert "1 baris applications (lengkap)" in stdout.getvalue()
    log = AccessLog.objects.get()
    assert log.user == verifier and log.full_identity and log.subject == "aid.application"


def test_export_by_unknown_user_is_refused(tmp_path, db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("export_data", "owners", "--output", str(tmp_path / "x.csv"), "--user", "x")
    assert not AccessLog.objects.exists()


def test_application_export_columns(db):
    assert ApplicationResource().get_export_headers()[:4] == [
        "id",
        "program",
        "NIK",
        "nama lengkap",
    ]


@pytest.mark.parametrize("role", list(roles.ROLE_PERMISSIONS))
def test_no_role_bulk_exports_full_identities_but_every_export_is_logged(
    role, client, make_staff, owners
):
    """Issue 11, finding 7c: seeing an identity on screen is not exporting everyone's."""
    user = make_staff(role)
    client.force_login(user)
    rows = csv_rows(admin_export(client, "registry.owner", OwnerResource))
    assert not {row["NIK"] for row in rows} & {owner.nik for owner in owners}
    assert all("*" in row["NIK"] for row in rows)
    log = AccessLog.objects.get()
    assert (log.user, log.action, log.rows, log.full_identity) == (user, "export", 3, False)


def test_an_operator_granted_identity_export_gets_full_niks_and_it_is_logged(
    client, make_staff, owners
):
    operator = make_staff(roles.OPERATOR)
    _allow_identity_export(operator)
    client.force_login(operator)
    rows = csv_rows(admin_export(client, "registry.owner", OwnerResource))
    assert {row["NIK"] for row in rows} == {owner.nik for owner in owners}
    log = AccessLog.objects.get()
    assert (log.user, log.full_identity, log.subject) == (operator, True, "registry.owner")
