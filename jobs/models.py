"""One row per background job: what runs, for whom, how far it got and how it ended.

The state moves queued → running → done / failed / cancelled through the one state machine
(:mod:`umkm_portal.states`); a running job whose worker died goes back to queued (requeue).
``key`` names the job's target (``"merge:list:42"``): at most one queued or running job per
key exists, so a second click finds the first job instead of starting another.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from umkm_portal import states


class Job(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("menunggu")
        RUNNING = "running", _("berjalan")
        DONE = "done", _("selesai")
        FAILED = "failed", _("gagal")
        CANCELLED = "cancelled", _("dibatalkan")

    LIVE = (State.QUEUED, State.RUNNING)
    ENDED = (State.DONE, State.FAILED, State.CANCELLED)

    kind = models.CharField(_("jenis"), max_length=64)
    key = models.CharField(_("sasaran"), max_length=200)
    # What the job works on, in words staff recognise (a list's proposer and date, a file's
    # name); a proper name, not a sentence, so it reads the same in every language.
    subject = models.CharField(_("untuk"), max_length=200, blank=True)
    state = models.CharField(
        _("status"), max_length=10, choices=State.choices, default=State.QUEUED
    )
    phase = models.CharField(_("tahap"), max_length=64, blank=True)
    done = models.PositiveBigIntegerField(_("selesai"), default=0)
    total = models.PositiveBigIntegerField(_("jumlah"), default=0)
    message = models.TextField(_("keterangan"), blank=True)
    error = models.TextField(_("galat"), blank=True)
    params = models.JSONField(_("parameter"), default=dict, blank=True)
    result = models.JSONField(_("hasil"), default=dict, blank=True)
    attempt = models.PositiveIntegerField(_("percobaan ke"), default=1)
    retry_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="retries"
    )
    # Set when a worker claims the job; the worker's progress and end are written only while
    # the row still carries its token (a requeued job belongs to the next worker).
    run_token = models.CharField(max_length=32, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dimulai oleh"),
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    started_at = models.DateTimeField(_("mulai"), null=True, blank=True)
    finished_at = models.DateTimeField(_("berakhir"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("tanda hidup terakhir"), null=True, blank=True)

    class Meta:
        verbose_name = _("pekerjaan latar belakang")
        verbose_name_plural = _("pekerjaan latar belakang")
        ordering = ["-created_at", "-pk"]
        get_latest_by = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"],
                condition=Q(state__in=["queued", "running"]),
                name="job_one_live_per_key",
            )
        ]
        indexes = [
            models.Index(fields=["key", "-created_at"], name="job_key_created_idx"),
            models.Index(fields=["state", "heartbeat_at"], name="job_state_heartbeat_idx"),
        ]

    def __str__(self) -> str:
        from jobs.kinds import kind_label

        if self.subject:
            return f"{kind_label(self.kind)}: {self.subject}"
        return f"{kind_label(self.kind)} #{self.pk}"

    @property
    def is_live(self) -> bool:
        return self.state in self.LIVE


def _values(instance, to_state, at, extra) -> dict:
    """The other fields each move sets."""
    values: dict = {}
    if to_state == Job.State.RUNNING:
        values.update(started_at=at, heartbeat_at=at)
    elif to_state in Job.ENDED:
        values["finished_at"] = at
    elif to_state == Job.State.QUEUED:
        # Queued again: the heartbeat says since when it waits for a worker.
        values.update(run_token="", heartbeat_at=at)
    for name in ("result", "message", "error", "done", "total", "phase", "attempt"):
        if name in extra:
            values[name] = extra[name]
    return values


def _guard(locked, to_state, extra) -> None:
    """A worker ends only the run it claimed (its token), not a later attempt."""
    token = extra.get("token")
    if token is not None and locked.run_token != token:
        raise states.TransitionRefused(
            str(_("Pekerjaan ini sudah diambil alih oleh percobaan lain.")), object_id=locked.pk
        )


def _after(ids, from_states, to_state, extra) -> None:
    if to_state in Job.ENDED:
        from umkm_portal import events

        for job in Job.objects.filter(pk__in=ids):
            events.send_on_commit(events.job_finished, job=job)


MACHINE = states.register(
    states.StateMachine(
        model=Job,
        field="state",
        allowed={
            Job.State.QUEUED: {Job.State.RUNNING, Job.State.CANCELLED},
            Job.State.RUNNING: {
                Job.State.DONE,
                Job.State.FAILED,
                Job.State.CANCELLED,
                Job.State.QUEUED,
            },
            # Ended: a retry of a failed job is a new job of the same key (jobs.services.retry).
            Job.State.DONE: set(),
            Job.State.FAILED: set(),
            Job.State.CANCELLED: set(),
        },
        guard=_guard,
        values=_values,
        after=_after,
    )
)
