"""Time every SQL statement of a block, per kind of statement, for the benchmarks.

The import's own SQL helper (``aid.importing.sql``) carries no counter: this module hooks the
connection instead (:meth:`django.db.backends.base.base.BaseDatabaseWrapper.execute_wrapper`),
so every statement counts, whether it went through that helper, a raw cursor or the ORM.

Not counted in any statement: rows fetched from a server-side cursor after its statement
started answering (``aid.importing.sql.stream`` on PostgreSQL) and ``COPY`` through the raw
psycopg2 cursor (the staging writer); they fall in the step's own time, which the benchmark
prints beside the statements' sum.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from contextlib import contextmanager

from django.db import connection

# The statement's kind: what it writes, or else what it reads first.
_KINDS = [
    re.compile(rf'\b({verb})\s+"?(\w+)', re.IGNORECASE)
    for verb in ("INSERT INTO", "UPDATE", "DELETE FROM", "ANALYZE", "FROM")
]


def kind(sql: str) -> str:
    """A short label of a statement: its verb and first table ("INSERT INTO aid_importrow",
    "SELECT FROM registry_owner"); else its first word ("SAVEPOINT", "PRAGMA")."""
    match = next(filter(None, (pattern.search(sql) for pattern in _KINDS)), None)
    if match is None:
        words = sql.split()
        return words[0].upper() if words else "?"
    verb, table = match.groups()
    verb = verb.upper()
    return f"{'SELECT FROM' if verb == 'FROM' else verb} {table}"


class StatementTimings(dict):
    """section -> Counter(kind of statement -> seconds). A statement counts in the section
    current when it runs: set :attr:`section` as the timed work moves on."""

    def __init__(self, section: str = ""):
        super().__init__()
        self.section = section

    def add(self, sql: str, seconds: float) -> None:
        self.setdefault(self.section, Counter())[kind(sql)] += seconds


@contextmanager
def statement_timings(section: str = "", using=None):
    """Time, while the block runs, every statement on the default connection (or ``using``)
    by kind, in :class:`StatementTimings` starting in ``section``."""
    collected = StatementTimings(section)

    def timer(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            collected.add(sql, time.perf_counter() - started)

    with (using or connection).execute_wrapper(timer):
        yield collected
