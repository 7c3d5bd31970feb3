"""A ceiling on failed staff logins per username, from whatever addresses they come.

django-axes locks a username *from one address* after 5 failures (``AXES_*`` settings), so
an office behind one NAT address is never locked out by somebody else, but someone guessing
from many addresses is not slowed by it. This ceiling counts a username's failures from every
address (``LOGIN_FAILURES_PER_USERNAME``, higher than axes' limit) in the shared cache; once
reached, that username's logins are refused with a "coba lagi dalam N menit" page until the
window ends. Nothing is locked for good and no address is blocked as a whole.

When the cache does not answer (Redis down) the ceiling fails open: staff can still log in,
and axes, which keeps its attempts in the database, still bounds guessing per address.
"""

from __future__ import annotations

import math

from django.conf import settings
from django_ratelimit.core import get_usage

GROUP = "umkm_portal.login.username"


def _usage(request, username: str, *, increment: bool) -> dict | None:
    key = username.strip().casefold()
    return get_usage(
        request,
        group=GROUP,
        key=lambda group, request: key,
        rate=settings.LOGIN_FAILURES_PER_USERNAME,
        increment=increment,
    )


def minutes_refused(request, username: str) -> int:
    """Minutes until ``username`` may try again; 0 when it may now."""
    usage = _usage(request, username, increment=False)
    # time_left -1 is django-ratelimit's "counter unavailable": fail open (module docstring).
    if not usage or usage["time_left"] < 0 or usage["count"] < usage["limit"]:
        return 0
    return max(1, math.ceil(usage["time_left"] / 60))


def login_failed(request, username: str) -> None:
    """Count one failed login against ``username``."""
    _usage(request, username, increment=True)
