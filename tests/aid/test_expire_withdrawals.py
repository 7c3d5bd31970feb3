"""Money not withdrawn within the program's window goes back to the treasury."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone, translation

from aid import services, tasks
from aid.models import Application, Program, Status, StatusChange
from tests.aid.conftest import in_status, statuses

pytestmark = pytest.mark.django_db


def _transferred(program, days_ago: int) -> Application:
    application = in_status(program, Status.APPROVED)
    services.disbursement_record(
        application=application,
        bank_reference=f"R-{application.pk}",
        succeeded=True,
        transferred_at=timezone.now() - datetime.timedelta(days=days_ago),
    )
    return application


def _run() -> str:
    out = io.StringIO()
    call_command("expire_withdrawals", stdout=out)
    return out.getvalue()


def test_overdue_transfers_are_returned_and_a_second_run_changes_nothing(program):
    overdue = [_transferred(program, 91), _transferred(program, 200)]
    recent = _transferred(program, 89)
    withdrawn = _transferred(program, 120)
    services.disbursement_withdrawn(
        disbursement=withdrawn.disbursements.get(),
        withdrawn_at=timezone.now() - datetime.timedelta(days=100),
    )

    first = _run()
    changes = StatusChange.objects.count()
    second = _run()

    assert "bpum-2020: 2 permohonan" in first and "Rp4.800.000" in first
    assert "Tidak ada transfer" in second
    assert StatusChange.objects.count() == changes
    assert statuses(*overdue, recent, withdrawn) == [
        Status.RETURNED,
        Status.RETURNED,
        Status.TRANSFERRED,
        Status.WITHDRAWN,
    ]
    record = StatusChange.objects.filter(to_status=Status.RETURNED).first()
    assert record.source == "expire_withdrawals"
    # Kept as a code and put into words in the reader's language, whichever was active when
    # the job ran.
    assert record.note_text == "Tidak dicairkan dalam 90 hari setelah transfer."
    with translation.override("en"):
        assert record.note_text == "Not withdrawn within 90 days of the transfer."
        assert "Not withdrawn within 90 days" in record.describe()


def test_each_program_uses_its_own_window(program):
    short = Program.objects.create(
        code="bpum-2021", name="BPUM 2021", amount=1_200_000, withdrawal_days=30
    )
    in_2021 = _transferred(short, 45)
    in_2020 = _transferred(program, 45)
    _run()
    assert statuses(in_2021, in_2020) == [Status.RETURNED, Status.TRANSFERRED]


def test_the_scheduled_task_does_the_same(program):
    overdue = _transferred(program, 100)
    result = tasks.expire_withdrawals.enqueue()
    assert result.return_value == [{"program": "bpum-2020", "applications": 1, "amount": 2_400_000}]
    assert statuses(overdue) == [Status.RETURNED]
