"""Read, check and stage a whole file in batches, then run the set-based rules.

The steps are timed separately (the benchmark prints them); memory stays flat because only
one batch of rows is held at a time.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO

from django.db import connection, transaction
from django.utils.translation import gettext as _

from aid.importing import dedupe, review, stage
from aid.importing.check import Context, check_row
from aid.importing.guards import ListRefused
from aid.importing.read import open_list, row_ranges, values_of
from aid.importing.sql import BATCH_SIZE, analyze_sqlite, use_bulk_work_mem
from aid.models import Application, ImportPhase, ImportRow, ProposalList, Reason
from registry.models import BankAccount, Owner

# A list is refused when more than this share of its rows is already proposed or paid.
MAX_EXISTING_SHARE = 0.5

# Staging columns that the duplicate rules and the merge join, group or filter on.
ANALYZED = (
    "proposal_list",
    "row_number",
    "outcome",
    "nik",
    "name_key",
    "birth_date",
    "phone",
    "bank_id",
    "account_number",
    "owner_id",
    "business_id",
)


@dataclass
class StageReport:
    headers: list[str] = field(default_factory=list)
    rows: int = 0
    # Rows of the workbook's closing block (total row, signatures), skipped, not staged.
    closing_rows: int = 0
    closing_row_numbers: str = ""
    counts: dict = field(default_factory=dict)
    timings: dict[str, float] = field(
        default_factory=lambda: {"read": 0.0, "check": 0.0, "stage": 0.0, "dedupe": 0.0}
    )


Progress = Callable[[int, int, dict], None]
Phase = Callable[[str], None]

# Progress is reported this often while reading (a batch is staged every BATCH_SIZE rows).
PROGRESS_EVERY = 1000


def stage_file(
    proposal_list: ProposalList,
    f: IO[bytes],
    kind: str,
    *,
    on_progress: Progress | None = None,
    on_phase: Phase | None = None,
    batch_size: int = BATCH_SIZE,
    progress_every: int = PROGRESS_EVERY,
) -> StageReport:
    """Stage every row of ``f`` for ``proposal_list`` and apply the duplicate rules.

    ``on_progress(rows read, rows expected, counts so far)`` is called every
    ``progress_every`` rows and after the last one; ``on_phase`` with each later
    :class:`~aid.models.ImportPhase` as it starts (duplicates, then summary; the caller
    marks the reading phase as it claims the list).

    Raises :class:`ListRefused` when the header lacks NIK or name, the file has no rows, or
    more than half of the rows are already proposed in this program; the caller removes what
    was staged.
    """
    report = StageReport()
    timings = report.timings
    ctx = Context.load(proposal_list)
    so_far: Counter[str] = Counter()

    def written(rows: int) -> None:
        report.rows += rows
        if on_progress:
            on_progress(report.rows, max(total, report.rows), dict(so_far))

    total = 0
    writer = stage.BatchWriter(proposal_list.pk, written)
    try:
        with open_list(f, kind) as sheet:
            report.headers = sheet.headers
            total = sheet.rows_estimate
            batch = []
            started = time.perf_counter()
            for number, cells in sheet.rows:
                checked = time.perf_counter()
                timings["read"] += checked - started
                row = check_row(number, cells, values_of(cells, sheet.mapping), ctx)
                batch.append(row)
                so_far[row.reason_code or "accepted"] += 1
                started = time.perf_counter()
                timings["check"] += started - checked
                read = report.rows + len(batch)
                if on_progress and read % progress_every == 0 and not writer.open:
                    # Between batches: the count of rows checked so far moves smoothly
                    # (on PostgreSQL a batch is being written meanwhile: once per batch).
                    on_progress(read, max(total, read), dict(so_far))
                if len(batch) >= batch_size:
                    # One write transaction per batch: its rows and the progress they make
                    # commit together, and on SQLite other writers (a status check's log
                    # row, a staff login) get the write lock between batches.
                    writer.write(batch)
                    batch = []
                    now = time.perf_counter()
                    timings["stage"] += now - started
                    started = now
            if batch:
                writer.write(batch)
            writer.close()
            report.closing_rows = len(sheet.closing)
            report.closing_row_numbers = row_ranges(sheet.closing)
    except BaseException as exc:
        writer.close(exc)
        raise
    timings["stage"] += time.perf_counter() - started
    if on_progress and (report.rows == 0 or total > report.rows):
        # The file's row count was an estimate: the last report gives the real one.
        on_progress(report.rows, report.rows, dict(so_far))

    if on_phase:
        on_phase(ImportPhase.DUPLICATES)
    started = time.perf_counter()
    if connection.vendor == "postgresql":
        # Freshly copied rows have no statistics yet; without them the planner picks nested
        # loops over the whole staging table for the duplicate rules (minutes instead of ms).
        # Only the columns the rules join, group and filter on: statistics of the wide ones
        # (the row as sent, messages, names, addresses) cost time and are never used.
        quote = connection.ops.quote_name
        columns = ", ".join(quote(ImportRow._meta.get_field(f).column) for f in ANALYZED)
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {quote(ImportRow._meta.db_table)} ({columns})")
        with transaction.atomic():
            use_bulk_work_mem()
            dedupe.run(proposal_list)
    else:
        # SQLite keeps statistics only when asked; the rules join the staged rows to the
        # registry and the program's applications, so all of them need fresh ones.
        analyze_sqlite(ImportRow, Owner, BankAccount, Application)
        # Each rule is one statement and commits on its own, so the write lock is held for
        # one rule at a time, not for all of them. Nothing needs them together: a failure
        # part-way fails the list and its staged rows are discarded.
        dedupe.run(proposal_list)
    if on_phase:
        on_phase(ImportPhase.SUMMARY)
    report.counts = review.counts(proposal_list)
    timings["dedupe"] = time.perf_counter() - started

    existing = sum(
        report.counts["rejected"].get(r, 0)
        for r in (Reason.DUPLICATE_EXISTING, Reason.ALREADY_RECEIVED)
    )
    if existing > report.rows * MAX_EXISTING_SHARE:
        raise ListRefused(
            _(
                "%(n)d dari %(total)d baris (lebih dari separuh) sudah diusulkan atau sudah "
                "menerima bantuan dalam program ini. Daftar ini tampaknya sudah pernah "
                "diimpor; periksa kembali berkasnya dengan pengusul."
            )
            % {"n": existing, "total": report.rows}
        )
    return report
