"""Small helpers for the set-based statements of the import (PostgreSQL and SQLite)."""

from __future__ import annotations

import time

from django.db import connection

# Rows per batch, the one figure for the whole import: staged per COPY or INSERT, streamed
# per fetch by the duplicate rules, written per bulk INSERT when merging. Memory stays flat
# however long the list, and no statement holds the database for long.
BATCH_SIZE = 5000


def table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def execute(sql: str, params: list | tuple = ()) -> int:
    """Run one statement; return the number of rows it touched."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def fetch(sql: str, params: list | tuple = ()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def stream(sql: str, params: list | tuple = (), size: int = BATCH_SIZE):
    """Yield result rows in chunks, so memory does not grow with the list."""
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(size):
            yield from rows


# Memory PostgreSQL may use per sort or hash in the import's grouping statements. The default
# (4 MB) sends the per-list groupings of a 66,000-row list to disk; these run once per list,
# in one connection, so a larger allowance for the current transaction is safe.
BULK_WORK_MEM = "32MB"


def use_bulk_work_mem() -> None:
    """Let the rest of the current transaction sort and hash in memory, and plan the
    statements read through :func:`stream` for reading every row (PostgreSQL only)."""
    if connection.vendor == "postgresql":
        execute(f"SET LOCAL work_mem = '{BULK_WORK_MEM}'")
        # A server-side cursor is planned for its first 10% of rows by default: fast-start
        # nested loops. The import reads every row of its cursors, and the phone rule against
        # a program took 20 s instead of 0.05 s with such a plan.
        execute("SET LOCAL cursor_tuple_fraction = 1.0")


# Rows SQLite's ANALYZE reads per index: enough to tell a table of thousands from one of
# millions and a selective index from a poor one, at a few milliseconds per table.
SQLITE_ANALYSIS_LIMIT = 2000


def analyze_sqlite(*models) -> None:
    """Give SQLite's planner statistics of ``models``' tables (SQLite only).

    SQLite keeps no statistics until ``ANALYZE`` runs, and nothing runs it by itself: without
    them it guesses a join order from the indexes alone, and for a staged list against a
    program it may pick the program's applications as the outer loop and rescan the staged
    rows for each (a 69,300-row list against an 8,930-row list: 678 s instead of 0.02 s).
    ``analysis_limit`` makes it sample each index rather than read it whole.
    """
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA analysis_limit = {SQLITE_ANALYSIS_LIMIT}")
        for model in models:
            cursor.execute(f"ANALYZE {table(model)}")


def write_batch(size: int) -> int:
    """Rows per write transaction of a long job: ``size`` on SQLite, where one writer holds
    the whole database and everyone else waits for each transaction to end; ten times that
    on PostgreSQL, which locks only the rows written (fewer, bigger statements are faster)."""
    return size if connection.vendor == "sqlite" else size * 10


# Pause between two write transactions of a long job on SQLite. A waiting writer (a login,
# a staff action) polls for the lock with growing sleeps, up to 100 ms apart; a job that
# begins its next batch right after a commit would win the lock every time and starve it.
SQLITE_YIELD_SECONDS = 0.12


def yield_write_lock() -> None:
    """Between two batches of a long job: on SQLite, leave the write lock free long enough
    for a waiting writer to take it (see ``SQLITE_YIELD_SECONDS``); elsewhere nothing."""
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        time.sleep(SQLITE_YIELD_SECONDS)
