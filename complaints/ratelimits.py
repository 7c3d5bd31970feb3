"""Rate limits of sending pengaduan: per client address and per owner, in the shared cache.
Like the status check, they fail closed when the counters cannot be read."""

from django.conf import settings

from umkm_portal.ratelimits import address_over_limit, read_usage


def _spent(request, **kwargs) -> bool:
    usage = read_usage(request, increment=True, **kwargs)
    return bool(usage and usage["should_limit"])


def over_limit(request, nik_hash: str) -> bool:
    if not settings.STATUS_RATE_LIMITS_ENABLED:
        return False
    spent = address_over_limit(
        request, group="complaints.ip", rates=settings.COMPLAINT_RATES_PER_IP
    )
    return (
        _spent(
            request,
            group="complaints.owner",
            key=lambda group, request: nik_hash,
            rate=settings.COMPLAINT_RATE_PER_OWNER,
        )
        or spent
    )
