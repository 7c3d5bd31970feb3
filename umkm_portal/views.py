"""Project-level views: the health check, the staff login's guards and their pages."""

import logging

from django.conf import settings
from django.contrib import admin
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from umkm_portal import login_throttle, roles

logger = logging.getLogger(__name__)


@never_cache
def healthz(request):
    """The node's health for a load balancer and monitoring.

    503 when the database does not answer: the node can serve nothing. 200 otherwise, with
    ``"status": "degraded"`` and ``"cache": "unavailable"`` when the cache (Redis) does not
    answer: staff pages still work on database sessions and only the status check refuses,
    and since every node shares the one Redis, a 503 would take all of them out at once.
    No session, no template, one ``SELECT 1`` and one cache write and read.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        logger.error("health check: database unavailable", extra={"error": str(exc)})
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    if not _cache_answers():
        logger.error("health check: cache unavailable")
        return JsonResponse({"status": "degraded", "database": "ok", "cache": "unavailable"})
    return JsonResponse({"status": "ok", "database": "ok", "cache": "ok"})


def _cache_answers() -> bool:
    # django-redis ignores connection errors (settings.REDIS_CACHE_OPTIONS): a cache that is
    # down reads back nothing rather than raising.
    try:
        cache.set("healthz", 1, timeout=10)
        return cache.get("healthz") == 1
    except Exception:
        logger.exception("health check: cache error")
        return False


def login_locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out login: an Indonesian page, HTTP 429."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "registration/locked_out.html",
        {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes},
        status=429,
    )


def throttled_login(request, login_view):
    """``login_view`` behind the per-username ceiling (:mod:`umkm_portal.login_throttle`).

    A refused attempt answers HTTP 429 before the password is checked; a POST that does not
    end logged in counts against the username (axes counts it per address as well).
    """
    username = request.POST.get("username", "") if request.method == "POST" else ""
    if username:
        minutes = login_throttle.minutes_refused(request, username)
        if minutes:
            return render(
                request, "registration/login_throttled.html", {"minutes": minutes}, status=429
            )
    response = login_view(request)
    if username and not request.user.is_authenticated:
        login_throttle.login_failed(request, username)
    return response


@never_cache
def admin_login(request):
    """The admin's login, behind the per-username ceiling."""
    return throttled_login(request, admin.site.login)


def not_your_task(
    request, *, permission: str, task: str, why: str = "", admin_context: dict | None = None
):
    """A staff page whose work belongs to another role: 403, naming the task and the roles
    that do it (from :mod:`umkm_portal.roles`), instead of a bare "access denied"."""
    held_by = roles.roles_with(permission)
    mine = (
        [group.name for group in request.user.groups.all()] if request.user.is_authenticated else []
    )
    return render(
        request,
        "admin/not_your_task.html",
        {
            **(admin_context or {}),
            "title": task,
            "task": task,
            "held_by": held_by,
            "mine": mine,
            "why": why,
        },
        status=403,
    )
