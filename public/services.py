"""Writes of the public status page: the lookup log (and the lookup it records), and the
minimised record of refused proposals it answers from."""

from __future__ import annotations

import logging
import re
from functools import cache

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from aid.models import Application, ImportRow, ProposalList, Reason, RegistryConflict
from public.models import RefusedProposal, StatusLookup
from public.selectors import OwnerStatus, RefusedStatus, status_answer, status_statement
from registry.identifiers import phone_match_digits, phone_match_sql
from registry.models import Owner
from umkm_portal.postgresql.prepared import execute_prepared

Outcome = StatusLookup.Outcome
logger = logging.getLogger(__name__)


def nik_digest(nik: str, *, key: str | None = None) -> str:
    """A keyed hash (HMAC-SHA256) that stands in for a NIK in logs and rate-limit keys.

    Keyed, because NIKs are structured (region, birth date, serial) and few enough that a
    plain hash could be reversed by trying them all. The key is ``STATUS_LOOKUP_HASH_KEY``
    (its own, so a rotation of ``SECRET_KEY`` changes no digest; SECRET_KEY only where it is
    unset, which ``check --deploy`` refuses), or ``key`` (public/key_rotation.py).
    """
    return salted_hmac(
        "public.status_lookup.nik",
        nik,
        secret=key or settings.STATUS_LOOKUP_HASH_KEY or None,
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
    if connection.vendor == "sqlite":
        _record_sqlite(values)
        return
    if connection.vendor != "postgresql":
        StatusLookup.objects.create(**dict(zip(_COLUMNS, values, strict=True)))
        return
    with connection.cursor() as cursor:
        execute_prepared(cursor, "status_lookup_record", _async_insert_sql(), values)


# On SQLite a background job (a list being merged, a report applied) may hold the one write
# lock; the log entry waits at most this long for it, then is skipped (and counted), so that
# a check never turns into an error or a long wait.
LOOKUP_LOG_WAIT_MS = 300
SKIPPED_KEY = "public:status_lookup_skipped"


def _record_sqlite(values: tuple) -> None:
    """The lookup-log INSERT on SQLite, waiting at most ``LOOKUP_LOG_WAIT_MS`` for the write
    lock; when the database stays locked the entry is skipped, counted in the cache
    (``SKIPPED_KEY``) and logged, and the check answers as usual."""
    from django.core.cache import cache

    usual = int(connection.settings_dict["OPTIONS"].get("timeout", 5) * 1000)
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA busy_timeout = {LOOKUP_LOG_WAIT_MS}")
        try:
            with transaction.atomic():
                StatusLookup.objects.create(**dict(zip(_COLUMNS, values, strict=True)))
        except OperationalError as exc:
            if "locked" not in str(exc).lower() and "busy" not in str(exc).lower():
                raise
            if not cache.add(SKIPPED_KEY, 1, timeout=None):
                cache.incr(SKIPPED_KEY)
            # Not an error (the check was answered): the message leaves SQLite's wording out.
            logger.warning(
                "Status lookup not logged: a job held the write lock over %d ms",
                LOOKUP_LOG_WAIT_MS,
            )
        finally:
            cursor.execute(f"PRAGMA busy_timeout = {usual}")


def status_check(
    *, nik: str, phone_last4: str, nik_hash: str, client_ip: str | None
) -> OwnerStatus | RefusedStatus | None:
    """Look up ``nik`` (:func:`public.selectors.status_statement`: the owner, or else the
    refused proposals of its hash) and log the check as found or not found, in one
    statement and one round trip on PostgreSQL.

    The INSERT rides along in a data-modifying CTE of the lookup, with the same asynchronous
    commit as :func:`status_lookup_record`; its outcome is decided in SQL by the same rule as
    the page (an owner with this NIK whose phone, or one of whose applications' proposed
    phone, ends in these digits, or, with no such owner, a refused proposal of this NIK
    whose phone did). It is part of the statement,
    not deferred: when the statement fails, the check fails with it, and a returned answer
    has always been logged. Prepared once per connection. Elsewhere (SQLite), the lookup
    and then the INSERT.
    """
    lookup_sql, lookup_params, columns = status_statement(nik, nik_hash)
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(lookup_sql, lookup_params)
            rows = cursor.fetchall()
        result = status_answer(rows, columns, phone_last4)
        outcome = Outcome.FOUND if result is not None else Outcome.NOT_FOUND
        status_lookup_record(nik_hash=nik_hash, client_ip=client_ip, outcome=outcome)
        return result
    params = (
        timezone.now(),
        nik_hash,
        client_ip or None,
        nik,
        phone_last4,
        nik,
        phone_last4,
        nik,
        nik_hash,
        phone_last4,
        Outcome.FOUND.value,
        Outcome.NOT_FOUND.value,
        *lookup_params,
    )
    with connection.cursor() as cursor:
        execute_prepared(cursor, "status_check", _logged_lookup_sql(lookup_sql), params)
        rows = cursor.fetchall()
    return status_answer(rows, columns, phone_last4)


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
    application = Application._meta
    conflict = RegistryConflict._meta
    refused = RefusedProposal._meta
    owners = quote(owner.db_table)
    owner_nik = quote(owner.get_field("nik").column)
    return (
        f"WITH {_ASYNC_COMMIT}, "
        f"logged AS (INSERT INTO {table} ({columns}) "
        "SELECT %s, %s, %s, CASE WHEN EXISTS ("
        f"SELECT 1 FROM {owners} "
        f"WHERE {owner_nik} = %s "
        f"AND {phone_match_sql(quote(owner.get_field('phone').column))} = %s"
        f") OR EXISTS (SELECT 1 FROM {owners} po JOIN {quote(application.db_table)} pa "
        f"ON pa.{quote(application.get_field('owner').column)} = po.{quote('id')} "
        f"LEFT JOIN {quote(conflict.db_table)} rc "
        f"ON rc.{quote(conflict.get_field('application').column)} = pa.{quote('id')} "
        f"WHERE po.{owner_nik} = %s "
        f"AND {phone_match_sql('pa.' + quote(application.get_field('proposed_phone').column))}"
        " = %s "
        # A proposed phone judged wrong (the registry's kept) finds nothing, as on the page.
        f"AND NOT (COALESCE(rc.{quote(conflict.get_field('decision').column)}, '') = "
        f"'{RegistryConflict.Decision.KEEP_REGISTRY}' "
        f"AND COALESCE(rc.{quote(conflict.get_field('phone_differs').column)}, FALSE))"
        f") OR (NOT EXISTS (SELECT 1 FROM {owners} WHERE {owner_nik} = %s) AND EXISTS ("
        f"SELECT 1 FROM {quote(refused.db_table)} "
        f"WHERE {quote(refused.get_field('nik_hash').column)} = %s "
        f"AND {quote(refused.get_field('phone_last4').column)} = %s"
        ")) THEN %s ELSE %s END FROM async_commit) "
        f"{lookup_sql}"
    )


# --- Refused proposals -------------------------------------------------------------------------

# Reasons whose row message is about the owner's own row only. The others (duplicates, already
# received) name other rows, lists, proposers or applications: the owner gets the advice alone.
_OWN_ROW_REASONS = frozenset({Reason.INCOMPLETE, Reason.INVALID_FIELD, Reason.INVALID_NIK})
# A sentence with any of these is left out: digits (row numbers, application ids, numbers as
# written), quotes and brackets (values as written), and words addressed to the proposer
# about rows and files.
_UNSAFE_SENTENCE = re.compile(r"[0-9\"'#()“”«»]|\b(baris|daftar|kolom|berkas|permohonan)\b", re.I)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def safe_refusal_message(reason_code: str, message: str) -> str:
    """The part of an import row's ``message`` an owner may read: only for reasons about the
    row itself, only sentences that quote no value and name no other row, list, proposer or
    application. Often empty; the page then gives the reason's advice alone."""
    if reason_code not in _OWN_ROW_REASONS:
        return ""
    sentences = _SENTENCE_END.split(" ".join((message or "").split()))
    kept = [s for s in sentences if s and not _UNSAFE_SENTENCE.search(s)]
    return " ".join(kept)[:500]


_RECORD_BATCH = 5000


@transaction.atomic
def refused_proposals_record(*, proposal_list: ProposalList) -> int:
    """Keep the status page's record of the rows of ``proposal_list`` refused at import.

    One read of the list's refused rows that carry a NIK and a phone (a row without a phone
    could never be matched, so it is not kept), written in bulk INSERTs of
    ``_RECORD_BATCH``; the first refused row per NIK with usable phone digits counts.
    Replaces the records of this list and of the proposer's earlier versions of it
    (``previous``), so a resent list's answer is the latest one.
    Called when the list is merged: the list as the Dinas took it, after the proposer's
    corrections. Returns the number of records written.
    """
    versions = [proposal_list.pk]
    previous = proposal_list.previous_id
    while previous is not None and previous not in versions:
        versions.append(previous)
        previous = (
            ProposalList.objects.filter(pk=previous).values_list("previous_id", flat=True).first()
        )
    RefusedProposal.objects.filter(proposal_list_id__in=versions).delete()
    rows = (
        ImportRow.objects.filter(proposal_list=proposal_list, outcome=ImportRow.Outcome.REJECTED)
        .exclude(nik="")
        .exclude(phone="")
        .order_by("nik", "row_number")
        .values_list("nik", "phone", "reason_code", "message", "kelurahan_id")
    )
    # Rows come grouped by NIK, so one NIK's first usable row is known without keeping every
    # NIK seen: memory stays flat however many rows a list refuses.
    now = timezone.now()
    batch: list[RefusedProposal] = []
    written, taken = 0, None
    for nik, phone, reason_code, message, kelurahan_id in rows.iterator(chunk_size=_RECORD_BATCH):
        last4 = phone_match_digits(phone)
        if nik == taken or not last4:
            continue
        taken = nik
        batch.append(
            RefusedProposal(
                nik_hash=nik_digest(nik),
                phone_last4=last4,
                proposal_list=proposal_list,
                proposer_id=proposal_list.proposer_id,
                proposer_name=proposal_list.proposer_name[:150],
                kelurahan_id=kelurahan_id,
                proposed_on=proposal_list.received_on,
                reason_code=reason_code or Reason.OTHER,
                message=safe_refusal_message(reason_code, message),
                created_at=now,
            )
        )
        if len(batch) == _RECORD_BATCH:
            written += len(RefusedProposal.objects.bulk_create(batch))
            batch = []
    written += len(RefusedProposal.objects.bulk_create(batch))
    return written


def refused_proposals_purge(*, older_than, dry_run: bool = False) -> int:
    """Delete the refused-proposal records written before ``older_than`` (their own retention,
    ``REFUSED_PROPOSAL_RETENTION_DAYS``); one DELETE. Returns how many went (or would)."""
    old = RefusedProposal.objects.filter(created_at__lt=older_than)
    if dry_run:
        return old.count()
    deleted, _ = old.delete()
    return deleted
