"""Project-level views: the health check for load balancers, the login lockout page."""

import logging

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)


@never_cache
def healthz(request):
    """200 ``{"status": "ok"}`` when the database answers, 503 otherwise.

    No session, no template, one ``SELECT 1``: cheap enough to be polled every few seconds.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        logger.error("health check: database unavailable", extra={"error": str(exc)})
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def login_locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out login: an Indonesian page, HTTP 429."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "registration/locked_out.html",
        {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes},
        status=429,
    )
