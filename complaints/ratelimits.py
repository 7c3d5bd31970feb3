"""Rate limits of sending pengaduan: per client address and per owner, in the shared cache.
Like the status check, they fail closed when the counters cannot be read."""

from django.conf import settings

from umkm_portal.ratelimits import client_key, read_usage


def _spent(request, **kwargs) -> bool:
    usage = read_usage(request, increment=True, **kwargs)
    return bool(usage and usage["should_limit"])


def over_limit(request, nik_hash: str) -> bool:
    if not settings.STATUS_RATE_LIMITS_ENABLED:
        return False
    spent = False
    for rate in settings.COMPLAINT_RATES_PER_IP:
        spent = _spent(request, group="complaints.ip", key=client_key, rate=rate) or spent
    return (
        _spent(
            request,
            group="complaints.owner",
            key=lambda group, request: nik_hash,
            rate=settings.COMPLAINT_RATE_PER_OWNER,
        )
        or spent
    )
