"""A ceiling on failed staff logins per username, from whatever addresses they come.

django-axes locks a username *from one address* after 5 failures (``AXES_*`` settings), so
an office behind one NAT address is never locked out by somebody else, but someone guessing
from many addresses is not slowed by it. This ceiling counts a username's failures from every
address (``LOGIN_FAILURES_PER_USERNAME``, higher than axes' limit) in the shared cache; once
reached, that username's logins are refused with a "coba lagi dalam N menit" page until the
window ends. Nothing is locked for good and no address is blocked as a whole.

When the cache does not answer (Redis down) the ceiling fails open: staff can still log in,
and axes, which keeps its attempts in the database, still bounds guessing per address.

Both count a username by :func:`username_key` (NFKC, then casefold): Django normalises
usernames with NFKC, so a full-width or otherwise compatible spelling of a username names
the same account and must not get a fresh budget (``AXES_USERNAME_CALLABLE`` points here).
"""

from __future__ import annotations

import math
import unicodedata

from django.conf import settings
from django_ratelimit.core import get_usage

GROUP = "umkm_portal.login.username"


def username_key(username: str) -> str:
    """The one spelling of ``username`` every login budget is counted under: Unicode NFKC
    (as Django normalises usernames), casefolded, NFKC again (casefolding can undo it) and
    stripped. ``ＡＤＭＩＮ``, ``Admin`` and ``admin`` share one budget."""
    folded = unicodedata.normalize("NFKC", str(username or "")).casefold()
    return unicodedata.normalize("NFKC", folded).strip()


def axes_username(request, credentials: dict | None = None) -> str:
    """django-axes' username (``AXES_USERNAME_CALLABLE``), normalised by :func:`username_key`."""
    raw = (credentials or {}).get("username")
    if raw is None and request is not None:
        raw = request.POST.get("username", "")
    return username_key(raw or "")


def _usage(request, username: str, *, increment: bool) -> dict | None:
    key = username_key(username)
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
