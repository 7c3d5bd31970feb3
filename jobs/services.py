"""Starting, running, ending, retrying and requeueing background jobs (the only writers of
:class:`jobs.models.Job`).

A request calls :func:`start` and redirects to the job's page; ``jobs.tasks.run_job`` (run by
``manage.py db_worker``, at once in tests) calls :func:`run`, which claims the job, runs its
kind's function with a :class:`Progress` and ends the job ``done`` or ``failed``. Progress is
written in its own short statement, at most about once a second, and doubles as the
heartbeat; a job whose heartbeat is older than ``JOBS_STALE_AFTER`` seconds has lost its
worker and may be queued again (:func:`requeue`, :func:`recover`).
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jobs import kinds
from jobs.models import MACHINE, Job
from umkm_portal.states import TransitionRefused

logger = logging.getLogger(__name__)
State = Job.State


class JobFailed(Exception):
    """A job that cannot be done, with the reason for staff (Indonesian)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class JobAbandoned(Exception):
    """The job left this worker's hands (cancelled, or requeued after it was taken for dead)."""


def stale_after() -> timedelta:
    return timedelta(seconds=getattr(settings, "JOBS_STALE_AFTER", 300))


def is_stale(job: Job, *, now=None) -> bool:
    """Whether a queued or running job has lost its worker: running with no heartbeat for
    ``JOBS_STALE_AFTER`` seconds, or queued and not claimed for as long."""
    now = now or timezone.now()
    if job.state == State.RUNNING:
        since = job.heartbeat_at or job.started_at or job.created_at
    elif job.state == State.QUEUED:
        since = job.heartbeat_at or job.created_at  # queued again: since then
    else:
        return False
    return since is not None and now - since > stale_after()


# --- starting -------------------------------------------------------------------------------


def start(
    *,
    kind: str,
    key: str,
    params: dict | None = None,
    by=None,
    total: int = 0,
    subject: str = "",
):
    """Queue a job of ``kind`` for ``key``; returns (job, created). ``subject`` names what
    it works on for staff (the job's title on its page and in the job list).

    When a job for the same key is already queued or running, that job is returned with
    ``created`` False and nothing new is queued: a second click finds the first job.
    """
    if kinds.get(kind) is None:
        raise ValueError(f"Unknown job kind {kind}")
    existing = Job.objects.filter(key=key, state__in=Job.LIVE).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            job = Job.objects.create(
                kind=kind,
                key=key,
                params=params or {},
                started_by=by,
                total=total,
                subject=subject[: Job._meta.get_field("subject").max_length],
            )
    except IntegrityError:
        # Another request queued the same key a moment ago (the partial unique constraint).
        existing = Job.objects.filter(key=key, state__in=Job.LIVE).first()
        if existing is None:
            raise
        return existing, False
    _enqueue(job)
    return job, True


def _enqueue(job: Job) -> None:
    from jobs.tasks import run_job

    run_job.enqueue(job_id=job.pk)
    job.refresh_from_db()  # the immediate backend (tests) has already run it


def retry(*, job: Job, by) -> Job:
    """A new attempt of a failed or cancelled job (same kind, target and parameters)."""
    _check_permission(job, by)
    if job.state not in (State.FAILED, State.CANCELLED):
        raise ValidationError(_("Hanya pekerjaan yang gagal atau dibatalkan yang dapat diulang."))
    new, created = start(kind=job.kind, key=job.key, params=job.params, by=by, subject=job.subject)
    if created:
        Job.objects.filter(pk=new.pk).update(retry_of=job, attempt=job.attempt + 1)
        new.refresh_from_db()
    return new


def requeue(*, job: Job, by=None, orphaned: bool = False) -> Job:
    """Queue again a job whose worker is gone (see :func:`is_stale`); ``orphaned`` when the
    caller knows no worker runs. Refuses (ValidationError) a job that is still alive."""
    if by is not None:
        _check_permission(job, by)
    job.refresh_from_db()
    if not job.is_live:
        raise ValidationError(_("Pekerjaan ini sudah berakhir; gunakan Coba lagi."))
    if not (orphaned or is_stale(job)):
        raise ValidationError(
            _("Pekerjaan ini masih berjalan dan terus maju; tunggu hingga selesai.")
        )
    if job.state == State.RUNNING:
        try:
            job = MACHINE.move(job, State.QUEUED, attempt=job.attempt + 1, by=by)
        except TransitionRefused as exc:
            raise ValidationError(exc.message) from exc
    else:
        Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now())
    logger.warning("Job %s (%s) queued again by %s", job.pk, job.kind, by)
    _enqueue(job)
    return job


def recover(*, all_live: bool = False) -> list[int]:
    """Queue again every job whose worker is gone; with ``all_live`` every queued or running
    job (only when no worker can be running, e.g. at the worker's start)."""
    recovered = []
    for job in Job.objects.filter(state__in=Job.LIVE):
        if all_live or is_stale(job):
            try:
                requeue(job=job, orphaned=True)
            except ValidationError:
                continue
            recovered.append(job.pk)
    return recovered


def cancel(*, job: Job, by) -> Job:
    """Cancel a queued job, a running one of a cancellable kind, or a stale one."""
    _check_permission(job, by)
    job.refresh_from_db()
    kind = kinds.get(job.kind)
    allowed = job.state == State.QUEUED or (
        job.state == State.RUNNING and ((kind and kind.cancellable) or is_stale(job))
    )
    if not allowed:
        raise ValidationError(_("Pekerjaan ini tidak dapat dibatalkan sekarang."))
    try:
        return MACHINE.move(
            job, State.CANCELLED, by=by, message=_("Dibatalkan oleh %(user)s.") % {"user": by}
        )
    except TransitionRefused as exc:
        raise ValidationError(exc.message) from exc


def _check_permission(job: Job, by) -> None:
    if by is None or by.is_superuser or job.started_by_id == by.pk:
        return
    kind = kinds.get(job.kind)
    if kind and kind.permission and by.has_perm(kind.permission):
        return
    raise PermissionDenied


# --- running --------------------------------------------------------------------------------


class Progress:
    """What a job function reports while it runs: phase, done of total, a sentence.

    Writes go to the job row in their own statement (never inside the caller's
    transaction when there is none) and at most once per ``interval`` seconds, except a new
    phase, which is written at once. Each write is also the heartbeat; when the row no longer
    belongs to this run (cancelled, requeued), :class:`JobAbandoned` is raised so the
    function stops.
    """

    def __init__(self, job: Job, token: str, *, interval: float = 1.0):
        self.job = job
        self.token = token
        self.interval = interval
        self._last = 0.0
        self.message = ""

    def phase(self, name: str, *, total: int | None = None, done: int = 0) -> None:
        self.job.phase = name
        self.job.done = done
        if total is not None:
            self.job.total = total
        self._write(force=True)

    def update(self, done: int, total: int | None = None, *, message: str | None = None):
        self.job.done = done
        if total is not None:
            self.job.total = total
        if message is not None:
            self.job.message = message
        self._write()

    def advance(self, n: int = 1) -> None:
        self.update(self.job.done + n)

    def _write(self, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last < self.interval:
            return
        self._last = now
        updated = Job.objects.filter(
            pk=self.job.pk, state=State.RUNNING, run_token=self.token
        ).update(
            phase=self.job.phase,
            done=self.job.done,
            total=self.job.total,
            message=self.job.message,
            heartbeat_at=timezone.now(),
        )
        if not updated:
            raise JobAbandoned


class _Heartbeat(threading.Thread):
    """Writes the job's heartbeat every few seconds from its own connection while the job
    function works in a long statement or transaction of its own."""

    def __init__(self, job_id: int, token: str, every: float):
        super().__init__(daemon=True, name=f"job-{job_id}-heartbeat")
        self.job_id, self.token, self.every = job_id, token, every
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(self.every):
                try:
                    Job.objects.filter(
                        pk=self.job_id, state=State.RUNNING, run_token=self.token
                    ).update(heartbeat_at=timezone.now())
                except Exception:  # a locked database: the next beat tries again
                    logger.debug("Heartbeat of job %s not written", self.job_id, exc_info=True)
        finally:
            connection.close()


def run(job_id: int) -> Job | None:
    """Claim job ``job_id`` and run it to its end (the body of ``jobs.tasks.run_job``).

    A job that is not queued (another worker has it, it was cancelled) is left alone. The
    kind's function runs outside any transaction of this worker; it ends ``done`` with its
    result, or ``failed`` with an Indonesian reason (its own, or "kesalahan sistem").
    """
    job = Job.objects.filter(pk=job_id).first()
    if job is None:
        return None
    token = uuid.uuid4().hex
    if not MACHINE.claim(
        job,
        State.RUNNING,
        run_token=token,
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
        error="",
    ):
        return None
    kind = kinds.get(job.kind)
    progress = Progress(job, token, interval=getattr(settings, "JOBS_PROGRESS_INTERVAL", 1.0))
    # A job run inside the caller's transaction (the immediate backend of the tests, a
    # command) is invisible to any other connection: no heartbeat thread then.
    beat = None
    every = getattr(settings, "JOBS_HEARTBEAT_SECONDS", 10)
    if every and not connection.in_atomic_block:
        beat = _Heartbeat(job.pk, token, every)
        beat.start()
    try:
        if kind is None:
            raise JobFailed(_("Jenis pekerjaan %(kind)s tidak dikenal.") % {"kind": job.kind})
        result = kind.run(job, progress) or {}
    except JobAbandoned:
        logger.warning("Job %s left this worker while running", job.pk)
        return job
    except (JobFailed, ValidationError) as exc:
        message = exc.message if isinstance(exc, JobFailed) else " ".join(exc.messages)
        return _end(job, token, State.FAILED, error=message)
    except Exception as exc:
        logger.exception("Job %s (%s) failed", job.pk, job.kind)
        if getattr(connection, "needs_rollback", False) and connection.in_atomic_block:
            raise  # the caller's transaction is broken; let it fail as a whole
        return _end(
            job,
            token,
            State.FAILED,
            error=_(
                "Pekerjaan gagal karena kesalahan sistem (%(error)s). Coba lagi, atau "
                "hubungi admin portal bila terulang."
            )
            % {"error": exc.__class__.__name__},
        )
    finally:
        if beat is not None:
            beat.stopped.set()
            beat.join(timeout=5)
    return _end(
        job,
        token,
        State.DONE,
        result=result,
        message=progress.message or job.message,
        # The last numbers reported: an update within the interval was not written yet.
        done=max(job.done, job.total),
        total=job.total,
    )


def _end(job: Job, token: str, to_state: str, **values) -> Job:
    try:
        return MACHINE.move(job, to_state, token=token, **values)
    except TransitionRefused:
        logger.warning("Job %s was moved by someone else before it ended", job.pk)
        job.refresh_from_db()
        return job
