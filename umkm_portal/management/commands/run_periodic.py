"""Run the periodic jobs of the portal, each at its interval, in one long-lived process.

    python manage.py run_periodic            # the loop (./run starts it beside db_worker)
    python manage.py run_periodic --once     # every job once, then exit (cron, tests)
    python manage.py run_periodic --once --only send_notifications

Each job is a management command of its app (the table below, by name: the project package
imports no app for it). Safe to run twice, on one machine or several: a job runs under a
lock (a PostgreSQL advisory lock, or a file lock in VAR_DIR on SQLite) and is skipped while
another process holds it; and every one of them is idempotent anyway (a second run right
after the first finds nothing to do). A job that fails is logged with its traceback and tried
again at its next turn; the loop itself never stops on a job's error (a locked SQLite
database included). The same table, as cron lines and systemd timers: docs/deployment.md.
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import logging
import signal
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections, connection

from umkm_portal.private_files import private_dir

logger = logging.getLogger("umkm_portal.periodic")


@dataclass(frozen=True)
class Job:
    command: str
    every_seconds: int
    args: tuple[str, ...] = ()
    why: str = ""


JOBS = (
    Job(
        "send_notifications",
        5 * 60,
        why="day-before activity reminders, withdrawal-deadline reminders, outbox delivery "
        "and its retries",
    ),
    Job("expire_withdrawals", 60 * 60, why="transfers past their program's withdrawal window"),
    Job("refresh_summary", 15 * 60, why="the dashboard summary"),
    Job("recover_imports", 5 * 60, why="lists left in processing by a worker that is gone"),
    Job(
        "purge_uploads", 24 * 60 * 60, why="kept files and refused-proposal records past retention"
    ),
)


class Command(BaseCommand):
    help = "Run the periodic jobs (reminders, outbox, withdrawal deadlines, summary, purges)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run every job once and exit")
        parser.add_argument(
            "--only",
            action="append",
            choices=[job.command for job in JOBS],
            help="run only this job (may be repeated)",
        )

    def handle(self, *args, once: bool, only: list[str] | None, **options):
        jobs = [job for job in JOBS if not only or job.command in only]
        if once:
            failed = [job.command for job in jobs if not self._run(job)]
            if failed:
                raise CommandError(f"failed: {', '.join(failed)}")
            return
        stopping = []
        signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
        next_at = {job.command: 0.0 for job in jobs}  # everything once at start
        self.stdout.write(
            "run_periodic: "
            + ", ".join(f"{job.command} every {job.every_seconds}s" for job in jobs)
        )
        while not stopping:
            for job in jobs:
                if stopping:
                    break
                if time.monotonic() >= next_at[job.command]:
                    self._run(job)
                    next_at[job.command] = time.monotonic() + job.every_seconds
            # Wake up at least every second, so that a stop request is honoured at once.
            time.sleep(max(0.0, min(1.0, min(next_at.values()) - time.monotonic())))

    def _run(self, job: Job) -> bool:
        _fresh_connection()
        out = io.StringIO()
        started = time.monotonic()
        try:
            with _lock(job.command) as held:
                if not held:
                    logger.info("%s: skipped, another process is running it", job.command)
                    return True
                call_command(job.command, *job.args, stdout=out, stderr=out)
        except Exception:
            logger.exception("%s failed; next try in %d s", job.command, job.every_seconds)
            return False
        finally:
            _fresh_connection()
        summary = " ".join(out.getvalue().split())[:300]
        logger.info("%s done in %.1f s: %s", job.command, time.monotonic() - started, summary)
        return True


def _fresh_connection() -> None:
    """Drop a broken or expired connection between jobs, as Django does between requests (a
    database restart then costs one job's turn, not the loop); never inside a transaction
    (a caller's, e.g. a test's)."""
    if not connection.in_atomic_block:
        close_old_connections()


@contextlib.contextmanager
def _lock(name: str) -> Iterator[bool]:
    """Hold the lock of job ``name`` if nobody else does; yields whether it is held."""
    if connection.vendor == "postgresql":
        key = zlib.crc32(f"umkm_portal.periodic.{name}".encode())
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
            held = cursor.fetchone()[0]
        try:
            yield held
        finally:
            if held:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
        return
    # SQLite lives on one machine: a lock file next to it, in the private var/ folder.
    path = private_dir(settings.VAR_DIR / "locks") / f"{name}.lock"
    with open(path, "a") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)
