"""Writes of the public status page: the lookup log (and the lookup it records)."""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.crypto import salted_hmac

from aid.selectors import OwnerStatus, owner_status, status_lookup, status_lookup_statement
from public.models import StatusLookup
from registry.models import Owner
from umkm_portal.postgresql.prepared import execute_prepared

Outcome = StatusLookup.Outcome


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
        execute_prepared(cursor, "status_lookup_record", _async_insert_sql(), values)


def status_check(
    *, nik: str, phone_last4: str, nik_hash: str, client_ip: str | None
) -> OwnerStatus | None:
    """Look up ``nik`` (:func:`aid.selectors.status_lookup`) and log the check as found or
    not found, in one statement and one round trip on PostgreSQL.

    The INSERT rides along in a data-modifying CTE of the lookup, with the same asynchronous
    commit as :func:`status_lookup_record`; its outcome is decided in SQL by the same rule as
    the page (an owner with this NIK whose phone ends in these digits). It is part of the
    statement, not deferred: when the statement fails, the check fails with it, and a
    returned answer has always been logged. Prepared once per connection. Elsewhere
    (SQLite), the lookup and then the INSERT.
    """
    if connection.vendor != "postgresql":
        result = status_lookup(nik=nik, phone_last4=phone_last4)
        outcome = Outcome.FOUND if result is not None else Outcome.NOT_FOUND
        status_lookup_record(nik_hash=nik_hash, client_ip=client_ip, outcome=outcome)
        return result
    lookup_sql, lookup_params, columns = status_lookup_statement(nik)
    params = (
        timezone.now(),
        nik_hash,
        client_ip or None,
        nik,
        phone_last4,
        Outcome.FOUND.value,
        Outcome.NOT_FOUND.value,
        *lookup_params,
    )
    with connection.cursor() as cursor:
        execute_prepared(cursor, "status_check", _logged_lookup_sql(lookup_sql), params)
        rows = cursor.fetchall()
    return owner_status(rows, columns, phone_last4)


_COLUMNS = ("at", "nik_hash", "client_ip", "outcome")


def _quoted_columns() -> tuple[str, str]:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(StatusLookup._meta.get_field(name).column) for name in _COLUMNS)
    return quote(StatusLookup._meta.db_table), columns


_ASYNC_COMMIT = "async_commit AS (SELECT set_config('synchronous_commit', 'off', true))"


@cache
def _async_insert_sql() -> str:
    table, columns = _quoted_columns()
    return (
        f"WITH {_ASYNC_COMMIT} "
        f"INSERT INTO {table} ({columns}) "
        "SELECT %s, %s, %s, %s FROM async_commit"
    )


@cache
def _logged_lookup_sql(lookup_sql: str) -> str:
    table, columns = _quoted_columns()
    quote = connection.ops.quote_name
    owner = Owner._meta
    return (
        f"WITH {_ASYNC_COMMIT}, "
        f"logged AS (INSERT INTO {table} ({columns}) "
        "SELECT %s, %s, %s, CASE WHEN EXISTS ("
        f"SELECT 1 FROM {quote(owner.db_table)} "
        f"WHERE {quote(owner.get_field('nik').column)} = %s "
        f"AND RIGHT({quote(owner.get_field('phone').column)}, 4) = %s"
        ") THEN %s ELSE %s END FROM async_commit) "
        f"{lookup_sql}"
    )
