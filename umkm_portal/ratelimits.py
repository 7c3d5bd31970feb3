"""Rate limits of the public forms (status check, pengaduan, activity registration), counted in
the shared cache by django-ratelimit.

Two budgets: every POST counts against the client's address (per minute and per day; an
IPv6 client per /64, and its /48 as a whole against a larger budget), and
every *failed* check (unknown NIK or wrong phone digits, which look the same) counts against
the NIK. Counting unknown NIKs too matters: if only existing NIKs were blocked after five
failures, the block itself would tell an attacker that a NIK is registered.

When the cache holding the counters does not answer (Redis down), the limits fail closed:
:class:`CountersUnavailable` is raised and the page says the service is disturbed. Nothing
else stands between the page and guessing NIKs and phone digits, and a status check can wait;
staff pages do not depend on these counters and keep working.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django_ratelimit.core import get_usage

from umkm_portal.client_address import client_ip

IP_GROUP = "public.status_check.ip"
NIK_GROUP = "public.status_check.nik"


class CountersUnavailable(Exception):
    """The cache holding the counters did not answer; the check must not go ahead."""


def read_usage(request, **kwargs) -> dict | None:
    """django-ratelimit's usage of one counter (``get_usage``), or CountersUnavailable."""
    usage = get_usage(request, **kwargs)
    # django-ratelimit's answer when it could neither read nor write the counter.
    if usage and usage["limit"] == 0 and usage["time_left"] == -1:
        raise CountersUnavailable
    return usage


def client_key(group, request) -> str:
    """The counter key of the client: its address, or its /64 for IPv6."""
    # One IPv6 client usually holds a whole /64; counting per address would let it rotate.
    address = ipaddress.ip_address(client_ip(request) or "0.0.0.0")
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def site_key(group, request) -> str:
    """The counter key of an IPv6 client's site, its /48 ("" for IPv4)."""
    address = ipaddress.ip_address(client_ip(request) or "0.0.0.0")
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/48", strict=False))
    return ""


def site_rates(rates) -> list[str]:
    """The budgets of one IPv6 /48: each of ``rates`` times ``IPV6_SITE_BUDGET_FACTOR``.

    A /48 holds 65,536 /64s, so a client given one can rotate through fresh per-/64
    budgets; the /48 as a whole gets a larger, but finite, budget of its own."""
    factor = settings.IPV6_SITE_BUDGET_FACTOR
    scaled = []
    for rate in rates:
        count, _slash, period = rate.partition("/")
        scaled.append(f"{int(count) * factor}/{period}")
    return scaled


def address_over_limit(request, *, group: str, rates) -> bool:
    """Count this request against the client's address (IPv6: its /64) under each of
    ``rates``, and for IPv6 also against its /48 (:func:`site_rates`); True when any budget
    is spent. Raises CountersUnavailable when the cache does not answer."""
    limited = False
    for rate in rates:
        usage = read_usage(request, group=group, key=client_key, rate=rate, increment=True)
        limited = limited or bool(usage and usage["should_limit"])
    if site_key(group, request):
        for rate in site_rates(rates):
            usage = read_usage(
                request, group=f"{group}.48", key=site_key, rate=rate, increment=True
            )
            limited = limited or bool(usage and usage["should_limit"])
    return limited


class Counters:
    """The two budgets of a public form that asks for a NIK and phone digits: every POST
    against the client's address, every refused attempt against the NIK. The status check
    and the activity registration each count in their own groups, with the same rules."""

    def __init__(self, *, ip_group: str, nik_group: str):
        self.ip_group, self.nik_group = ip_group, nik_group

    def ip_over_limit(self, request) -> bool:
        """Count this request against the client's address; True when any budget is spent."""
        if not settings.STATUS_RATE_LIMITS_ENABLED:
            return False
        return address_over_limit(request, group=self.ip_group, rates=settings.STATUS_RATES_PER_IP)

    def _nik_usage(self, request, nik_hash: str, *, increment: bool):
        return read_usage(
            request,
            group=self.nik_group,
            key=lambda group, request: nik_hash,
            rate=settings.STATUS_RATE_PER_NIK,
            increment=increment,
        )

    def nik_blocked(self, request, nik_hash: str) -> bool:
        """True when this NIK has used up its refused attempts for the current window."""
        if not settings.STATUS_RATE_LIMITS_ENABLED:
            return False
        usage = self._nik_usage(request, nik_hash, increment=False)
        return bool(usage) and usage["count"] >= usage["limit"]

    def nik_failed(self, request, nik_hash: str) -> None:
        """Count one refused attempt (unknown NIK or wrong phone digits) against the NIK."""
        if settings.STATUS_RATE_LIMITS_ENABLED:
            self._nik_usage(request, nik_hash, increment=True)


STATUS_CHECK = Counters(ip_group=IP_GROUP, nik_group=NIK_GROUP)
ip_over_limit = STATUS_CHECK.ip_over_limit
nik_blocked = STATUS_CHECK.nik_blocked
nik_failed = STATUS_CHECK.nik_failed
