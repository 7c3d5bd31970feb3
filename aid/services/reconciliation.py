"""Files that come back: the ministry's decision file and the bank's transfer report.
Parsing lives in :mod:`aid.reconciliation`; here the rows are applied through services."""

from __future__ import annotations

import hashlib

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from aid import reconciliation, selectors, transitions
from aid.models import (
    Application,
    BankReport,
    DecisionFile,
    Disbursement,
    Program,
    Reason,
    Status,
)
from aid.services.disbursements import (
    AlreadyRecorded,
    disbursement_record,
    disbursement_withdrawn,
)
from aid.transitions import DECIDED_STATUSES, refuse


def _imported_file_base(record, *, filename: str, content: bytes, by, commit: bool) -> None:
    record.original_filename = filename[:255]
    record.sha256 = hashlib.sha256(content).hexdigest()
    record.uploaded_by = by
    if commit:
        record.file.save(filename, ContentFile(content), save=False)


def _problem(problems: list, row: int, nik: str, message: str) -> None:
    problems.append(reconciliation.RowProblem(row, nik, message).as_dict())


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


@transaction.atomic
def decision_file_import(
    *,
    program: Program,
    filename: str,
    content: bytes,
    by,
    reject_missing: bool = False,
    commit: bool = True,
) -> DecisionFile:
    """Apply the ministry's list of recipients (NIKs) to the program's applications.

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
    table = reconciliation.read_table(
        content, filename, reconciliation.DECISION_COLUMNS, reconciliation.DECISION_REQUIRED
    )
    parsed = reconciliation.decision_rows(table)
    record = DecisionFile(program=program, reject_missing=reject_missing, rows=len(table))
    _imported_file_base(record, filename=filename, content=content, by=by, commit=commit)
    problems = [p.as_dict() for p in parsed.problems]
    niks = [row.nik for row in parsed.rows]
    live = selectors.live_applications_by_nik(program, niks)
    registered = selectors.known_niks(niks)
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
    if commit:
        record.save()
        for chunk in selectors._chunks(to_approve):
            result = transitions.move_many(
                Application.objects.filter(pk__in=chunk),
                Status.APPROVED,
                by=by,
                source=record.source,
            )
            record.applied += result.moved
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
            record.not_approved = transitions.move_many(
                submitted,
                Status.REJECTED,
                by=by,
                reason_code=Reason.NOT_APPROVED,
                note=_("Tidak tercantum dalam %(file)s") % {"file": record.original_filename},
                source=record.source,
            ).moved
        else:
            record.not_approved = submitted.exclude(pk__in=to_approve).count()
    record.problems = problems
    record.refused = len(problems)
    if commit:
        record.save(update_fields=["applied", "unchanged", "refused", "not_approved", "problems"])
    return record


# --- Bank report ----------------------------------------------------------------------------


@transaction.atomic
def bank_report_import(
    *, program: Program, filename: str, content: bytes, by, commit: bool = True
) -> BankReport:
    """Apply the bank's transfer report: transfers, failures and withdrawals.

    Each row goes through :func:`disbursement_record` (BERHASIL/GAGAL) or
    :func:`disbursement_withdrawn` (DICAIRKAN, by the reference of the original transfer),
    so the checks are exactly those of a manual entry; a refused row is rolled back alone
    and reported with its reason. A row whose bank reference is already on record with the
    same outcome counts as ``unchanged``: importing a report twice changes nothing. With
    ``commit=False`` every row is tried and then everything is rolled back.
    """
    table = reconciliation.read_table(
        content, filename, reconciliation.BANK_COLUMNS, reconciliation.BANK_REQUIRED
    )
    parsed = reconciliation.bank_rows(table)
    record = BankReport(program=program, rows=len(table))
    _imported_file_base(record, filename=filename, content=content, by=by, commit=commit)
    record.save()
    problems = [p.as_dict() for p in parsed.problems]
    niks = [row.nik for row in parsed.rows]
    live = selectors.live_applications_by_nik(program, niks)
    registered = selectors.known_niks(niks)
    for row in parsed.rows:
        application = live.get(row.nik)
        source = f"{record.source} baris {row.row}"[:120]
        try:
            if row.nik not in registered:
                refuse(_("NIK tidak terdaftar di portal."))
            if application is None:
                refuse(_("NIK ini tidak memiliki permohonan aktif di %(p)s.") % {"p": program.name})
            if row.kind == reconciliation.WITHDRAWN:
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
                    succeeded=row.kind == reconciliation.SUCCESS,
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
    record.problems = problems
    record.refused = len(problems)
    record.save(update_fields=["applied", "unchanged", "refused", "problems"])
    if not commit:
        transaction.set_rollback(True)
    return record
