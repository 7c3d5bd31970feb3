"""The client's address, decided in one place for every part of the portal that needs it.

Status-check rate limits (``umkm_portal.ratelimits``), the lookup log (``public.services``), login
lockouts (django-axes, ``AXES_CLIENT_IP_CALLABLE``), any django-ratelimit ``key="ip"``
(``RATELIMIT_IP_META_KEY``) and gunicorn's access log (``umkm_portal.gunicorn_logging``) all
call :func:`client_address`, so they can never disagree about who a request came from.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping

from django.conf import settings


def client_address(meta: Mapping[str, str]) -> str:
    """The client's address from a WSGI environ (``request.META`` is one).

    ``REMOTE_ADDR``, or with ``TRUSTED_PROXY_IP_HEADER`` set, that header as our proxy set it.
    For ``X-Forwarded-For`` the right-most address is used: our proxy appended it; addresses to
    its left were sent by the client and can be anything. A missing or malformed header falls
    back to ``REMOTE_ADDR``. An IPv4 client seen through a dual-stack socket
    (``::ffff:a.b.c.d``) is returned as ``a.b.c.d``, so it is counted as itself and not in one
    IPv6 /64 with every other IPv4 client. Returns "" when no address is known.
    """
    header = settings.TRUSTED_PROXY_IP_HEADER
    if header:
        value = meta.get("HTTP_" + header.upper().replace("-", "_"), "").split(",")[-1]
        address = _parsed(value)
        if address:
            return address
    return _parsed(meta.get("REMOTE_ADDR", "")) or ""


def client_ip(request) -> str:
    """:func:`client_address` of a Django request (the form axes and ratelimit call)."""
    return client_address(request.META)


def _parsed(value: str) -> str | None:
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    if address.version == 6 and address.ipv4_mapped:
        address = address.ipv4_mapped
    return str(address)
