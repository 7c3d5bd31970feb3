"""The re-transfer queue sent to the bank: failed transfers whose owner now has another
account are exported in the bank's format and recorded, never twice without saying so, and
the owner is told both that the transfer failed and that it is being sent again."""

import csv
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from aid import services
from aid.models import RetransferBatch, Status
from notifications.models import Event, OutboxMessage
from privacy.models import AccessLog
from registry import services as registry_services
from registry.models import Bank
from tests.aid.conftest import csv_bytes, in_status, statuses
from tests.aid.test_bank_report import HEADER, row
from umkm_portal import roles

pytestmark = pytest.mark.django_db


def _failed(program, bendahara, reference="R-1"):
    application = in_status(program, Status.APPROVED)
    services.bank_report_import(
        program=program,
        filename="bri.csv",
        file=io.BytesIO(
            csv_bytes([HEADER, row(application, reference, "GAGAL", reason="Rekening ditutup")])
        ),
        by=bendahara,
    )
    assert statuses(application) == [Status.TRANSFER_FAILED]
    return application


def _new_account(application, number="5550001112"):
    return registry_services.bank_account_set(
        owner=application.owner,
        bank=Bank.objects.get(code="009"),
        account_number=number,
        holder_name=application.owner.full_name,
    )


def _csv(batch) -> list[list[str]]:
    text = batch.file.open("rb").read().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_the_ready_failures_are_exported_in_the_banks_format_and_recorded(program, bendahara):
    ready = _failed(program, bendahara, "R-1")
    account = _new_account(ready)
    _failed(program, bendahara, "R-2")  # account not fixed yet: not in the queue

    batch = services.retransfer_create(program=program, file_format="csv", by=bendahara)

    assert (batch.rows, batch.repeated) == (1, 0)
    header, line = _csv(batch)
    assert header == [
        "NIK",
        "NAMA",
        "KODE_BANK",
        "NAMA_BANK",
        "NO_REKENING",
        "NAMA_PEMILIK_REKENING",
        "NOMINAL",
        "REFERENSI_GAGAL",
        "ID_PERMOHONAN",
    ]
    assert line[0] == ready.owner.nik
    assert line[2:5] == ["009", Bank.objects.get(code="009").short_name, account.account_number]
    assert line[6:] == ["2400000", "R-1", str(ready.pk)]
    item = batch.items.get()
    assert (item.application, item.account_number) == (ready, account.account_number)
    # The status stays: the bank's report records the outcome of the new attempt.
    assert statuses(ready) == [Status.TRANSFER_FAILED]
    assert AccessLog.objects.filter(subject="aid.retransferbatch", object_id=batch.pk).exists()


def test_an_application_already_sent_to_the_same_account_is_not_exported_again_silently(
    program, bendahara
):
    application = _failed(program, bendahara)
    _new_account(application)
    services.retransfer_create(program=program, file_format="xlsx", by=bendahara)

    with pytest.raises(ValidationError) as refused:
        services.retransfer_create(program=program, file_format="csv", by=bendahara)
    assert "1 permohonan sudah pernah diekspor ke rekening yang sama" in refused.value.messages[0]
    assert RetransferBatch.objects.count() == 1

    again = services.retransfer_create(
        program=program, file_format="csv", by=bendahara, include_repeats=True
    )
    assert (again.rows, again.repeated) == (1, 1)

    # Another account later (the second attempt failed too) is a new send, not a repeat.
    _new_account(application, "7770001112")
    third = services.retransfer_create(program=program, file_format="csv", by=bendahara)
    assert (third.rows, third.repeated) == (1, 0)


def test_the_owner_is_told_the_transfer_failed_and_that_it_is_sent_again(
    program, bendahara, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        application = _failed(program, bendahara)
    failed = OutboxMessage.objects.get(event=Event.TRANSFER_FAILED)
    assert failed.object_id == application.pk
    assert "gagal" in failed.text and "Perbaiki data rekening" in failed.text
    assert "Rp2.400.000" in failed.text

    _new_account(application)
    with django_capture_on_commit_callbacks(execute=True):
        services.retransfer_create(program=program, file_format="csv", by=bendahara)
    again = OutboxMessage.objects.get(event=Event.TRANSFER_SENT_AGAIN)
    assert again.object_id == application.pk and "dikirim ulang" in again.text
    for message in (failed, again):
        assert application.owner.nik not in message.text
        assert not re.search(r"\d{6,}", message.text)


def test_the_bendahara_exports_from_the_admin_as_a_background_job(program, make_staff, client):
    bendahara = make_staff(roles.BENDAHARA)
    application = _failed(program, bendahara)
    _new_account(application)
    client.force_login(bendahara)
    listing = client.get(reverse("admin:aid_retransferbatch_changelist")).content.decode()
    assert "1 transfer gagal siap dikirim ulang" in listing

    job_page = client.post(
        reverse("admin:aid_retransferbatch_send"),
        {"program": program.pk, "file_format": "xlsx"},
        follow=True,
    )

    batch = RetransferBatch.objects.get()
    assert "1 transfer gagal diekspor untuk dikirim ulang" in job_page.content.decode()
    download = client.get(reverse("admin:aid_retransferbatch_file", args=[batch.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content)[:2] == b"PK"
    listing = client.get(reverse("admin:aid_retransferbatch_changelist")).content.decode()
    assert "1 di antaranya sudah diekspor ke rekening yang sama" in listing


@pytest.mark.parametrize("role", [roles.OPERATOR, roles.VERIFIKATOR, roles.PIMPINAN])
def test_only_the_bendahara_exports_the_queue(role, make_staff, client):
    client.force_login(make_staff(role))
    response = client.post(reverse("admin:aid_retransferbatch_send"), {})
    assert response.status_code == 403


def test_nothing_to_send_is_said_on_the_form_without_starting_a_job(program, make_staff, client):
    from jobs.models import Job

    client.force_login(make_staff(roles.BENDAHARA))

    response = client.post(
        reverse("admin:aid_retransferbatch_send"), {"program": program.pk, "file_format": "csv"}
    )

    assert response.status_code == 200
    assert "Tidak ada transfer gagal dengan rekening baru" in response.content.decode()
    assert not Job.objects.exists()
