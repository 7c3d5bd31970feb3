"""Checked rows into the staging table ``aid.ImportRow``, in batches.

PostgreSQL gets ``COPY … FROM STDIN`` (one round trip per batch, no per-row statement),
sent from a background thread while the caller checks the next batch (:class:`BatchWriter`);
other databases an ``executemany`` INSERT. Batches keep memory flat whatever the file size.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor

from django.db import connection, transaction

from aid.importing.check import CheckedRow
from aid.models import ImportRow

# Staged columns in the order they are written; proposal_list_id comes first.
FIELDS = [
    "row_number",
    "raw",
    "nik",
    "kk",
    "full_name",
    "name_key",
    "birth_date",
    "sex",
    "phone",
    "ktp_address",
    "rt",
    "rw",
    "kecamatan_id",
    "kelurahan_id",
    "business_name",
    "sector",
    "bank_id",
    "account_number",
    "outcome",
    "reason_code",
    "other_reasons",
    "message",
    "flags",
    "note",
]
_NULLABLE = ["birth_date", "kecamatan_id", "kelurahan_id", "bank_id"]
# One encoder for every row: json.dumps(..., ensure_ascii=False) builds a new one per call.
_raw_json = json.JSONEncoder(ensure_ascii=False).encode


def _values(proposal_list_id: int, row: CheckedRow) -> tuple:
    return (
        proposal_list_id,
        row.row_number,
        _raw_json(row.raw),
        row.nik,
        row.kk,
        row.full_name,
        row.name_key,
        row.birth_date.isoformat() if row.birth_date else None,
        row.sex,
        row.phone,
        row.ktp_address,
        row.rt,
        row.rw,
        row.kecamatan_id,
        row.kelurahan_id,
        row.business_name,
        row.sector,
        row.bank_id,
        row.account_number,
        row.outcome,
        row.reason_code,
        row.other_reasons,
        row.message,
        "[]",
        " ".join(row.warnings),
    )


def _columns() -> list[str]:
    opts = ImportRow._meta
    return [opts.get_field("proposal_list").column] + [opts.get_field(f).column for f in FIELDS]


class BatchWriter:
    """Each batch in its own transaction, committed together with the progress it makes.

    On PostgreSQL the batch's ``COPY`` runs in a background thread while the caller checks
    the next batch: checking is Python on one core, the ``COPY`` (its indexes and key
    checks) is the database's work on the other. The caller must not use the database
    connection while a batch is open (:attr:`open`); :meth:`write` and :meth:`finish` wait
    for the ``COPY`` first. The thread uses the connection's own cursor, never Django's
    per-thread connection. Elsewhere (SQLite) a batch is written and committed at once, so
    the write lock is never held while rows are being checked.
    """

    def __init__(self, proposal_list_id: int, on_written: Callable[[int], None]) -> None:
        self.proposal_list_id = proposal_list_id
        self.on_written = on_written  # called with the rows written, inside the batch
        self.background = connection.vendor == "postgresql"
        self._executor = ThreadPoolExecutor(1, "stage-copy") if self.background else None
        self._atomic = None
        self._cursor = None
        self._copy: Future | None = None
        self._rows = 0

    @property
    def open(self) -> bool:
        return self._atomic is not None

    def write(self, rows: list[CheckedRow]) -> None:
        self.finish()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self._rows = len(rows)
        try:
            if self.background:
                buffer = _csv(self.proposal_list_id, rows)
                self._cursor = connection.cursor()
                self._copy = self._executor.submit(_copy, self._cursor.cursor, _copy_sql(), buffer)
            else:
                with connection.cursor() as cursor:
                    _executemany(cursor, self.proposal_list_id, rows)
        except BaseException as exc:
            self._end(exc)
            raise
        if not self.background:
            self.finish()

    def finish(self) -> None:
        """Wait for the open batch, report it and commit."""
        if self._atomic is None:
            return
        try:
            if self._copy is not None:
                self._copy.result()
            self.on_written(self._rows)
        except BaseException as exc:
            self._end(exc)
            raise
        self._end(None)

    def close(self, exc: BaseException | None = None) -> None:
        """Finish (``exc`` None) or roll back the open batch, and stop the thread."""
        try:
            if exc is None:
                self.finish()
            elif self._atomic is not None:
                if self._copy is not None:
                    # Never leave the thread on the connection; the caller's exception is
                    # the one raised.
                    with contextlib.suppress(Exception):
                        self._copy.result()
                self._end(exc)
        finally:
            if self._executor is not None:
                self._executor.shutdown()

    def _end(self, exc: BaseException | None) -> None:
        atomic, cursor = self._atomic, self._cursor
        self._atomic = self._cursor = self._copy = None
        if cursor is not None:
            cursor.close()
        if exc is None:
            atomic.__exit__(None, None, None)
        else:
            atomic.__exit__(type(exc), exc, exc.__traceback__)


def _csv(proposal_list_id: int, rows: Iterable[CheckedRow]) -> io.StringIO:
    buffer = io.StringIO()
    # Every field quoted, so that an empty text stays '' for COPY; csv writes None as an
    # empty field too, which FORCE_NULL turns into NULL for the nullable columns.
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerows(_values(proposal_list_id, row) for row in rows)
    buffer.seek(0)
    return buffer


def _copy_sql() -> str:
    quote = connection.ops.quote_name
    table = quote(ImportRow._meta.db_table)
    quoted = ", ".join(quote(c) for c in _columns())
    force_null = ", ".join(quote(ImportRow._meta.get_field(f).column) for f in _NULLABLE)
    return f"COPY {table} ({quoted}) FROM STDIN WITH (FORMAT csv, FORCE_NULL ({force_null}))"


def _copy(raw_cursor, sql: str, buffer: io.StringIO) -> None:
    """``COPY`` the rows in ``buffer`` through a psycopg2 cursor (in the writer's thread:
    nothing here touches Django's per-thread connection)."""
    raw_cursor.copy_expert(sql, buffer)


def _executemany(cursor, proposal_list_id: int, rows: Iterable[CheckedRow]) -> None:
    table = connection.ops.quote_name(ImportRow._meta.db_table)
    columns = _columns()
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    placeholders = ", ".join(["%s"] * len(columns))
    cursor.executemany(
        f"INSERT INTO {table} ({quoted}) VALUES ({placeholders})",
        [_values(proposal_list_id, row) for row in rows],
    )
