"""Checked rows into the staging table ``aid.ImportRow``, in batches.

PostgreSQL gets ``COPY … FROM STDIN`` (one round trip per batch, no per-row statement);
other databases an ``executemany`` INSERT. Batches keep memory flat whatever the file size.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable

from django.db import connection

from aid.importing.check import CheckedRow
from aid.models import ImportRow

BATCH_SIZE = 5000

# Staged columns in the order they are written; proposal_list_id comes first.
FIELDS = [
    "row_number",
    "raw",
    "nik",
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
        row.message,
        "[]",
        " ".join(row.warnings),
    )


def _columns() -> list[str]:
    opts = ImportRow._meta
    return [opts.get_field("proposal_list").column] + [opts.get_field(f).column for f in FIELDS]


def insert_batch(proposal_list_id: int, rows: Iterable[CheckedRow]) -> None:
    """Write one batch of checked rows to the staging table."""
    table = connection.ops.quote_name(ImportRow._meta.db_table)
    columns = _columns()
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            buffer = io.StringIO()
            # Every field quoted, so that an empty text stays '' for COPY; csv writes None as
            # an empty field too, which FORCE_NULL turns into NULL for the nullable columns.
            writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\n")
            writer.writerows(_values(proposal_list_id, row) for row in rows)
            buffer.seek(0)
            force_null = ", ".join(
                connection.ops.quote_name(ImportRow._meta.get_field(f).column) for f in _NULLABLE
            )
            cursor.cursor.copy_expert(
                f"COPY {table} ({quoted}) FROM STDIN WITH (FORMAT csv, FORCE_NULL ({force_null}))",
                buffer,
            )
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            cursor.executemany(
                f"INSERT INTO {table} ({quoted}) VALUES ({placeholders})",
                [_values(proposal_list_id, row) for row in rows],
            )
