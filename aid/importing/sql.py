"""Small helpers for the set-based statements of the import (PostgreSQL and SQLite)."""

from __future__ import annotations

from django.db import connection


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


def stream(sql: str, params: list | tuple = (), size: int = 5000):
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
    """Let the rest of the current transaction sort and hash in memory (PostgreSQL only)."""
    if connection.vendor == "postgresql":
        execute(f"SET LOCAL work_mem = '{BULK_WORK_MEM}'")


def split_message(template: str, placeholder: str = "\x00") -> tuple[str, str]:
    """Cut a translated message at its one placeholder, to glue a value in with SQL ``||``."""
    before, _sep, after = template.partition(placeholder)
    return before, after
