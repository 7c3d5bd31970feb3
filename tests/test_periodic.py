"""run_periodic: the periodic jobs run without anyone typing their commands, each under a lock
so that two schedulers never run the same job at once, and a failing job stops nothing."""

import contextlib
import datetime
import fcntl
import logging
import zlib

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.utils import timezone

from aid import services
from aid.models import Status
from dashboard.models import SummaryRefresh
from tests.aid.conftest import in_status, statuses
from umkm_portal.management.commands import run_periodic

pytestmark = pytest.mark.django_db


def _overdue_transfer(program):
    application = in_status(program, Status.APPROVED)
    services.disbursement_record(
        application=application,
        bank_reference=f"R-{application.pk}",
        succeeded=True,
        transferred_at=timezone.now() - datetime.timedelta(days=120),
    )
    return application


def test_one_pass_runs_every_periodic_job(program):
    overdue = _overdue_transfer(program)

    call_command("run_periodic", "--once")

    assert statuses(overdue) == [Status.RETURNED]  # the withdrawal deadline
    assert SummaryRefresh.objects.exists()  # the dashboard summary


@contextlib.contextmanager
def _held_elsewhere(job: str, settings):
    """The lock of ``job`` held by another scheduler (another connection, or process)."""
    if connection.vendor == "postgresql":
        other = connections.create_connection("default")
        key = zlib.crc32(f"umkm_portal.periodic.{job}".encode())
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [key])
        try:
            yield
        finally:
            # Unlock before closing: a closed client's backend releases its locks a moment
            # later, and the next run must find the lock free.
            with other.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
            other.close()
        return
    folder = settings.VAR_DIR / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / f"{job}.lock", "a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        yield


def test_a_job_another_scheduler_is_running_is_skipped(program, settings, caplog):
    overdue = _overdue_transfer(program)

    with caplog.at_level(logging.INFO), _held_elsewhere("expire_withdrawals", settings):
        call_command("run_periodic", "--once", "--only", "expire_withdrawals")

    assert "expire_withdrawals: skipped, another process is running it" in caplog.text
    assert statuses(overdue) == [Status.TRANSFERRED]
    call_command("run_periodic", "--once", "--only", "expire_withdrawals")
    assert statuses(overdue) == [Status.RETURNED]


def test_a_failing_job_is_reported_and_the_others_still_run(program, monkeypatch, caplog):
    overdue = _overdue_transfer(program)
    broken = run_periodic.Job("no_such_command", 60)
    monkeypatch.setattr(run_periodic, "JOBS", (broken, *run_periodic.JOBS))

    with pytest.raises(CommandError, match="failed: no_such_command"):
        call_command("run_periodic", "--once")

    assert "no_such_command failed; next try in 60 s" in caplog.text
    assert statuses(overdue) == [Status.RETURNED]
