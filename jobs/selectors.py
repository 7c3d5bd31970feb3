"""Reads of jobs shared by the progress page, its JSON and the apps that start jobs."""

from __future__ import annotations

from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.text import capfirst

from jobs import kinds
from jobs.models import Job
from jobs.services import is_stale


def latest_for_key(key: str) -> Job | None:
    """The newest job of ``key`` (the live one if there is one)."""
    return Job.objects.filter(key=key).order_by("-created_at", "-pk").first()


def live_for_key(key: str) -> Job | None:
    return Job.objects.filter(key=key, state__in=Job.LIVE).first()


def visible_to(user) -> QuerySet:
    """The jobs ``user`` may see: their own, and every job of a kind whose permission they
    hold (all of them for a superuser). Running, queued and failed ones first."""
    jobs = Job.objects.select_related("started_by")
    if not user.is_superuser:
        allowed = [
            k.name for k in kinds.registered() if k.permission and user.has_perm(k.permission)
        ]
        jobs = jobs.filter(Q(started_by=user) | Q(kind__in=allowed))
    return jobs.annotate(
        state_order=Case(
            When(state=Job.State.RUNNING, then=Value(0)),
            When(state=Job.State.QUEUED, then=Value(1)),
            When(state=Job.State.FAILED, then=Value(2)),
            default=Value(3),
            output_field=IntegerField(),
        )
    ).order_by("state_order", "-created_at", "-pk")


def job_url(job: Job) -> str:
    return reverse("admin:jobs_job_progress", args=[job.pk])


def status(job: Job) -> dict:
    """What the progress page and its JSON show of ``job``."""
    kind = kinds.get(job.kind)
    total = max(job.total, job.done)
    links = []
    if job.state == Job.State.DONE and kind and kind.links:
        try:
            links = [{"label": str(label), "url": url} for label, url in kind.links(job)]
        except (KeyError, NoReverseMatch):  # a job row from an older version of its kind
            links = []
    return {
        "id": job.pk,
        "kind": kinds.kind_label(job.kind),
        "state": job.state,
        "state_label": capfirst(job.get_state_display()),
        "live": job.is_live,
        "phase": job.phase,
        "phase_label": kinds.phase_label(job.kind, job.phase) if job.phase else "",
        "done": job.done,
        "total": total,
        "done_text": number_format(job.done, force_grouping=True),
        "total_text": number_format(total, force_grouping=True),
        "percent": round(100 * job.done / total) if total else None,
        "message": job.message,
        "error": job.error,
        "stale": is_stale(job),
        "links": links,
        "attempt": job.attempt,
        # The facts table's "Mulai dikerjakan": a queued job gets it when a worker takes it.
        "started_at_text": date_format(timezone.localtime(job.started_at), "j F Y H:i:s")
        if job.started_at
        else "",
    }


def needing_attention(user) -> QuerySet:
    """Jobs ``user`` may see that are running or waiting, or that failed with no newer
    attempt of the same work since: what the admin home's panel counts."""
    newer = Job.objects.filter(key=OuterRef("key"), created_at__gt=OuterRef("created_at"))
    return visible_to(user).filter(
        Q(state__in=Job.LIVE) | (Q(state=Job.State.FAILED) & ~Exists(newer))
    )
