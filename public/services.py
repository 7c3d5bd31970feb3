"""Writes of the public status page: the lookup log."""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.db import connection
from django.utils import timezone
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
    """Record one status check: a single INSERT, one round trip to the database.

    On PostgreSQL that INSERT commits asynchronously (``synchronous_commit`` off for its own
    transaction only, set inside the same statement): the request does not wait for the WAL
    flush, which on a busy disk costs more than the lookup itself. A database crash can lose
    the last fraction of a second of log rows, never corrupt them; nothing else is written
    this way.
    """
    values = (timezone.now(), nik_hash, client_ip or None, outcome)
    if connection.vendor != "postgresql":
        StatusLookup.objects.create(**dict(zip(_COLUMNS, values, strict=True)))
        return
    with connection.cursor() as cursor:
        cursor.execute(_async_insert_sql(), values)


_COLUMNS = ("at", "nik_hash", "client_ip", "outcome")


@cache
def _async_insert_sql() -> str:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(StatusLookup._meta.get_field(name).column) for name in _COLUMNS)
    return (
        "WITH async_commit AS (SELECT set_config('synchronous_commit', 'off', true)) "
        f"INSERT INTO {quote(StatusLookup._meta.db_table)} ({columns}) "
        "SELECT %s, %s, %s, %s FROM async_commit"
    )
