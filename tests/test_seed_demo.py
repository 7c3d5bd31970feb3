"""The demo data a newcomer sees after the README's first command."""

import datetime
import re
from io import StringIO

import pytest
from django.core.management import call_command

from aid.demo_rows import status_path
from aid.models import Application, Disbursement, Status, StatusChange
from aid.transitions import PATH, STEP_FIELD

JAKARTA = datetime.timezone(datetime.timedelta(hours=7))
USERS = {"operator", "verifikator", "bendahara", "pimpinan", "admin"}


@pytest.fixture
def seed():
    def run(*args) -> str:
        out = StringIO()
        call_command("seed_demo", *args, stdout=out)
        return out.getvalue()

    return run


def _passwords(text: str) -> dict[str, str]:
    return dict(re.findall(r"^\s+(\w+)\s+(\S{16})\s+\(", text, re.MULTILINE))


@pytest.mark.django_db
def test_seed_demo_spreads_owners_over_every_status_and_is_idempotent(client, seed):
    output = seed("--owners", "150")

    statuses = set(Application.objects.values_list("status", flat=True))
    assert statuses == set(Status.values)
    assert Application.objects.count() == 150
    # Every application's history starts with its proposal.
    assert StatusChange.objects.filter(from_status="").count() == 150
    paid = Disbursement.objects.filter(outcome="success").count()
    assert (
        paid
        == Application.objects.filter(
            status__in=[Status.TRANSFERRED, Status.WITHDRAWN, Status.RETURNED]
        ).count()
    )
    passwords = _passwords(output)
    assert set(passwords) == USERS
    assert client.login(username="verifikator", password=passwords["verifikator"])

    again = seed("--owners", "150")
    assert Application.objects.count() == 150
    assert "0 permohonan demo baru" in again
    assert _passwords(again) == {}, "passwords are printed once, not again"

    reset = _passwords(seed("--owners", "150", "--reset-passwords"))
    assert reset["admin"] != passwords["admin"]


@pytest.mark.django_db
def test_every_demo_application_moves_forward_in_time_inside_bpum_2020(seed):
    seed("--owners", "150")

    opens = datetime.datetime(2020, 8, 17, tzinfo=JAKARTA)
    transfers_open = datetime.datetime(2020, 9, 10, tzinfo=JAKARTA)
    closes = datetime.datetime(2021, 1, 1, tzinfo=JAKARTA)
    applications = Application.objects.prefetch_related("status_changes")
    for application in applications:
        changes = sorted(application.status_changes.all(), key=lambda c: c.pk)
        # The history, in the order it was written, is the path to the status, proposed first.
        assert [c.to_status for c in changes] == list(status_path(application.status))
        assert changes[0].from_status == ""
        times = [c.at for c in changes]
        assert times == sorted(times) and len(set(times)) == len(times), application.pk
        # Each step's timestamp is the time of its record, all inside the program.
        for change in changes:
            assert getattr(application, STEP_FIELD[change.to_status]) == change.at
            assert opens <= change.at < closes, (application.pk, change.to_status, change.at)
        set_steps = [
            getattr(application, STEP_FIELD[s])
            for s in [*PATH[:4], Status.TRANSFER_FAILED, Status.TRANSFERRED, Status.WITHDRAWN]
            if getattr(application, STEP_FIELD[s]) is not None
        ]
        assert set_steps == sorted(set_steps), application.pk
        for paid in (application.transferred_at, application.transfer_failed_at):
            assert paid is None or paid >= transfers_open
        if application.rejected_at or application.returned_at:
            assert (application.rejected_at or application.returned_at) > max(set_steps)
    for disbursement in Disbursement.objects.select_related("application"):
        assert disbursement.transferred_at >= transfers_open
        assert disbursement.transferred_at > disbursement.application.approved_at
