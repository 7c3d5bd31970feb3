"""Files that come back: the ministry's decision file and the bank's transfer report.

Every upload passes :func:`aid.importing.guards.check_uploaded_file` first. Parsing lives in
:mod:`aid.importing.returned_files`; here the rows are applied through services, in the request for a
small file (so "Periksa saja" and the per-row outcome answer at once) and by a background job
(:mod:`aid.jobs`, shown on the job's progress page) for a big one."""

from __future__ import annotations

import hashlib
import logging
import os
import uuid
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.utils.translation import gettext as _

from aid import selectors, transitions
from aid.importing import returned_files
from aid.importing.guards import MB, check_uploaded_file
from aid.importing.read import measure
from aid.importing.sql import write_batch, yield_write_lock
from aid.models import (
    Application,
    BankReport,
    DecisionFile,
    ImportedFile,
    Program,
    Reason,
    Status,
)
from aid.notes import Note
from aid.transitions import DECIDED_STATUSES
from umkm_portal import states

logger = logging.getLogger(__name__)
State = ImportedFile.State


def _sha256(f: IO[bytes]) -> str:
    digest = hashlib.sha256()
    f.seek(0)
    while chunk := f.read(MB):
        digest.update(chunk)
    f.seek(0)
    return digest.hexdigest()


def _received(record: ImportedFile, f: IO[bytes], *, filename: str, by) -> None:
    """Fill in what is known of an upload before its rows are read."""
    record.original_filename = os.path.basename(filename or "")[:255]
    record.sha256 = _sha256(f)
    record.uploaded_by = by


def _keep(record: ImportedFile, f: IO[bytes], kind: str) -> None:
    """Store the upload under a random name (never the user's)."""
    f.seek(0)
    record.file.save(f"{uuid.uuid4().hex}.{kind}", File(f), save=False)


def _is_big(f: IO[bytes], kind: str) -> bool:
    rows, size = measure(f, kind)
    return (
        rows > settings.RECONCILIATION_SYNC_MAX_ROWS
        or size > settings.RECONCILIATION_SYNC_MAX_MB * MB
    )


def _queue_if_big(
    record: ImportedFile, f: IO[bytes], kind: str, *, columns: tuple, commit: bool, job_kind: str
) -> bool:
    """Keep a big upload and queue a background job of ``job_kind`` (aid.jobs) to apply it;
    True when queued.

    Its column names are checked first (``columns``: the names and the required ones), so a
    file that could never be applied is refused here. A big file cannot be only checked: the
    check would take as long as the import, in the request; such a dry run is refused.
    """
    if not _is_big(f, kind):
        return False
    returned_files.read_table(f, kind, *columns, header_only=True)
    if not commit:
        raise ValidationError(
            _(
                'Berkas ini terlalu besar untuk "Periksa saja" (lebih dari %(rows)s baris atau '
                "%(mb)s MB). Impor tanpa centang itu: berkas diproses di latar belakang dan "
                "setiap baris yang bermasalah dilaporkan."
            )
            % {
                "rows": settings.RECONCILIATION_SYNC_MAX_ROWS,
                "mb": settings.RECONCILIATION_SYNC_MAX_MB,
            }
        )
    _keep(record, f, kind)
    # Created queued (not a move: the record is new); from here its state moves only
    # through the table in aid.transitions (FILE_ALLOWED).
    record.state = State.QUEUED
    record.save()
    from aid import jobs as aid_jobs
    from jobs import services as job_services

    job_services.start(
        kind=job_kind,
        key=aid_jobs.imported_file_key(record),
        params={"record_id": record.pk},
        by=record.uploaded_by,
        subject=record.original_filename,
    )
    return True


def decision_file_process(*, decision_file: DecisionFile, on_progress=None) -> None:
    """Apply a queued decision file (the body of the ``aid.decision_file`` job); see
    :func:`_process`. ``on_progress(done, total)`` follows the applications moved."""
    _process(decision_file, decision_file_apply, on_progress)


def bank_report_process(*, bank_report: BankReport, on_progress=None) -> None:
    """Apply a queued bank report (the body of the ``aid.bank_report`` job); see
    :func:`_process`."""
    from aid.services.bank_reports import bank_report_apply

    _process(bank_report, bank_report_apply, on_progress)


def _process(record: ImportedFile, apply, on_progress=None) -> None:
    """Apply a queued decision file or bank report with ``apply``.

    Runs once per upload: a record that is not ``queued`` is left alone. Ends ``done``; a file
    refused on reading ends ``failed`` with the Indonesian reason, a crash ends ``failed``
    with nothing of it applied.
    """
    machine = states.machine_for(type(record), "state")
    if not machine.claim(record, State.PROCESSING):
        return
    try:
        with record.file.open("rb") as f:
            apply(
                record=record,
                f=f,
                kind=record.file.name.rsplit(".", 1)[-1],
                by=record.uploaded_by,
                on_progress=on_progress,
            )
    except ValidationError as exc:
        machine.claim(record, State.FAILED, error=exc.messages[0])
        return
    except Exception as exc:
        logger.exception("Applying %s %s failed", type(record)._meta.label, record.pk)
        # Batches commit one by one: say how far it got (applying it again goes on from there).
        applied = type(record).objects.filter(pk=record.pk).values_list("applied", flat=True)
        if applied and applied[0]:
            error = _(
                "Pemrosesan berkas berhenti karena kesalahan sistem (%(error)s) setelah "
                "%(n)s baris diterapkan. Berkas tetap tersimpan; menerapkannya lagi "
                "melanjutkan sisanya tanpa mengulang yang sudah tercatat. Hubungi admin portal."
            ) % {"error": exc.__class__.__name__, "n": applied[0]}
        else:
            error = _(
                "Pemrosesan berkas gagal karena kesalahan sistem (%(error)s); tidak ada baris "
                "yang diterapkan. Berkas tetap tersimpan; hubungi admin portal."
            ) % {"error": exc.__class__.__name__}
        machine.claim(record, State.FAILED, error=error)
        return
    machine.claim(record, State.DONE)


def _problem(problems: list, row: int, nik: str, message: str) -> None:
    problems.append(returned_files.RowProblem(row, nik, message).as_dict())


def _read_rows(record: ImportedFile, f: IO[bytes], kind: str, *, columns: tuple, parse, commit):
    """The rows of a checked upload for ``record``, as both files are applied: read and
    parsed (``parse``), the file kept when applying, the program's live applications and the
    registered NIKs looked up once. Returns (parsed, problems as dicts, live by NIK, NIKs
    registered)."""
    table = returned_files.read_table(f, kind, *columns)
    parsed = parse(table)
    # A note row is no row of data: not counted, and named on the result (note_rows).
    record.rows = len(table) - len(parsed.note_rows)
    record.note_rows = parsed.note_rows
    if commit and not record.file:
        _keep(record, f, kind)
    niks = [row.nik for row in parsed.rows]
    return (
        parsed,
        [p.as_dict() for p in parsed.problems],
        selectors.live_applications_by_nik(record.program, niks),
        selectors.known_niks(niks),
    )


def _refuse_own_submissions(program: Program, listed: list[int], by, reject_missing: bool):
    """Who submitted an application to the ministry does not record the ministry's answer
    for it (issue 11, finding 7b): refuse the whole file, naming the batch."""
    if by is None:
        return
    touched = Application.objects.filter(pk__in=listed)
    if reject_missing:
        touched |= Application.objects.filter(program=program, status=Status.SUBMITTED)
    own = touched.filter(submission_batch__created_by=by).values("submission_batch").first()
    if own is not None:
        raise ValidationError(
            _(
                "Anda sendiri yang mengajukan permohonan dalam berkas ini (pengajuan #%(id)s); "
                "keputusan Kementerian harus dicatat oleh petugas lain."
            )
            % {"id": own["submission_batch"]}
        )


# Applications moved per transaction when a decision file is applied (see
# decision_file_apply): short enough that nobody waits on SQLite's write lock for long.
DECISION_BATCH = 2000


def decision_file_import(
    *,
    program: Program,
    file: IO[bytes],
    filename: str,
    by,
    reject_missing: bool = False,
    commit: bool = True,
) -> DecisionFile:
    """Apply the ministry's list of recipients (NIKs) to the program's applications.

    The upload is refused whole (ValidationError, nothing kept) when it fails the upload
    guards or lacks a NIK column. A big file (``RECONCILIATION_SYNC_MAX_ROWS``/``_MB``) is
    kept and queued: the record comes back ``queued`` (as saved; refresh it to see what a
    worker has done since) and the background job ``aid.decision_file`` (aid.jobs)
    applies it as below; a dry run of a big file is refused.

    Each listed NIK whose application is ``submitted`` becomes ``approved`` (set-based,
    history source "keputusan Kementerian #N (file)"). Rows are reported in ``problems``,
    never applied, when the NIK is unreadable (e.g. damaged by Excel), unknown, has no live
    application, is not submitted yet, or is listed twice. NIKs already approved (or later)
    count as ``unchanged``: importing the same file twice changes nothing the second time.
    With ``reject_missing``, submitted applications not on the list become ``rejected`` /
    ``not_approved``, unless some NIK in the file was unreadable (it could be one of them).
    With ``commit=False`` nothing is written and the returned record (unsaved) shows what
    would happen. Raises ValidationError for an unreadable file or a missing NIK column, and
    when ``by`` created the submission batch of an application in the file (or, with
    ``reject_missing``, of a submitted one it would reject): who submits does not record
    the answer.
    """
    kind = check_uploaded_file(file, filename=filename)
    record = DecisionFile(program=program, reject_missing=reject_missing)
    _received(record, file, filename=filename, by=by)
    if _queue_if_big(
        record,
        file,
        kind,
        columns=(returned_files.DECISION_COLUMNS, returned_files.DECISION_REQUIRED),
        commit=commit,
        job_kind="aid.decision_file",
    ):
        return record
    return decision_file_apply(record=record, f=file, kind=kind, by=by, commit=commit)


def decision_file_apply(
    *, record: DecisionFile, f: IO[bytes], kind: str, by, commit: bool = True, on_progress=None
) -> DecisionFile:
    """The body of :func:`decision_file_import`, for a checked upload (the job calls it on a
    queued record).

    The moves are written in chunks of ``DECISION_BATCH`` applications, each its own short
    transaction, so that a big file never holds SQLite's write lock for long; applying the
    same file again (e.g. after a worker died half-way) finishes what was left: approved
    applications count as ``unchanged`` and the not-listed ones still submitted are
    rejected."""
    program = record.program
    reject_missing = record.reject_missing
    parsed, problems, live, registered = _read_rows(
        record,
        f,
        kind,
        columns=(returned_files.DECISION_COLUMNS, returned_files.DECISION_REQUIRED),
        parse=returned_files.decision_rows,
        commit=commit,
    )
    _refuse_own_submissions(program, [a.pk for a in live.values()], by, reject_missing)
    to_approve: list[int] = []
    for row in parsed.rows:
        application = live.get(row.nik)
        if row.nik not in registered:
            _problem(problems, row.row, row.nik, _("NIK tidak terdaftar di portal."))
        elif application is None:
            _problem(
                problems,
                row.row,
                row.nik,
                _("NIK ini tidak memiliki permohonan aktif (mungkin sudah ditolak) di %(p)s.")
                % {"p": program.name},
            )
        elif application.status in DECIDED_STATUSES:
            record.unchanged += 1
        elif application.status != Status.SUBMITTED:
            _problem(
                problems,
                row.row,
                row.nik,
                _('Permohonan #%(id)s berstatus "%(status)s", belum diajukan ke Kementerian.')
                % {"id": application.pk, "status": application.get_status_display()},
            )
        else:
            to_approve.append(application.pk)
    submitted = Application.objects.filter(program=program, status=Status.SUBMITTED)
    # For the job's page: the applications approved, then those not listed rejected.
    total = len(to_approve) + (submitted.count() - len(to_approve) if reject_missing else 0)
    done = 0
    if commit:
        record.save()
        for chunk in selectors.chunks(to_approve, write_batch(DECISION_BATCH)):
            result = transitions.move_many(
                Application.objects.filter(pk__in=chunk),
                Status.APPROVED,
                by=by,
                source=record.source,
            )
            record.applied += result.moved
            done += len(chunk)
            if on_progress:
                on_progress(done, total)
            yield_write_lock()
            for pk, message in result.refused.items():
                _problem(problems, 0, "", f"#{pk}: {message}")
    else:
        record.applied = len(to_approve)
    if reject_missing:
        if parsed.damaged_niks:
            _problem(
                problems,
                0,
                "",
                _(
                    "Permohonan yang tidak tercantum TIDAK ditolak karena %(n)s baris NIK tidak "
                    "dapat dibaca; perbaiki berkasnya lalu impor ulang."
                )
                % {"n": parsed.damaged_niks},
            )
        elif commit:
            note = Note("not_in_decision_file", {"file": record.original_filename})
            missing = list(submitted.order_by("pk").values_list("pk", flat=True))
            for chunk in selectors.chunks(missing, write_batch(DECISION_BATCH)):
                record.not_approved += transitions.move_many(
                    Application.objects.filter(pk__in=chunk, status=Status.SUBMITTED),
                    Status.REJECTED,
                    by=by,
                    reason_code=Reason.NOT_APPROVED,
                    note=note,
                    source=record.source,
                ).moved
                done += len(chunk)
                if on_progress:
                    on_progress(done, max(total, done))
                yield_write_lock()
        else:
            record.not_approved = submitted.exclude(pk__in=to_approve).count()
    record.problems = problems
    record.refused = len(problems)
    if commit:
        record.save(update_fields=["applied", "unchanged", "refused", "not_approved", "problems"])
    return record


# --- Bank report ----------------------------------------------------------------------------


def bank_report_import(
    *, program: Program, file: IO[bytes], filename: str, by, commit: bool = True
) -> BankReport:
    """Apply the bank's transfer report: transfers, failures and withdrawals.

    The upload is refused whole (ValidationError, nothing kept) when it fails the upload
    guards or lacks a required column. A big file is kept and queued, as for
    :func:`decision_file_import` (job ``aid.bank_report``).

    Each row goes through :func:`disbursement_record` (BERHASIL/GAGAL) or
    :func:`disbursement_withdrawn` (DICAIRKAN, by the reference of the original transfer),
    so the checks are exactly those of a manual entry; a refused row is rolled back alone
    and reported with its reason. A row whose bank reference is already on record with the
    same outcome counts as ``unchanged``: importing a report twice changes nothing. With
    ``commit=False`` every row is tried and then everything is rolled back.
    """
    kind = check_uploaded_file(file, filename=filename)
    record = BankReport(program=program)
    _received(record, file, filename=filename, by=by)
    if _queue_if_big(
        record,
        file,
        kind,
        columns=(returned_files.BANK_COLUMNS, returned_files.BANK_REQUIRED),
        commit=commit,
        job_kind="aid.bank_report",
    ):
        return record
    from aid.services.bank_reports import bank_report_apply

    return bank_report_apply(record=record, f=file, kind=kind, by=by, commit=commit)
