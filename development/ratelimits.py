"""Rate limits of the public activity registration, counted like the status check's
(:mod:`public.ratelimits`): every POST against the client's address, every refused attempt
(NIK and phone that do not match) against the NIK, with the same budgets from the settings,
and failing closed when the counters' cache does not answer."""

from __future__ import annotations

from django.conf import settings

from public.ratelimits import CountersUnavailable, _ip_key, _usage

__all__ = ["CountersUnavailable", "ip_over_limit", "nik_blocked", "nik_failed"]

IP_GROUP = "development.registration.ip"
NIK_GROUP = "development.registration.nik"


def ip_over_limit(request) -> bool:
    """Count this request against the client's address; True when any budget is spent."""
    if not settings.STATUS_RATE_LIMITS_ENABLED:
        return False
    limited = False
    for rate in settings.STATUS_RATES_PER_IP:
        usage = _usage(request, group=IP_GROUP, key=_ip_key, rate=rate, increment=True)
        limited = limited or bool(usage and usage["should_limit"])
    return limited


def _nik_usage(request, nik_hash: str, *, increment: bool):
    return _usage(
        request,
        group=NIK_GROUP,
        key=lambda group, request: nik_hash,
        rate=settings.STATUS_RATE_PER_NIK,
        increment=increment,
    )


def nik_blocked(request, nik_hash: str) -> bool:
    """True when this NIK has used up its refused attempts for the current window."""
    if not settings.STATUS_RATE_LIMITS_ENABLED:
        return False
    usage = _nik_usage(request, nik_hash, increment=False)
    return bool(usage) and usage["count"] >= usage["limit"]


def nik_failed(request, nik_hash: str) -> None:
    if settings.STATUS_RATE_LIMITS_ENABLED:
        _nik_usage(request, nik_hash, increment=True)
