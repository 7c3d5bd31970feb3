"""Applying the bank's transfer report, set-based (the body of
:func:`aid.services.reconciliation.bank_report_import` and of its background job).

The registry is read once for every row, each row is decided in file order by the same rules
as a manual entry, and what changes is written in short batches; see
:func:`bank_report_apply`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from aid import selectors, transitions
from aid.importing import returned_files
from aid.importing.sql import write_batch, yield_write_lock
from aid.models import Application, BankReport, Disbursement, Reason, Status
from aid.notes import Note
from aid.services.disbursements import (
    AlreadyRecorded,
    disbursement_record,
    disbursement_withdrawn,
    reference_refusal,
    transfer_refusal,
)
from aid.services.reconciliation import _problem, _read_rows
from aid.transitions import refuse
from registry.models import BankAccount

# Rows of a bank report written per transaction: each batch locks its applications for a
# moment only, so the status page and logins never wait long on an SQLite write lock.
BANK_BATCH = 500


@dataclass
class _BankAction:
    """One row of a bank report that will change something, decided before any write."""

    row: returned_files.BankRow
    application: Application
    from_status: str
    to_status: str
    account: object = None  # the active BankAccount snapshotted into a new Disbursement


def bank_report_apply(
    *, record: BankReport, f: IO[bytes], kind: str, by, commit: bool = True, on_progress=None
) -> BankReport:
    """The body of :func:`bank_report_import`, for a checked upload (the job calls it on a
    queued record).

    Set-based: the registry is read once for every row (references on record, transfers
    already paid, active accounts), each row is decided in file order by the same rules as
    a manual entry (:func:`~aid.services.disbursements.transfer_refusal`), and what changes
    is written in batches of ``BANK_BATCH`` rows, each its own short transaction (bulk
    INSERT of the disbursements, :func:`aid.transitions.move_rows` for the statuses). A batch
    whose applications changed since they were read is applied row by row through
    :func:`disbursement_record` instead. Applying the same report again (e.g. after a worker
    died half-way) changes nothing more: rows already on record count as ``unchanged``.
    """
    parsed, problems, live, registered = _read_rows(
        record,
        f,
        kind,
        columns=(returned_files.BANK_COLUMNS, returned_files.BANK_REQUIRED),
        parse=returned_files.bank_rows,
        commit=commit,
    )
    actions = _bank_plan(record, parsed.rows, live, registered, problems)
    if commit:
        # The plan counted every row it would apply; what is applied is counted as each batch
        # commits, and kept after it, so a crash half-way says how far the report got.
        record.applied = 0
        record.save()
        size = write_batch(BANK_BATCH)
        for start in range(0, len(actions), size):
            _bank_batch(record, actions[start : start + size], problems, by=by)
            type(record).objects.filter(pk=record.pk).update(
                applied=record.applied, unchanged=record.unchanged
            )
            if on_progress:
                on_progress(min(start + size, len(actions)), len(actions))
            yield_write_lock()
    else:
        record.applied = len(actions)
    record.problems = sorted(problems, key=lambda p: p["row"])
    record.refused = len(problems)
    if commit:
        record.save(update_fields=["applied", "unchanged", "refused", "problems"])
    return record


def _bank_plan(record, rows, live, registered, problems) -> list[_BankAction]:
    """Decide every row of a bank report in file order, reading the registry once; return
    the rows to apply (counting ``unchanged`` on ``record`` and refusals in ``problems``)."""
    program = record.program
    references = [row.reference for row in rows]
    on_record: dict[str, list] = {}
    for chunk in selectors.chunks(sorted(set(references))):
        for ref, app_id, outcome, withdrawn in Disbursement.objects.filter(
            bank_reference__in=chunk
        ).values_list("bank_reference", "application_id", "outcome", "withdrawn_at"):
            on_record[ref] = [app_id, outcome, withdrawn is not None]
    owner_ids = [a.owner_id for a in live.values()]
    paid: dict[int, int] = {}
    accounts: dict[int, BankAccount] = {}
    for chunk in selectors.chunks(owner_ids):
        paid.update(
            Disbursement.objects.filter(
                application__program=program,
                application__owner_id__in=chunk,
                outcome=Disbursement.Outcome.SUCCESS,
            ).values_list("application__owner_id", "application_id")
        )
        for account in BankAccount.objects.filter(
            owner_id__in=chunk, is_active=True
        ).select_related("bank"):
            accounts[account.owner_id] = account
    status = {a.pk: a.status for a in live.values()}
    actions: list[_BankAction] = []
    success = Disbursement.Outcome.SUCCESS
    for row in rows:
        application = live.get(row.nik)
        if row.nik not in registered:
            _problem(problems, row.row, row.nik, _("NIK tidak terdaftar di portal."))
            continue
        if application is None:
            _problem(
                problems,
                row.row,
                row.nik,
                _("NIK ini tidak memiliki permohonan aktif di %(p)s.") % {"p": program.name},
            )
            continue
        current = status[application.pk]
        existing = on_record.get(row.reference)
        if row.kind == returned_files.WITHDRAWN:
            if existing is None or existing[0] != application.pk:
                message = _("Tidak ada transfer dengan referensi %(ref)s untuk NIK ini.") % {
                    "ref": row.reference
                }
            elif existing[1] != success:
                message = _("Transfer yang gagal tidak dapat dicairkan.")
            elif existing[2]:
                record.unchanged += 1
                continue
            elif Status.WITHDRAWN not in transitions.ALLOWED[current]:
                message = transitions._refusal(current, Status.WITHDRAWN)
            else:
                message = ""
            if message:
                _problem(problems, row.row, row.nik, message)
                continue
            existing[2] = True
            actions.append(_BankAction(row, application, current, Status.WITHDRAWN))
            status[application.pk] = Status.WITHDRAWN
            record.applied += 1
            continue
        outcome = success if row.kind == returned_files.SUCCESS else Disbursement.Outcome.FAILED
        if existing is not None:
            if existing[0] == application.pk and existing[1] == outcome:
                record.unchanged += 1
            else:
                _problem(problems, row.row, row.nik, reference_refusal(row.reference, existing[0]))
            continue
        account = accounts.get(application.owner_id)
        message = transfer_refusal(
            application=application,
            status=current,
            owner=application.owner,
            program=program,
            paid_application_id=paid.get(application.owner_id),
            account=account,
            amount=row.amount,
            account_number=row.account_number,
            bank_code=row.bank_code,
            transferred_at=row.at,
        )
        if message:
            _problem(problems, row.row, row.nik, message)
            continue
        to_status = Status.TRANSFERRED if outcome == success else Status.TRANSFER_FAILED
        actions.append(_BankAction(row, application, current, to_status, account))
        on_record[row.reference] = [application.pk, outcome, False]
        status[application.pk] = to_status
        if outcome == success:
            paid[application.owner_id] = application.pk
        record.applied += 1
    return actions


def _bank_batch(record: BankReport, actions: list[_BankAction], problems: list, *, by) -> None:
    """Write one batch of decided rows in one transaction (see :func:`bank_report_apply`).

    An application named twice in the batch (e.g. a failure, then the transfer sent again)
    splits it, so its moves happen in file order."""
    batch: list[_BankAction] = []
    seen: set[int] = set()
    for action in actions:
        if action.application.pk in seen:
            _bank_write(record, batch, problems, by=by)
            batch, seen = [], set()
        batch.append(action)
        seen.add(action.application.pk)
    if batch:
        _bank_write(record, batch, problems, by=by)


class _Changed(Exception):
    """The applications of a batch changed since the report was read."""


def _bank_write(record: BankReport, batch: list[_BankAction], problems: list, *, by) -> None:
    program = record.program
    try:
        with transaction.atomic():
            ids = [a.application.pk for a in batch]
            now = dict(
                Application.objects.select_for_update()
                .filter(pk__in=ids)
                .values_list("pk", "status")
            )
            if any(now.get(a.application.pk) != a.from_status for a in batch):
                raise _Changed
            new = []
            moves = []
            for action in batch:
                row = action.row
                source = f"{record.source} baris {row.row}"[:120]
                if action.to_status == Status.WITHDRAWN:
                    Disbursement.objects.filter(
                        bank_reference=row.reference, withdrawn_at__isnull=True
                    ).update(withdrawn_at=row.at)
                    moves.append(
                        transitions.RowMove(action.application.pk, Status.WITHDRAWN, row.at, source)
                    )
                    continue
                succeeded = action.to_status == Status.TRANSFERRED
                # No reason from the bank: stored empty, said "tanpa keterangan" when shown.
                reason = "" if succeeded else row.reason
                account = action.account
                new.append(
                    Disbursement(
                        application_id=action.application.pk,
                        amount=program.amount,
                        bank_code=account.bank.code,
                        account_number=account.account_number,
                        holder_name=account.holder_name,
                        transferred_at=row.at,
                        bank_reference=row.reference,
                        outcome=Disbursement.Outcome.SUCCESS
                        if succeeded
                        else Disbursement.Outcome.FAILED,
                        failure_reason=reason,
                        source=source,
                        bank_report=record,
                        recorded_by=by,
                    )
                )
                moves.append(
                    transitions.RowMove(
                        action.application.pk,
                        action.to_status,
                        row.at,
                        source,
                        reason_code="" if succeeded else Reason.OTHER,
                        note=reason or ("" if succeeded else Note("no_reason_given")),
                    )
                )
            Disbursement.objects.bulk_create(new)
            refused = transitions.move_rows(moves, by=by)
            if refused:
                raise _Changed
    except (_Changed, IntegrityError):
        # Someone else wrote to these applications meanwhile: each row again, on its own,
        # by the manual entry's checks (which see what the other writer did).
        for action in batch:
            _bank_row(record, action, problems, by=by)
    else:
        record.applied += len(batch)


def _bank_row(record: BankReport, action: _BankAction, problems: list, *, by) -> None:
    row, application = action.row, action.application
    source = f"{record.source} baris {row.row}"[:120]
    try:
        if row.kind == returned_files.WITHDRAWN:
            disbursement = Disbursement.objects.filter(
                bank_reference=row.reference, application=application
            ).first()
            if disbursement is None:
                refuse(
                    _("Tidak ada transfer dengan referensi %(ref)s untuk NIK ini.")
                    % {"ref": row.reference}
                )
            disbursement_withdrawn(
                disbursement=disbursement, withdrawn_at=row.at, by=by, source=source
            )
        else:
            disbursement_record(
                application=application,
                bank_reference=row.reference,
                succeeded=row.kind == returned_files.SUCCESS,
                transferred_at=row.at,
                amount=row.amount,
                account_number=row.account_number,
                bank_code=row.bank_code,
                failure_reason=row.reason,
                by=by,
                source=source,
                bank_report=record,
            )
        record.applied += 1
    except AlreadyRecorded:
        record.unchanged += 1
    except (transitions.TransitionRefused, ValidationError) as exc:
        message = getattr(exc, "message", None) or " ".join(exc.messages)
        _problem(problems, row.row, row.nik, message)
