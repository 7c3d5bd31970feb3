"""Writes of the public status page: the lookup log."""

from __future__ import annotations

from django.conf import settings
from django.utils.crypto import salted_hmac

from public.models import StatusLookup


def nik_digest(nik: str) -> str:
    """A keyed hash (HMAC-SHA256) that stands in for a NIK in logs and rate-limit keys.

    Keyed, because NIKs are structured (region, birth date, serial) and few enough that a
    plain hash could be reversed by trying them all.
    """
    return salted_hmac(
        "public.status_lookup.nik",
        nik,
        secret=settings.STATUS_LOOKUP_HASH_KEY or None,
        algorithm="sha256",
    ).hexdigest()


def status_lookup_record(*, nik_hash: str, client_ip: str | None, outcome: str) -> None:
    """Record one status check: a single INSERT, in autocommit, so it adds one round trip."""
    StatusLookup.objects.create(nik_hash=nik_hash, client_ip=client_ip or None, outcome=outcome)
