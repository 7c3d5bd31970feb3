"""Writes for programs and applications. Status moves go through :mod:`aid.transitions`.

Every function takes keyword arguments, runs in one transaction, and either does all it
says or raises (``TransitionRefused`` or ``ValidationError`` with an Indonesian message) and
writes nothing. List work is set-based through :func:`aid.transitions.move_many`.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import os
import uuid
from dataclasses import dataclass
from typing import IO, Literal, NoReturn

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from aid import reconciliation, resources, selectors, transitions
from aid.models import (
    Application,
    BankReport,
    DecisionFile,
    Disbursement,
    ImportRow,
    ImportStatus,
    PossibleDuplicate,
    Program,
    ProposalList,
    Reason,
    Status,
    SubmissionBatch,
    rupiah,
)
from privacy.models import AccessLog
from privacy.services import access_log_record
from registry.models import Business, Owner

logger = logging.getLogger(__name__)

# Statuses that mean the owner has been paid this program's grant.
RECEIVED_STATUSES = (Status.TRANSFERRED, Status.WITHDRAWN, Status.RETURNED)


def program_ensure_bpum_2020() -> Program:
    """The BPUM 2020 program (Rp2.400.000 once per NIK, 90 days to withdraw), created if
    missing; demo data and benchmarks use it."""
    program, _ = Program.objects.get_or_create(
        code="bpum-2020",
        defaults={
            "name": "Banpres Produktif Usaha Mikro (BPUM) 2020",
            "amount": 2_400_000,
            "one_time": True,
            "withdrawal_days": 90,
            "starts_on": datetime.date(2020, 8, 17),
            "ends_on": datetime.date(2020, 12, 31),
        },
    )
    return program


@transaction.atomic
def application_create(
    *,
    business: Business,
    program: Program,
    proposal_list: ProposalList | None = None,
    by=None,
    source: str = "",
) -> Application:
    """Propose a business's owner for a program.

    Refuses, with an Indonesian message and nothing written, an owner who already has a live
    application in the program or, for a one-time program, already received it. The
    database's unique constraint is the last guard against two requests racing.
    """
    owner = business.owner
    live = (
        Application.objects.filter(owner=owner, program=program)
        .exclude(status=Status.REJECTED)
        .select_related("proposal_list")
        .first()
    )
    if live is not None:
        if live.status in RECEIVED_STATUSES and program.one_time:
            raise ValidationError(
                _("%(name)s sudah menerima %(program)s; bantuan ini hanya diberikan sekali.")
                % {"name": owner.full_name, "program": program.name},
                code=Reason.ALREADY_RECEIVED,
            )
        where = live.proposal_list or _("input manual")
        raise ValidationError(
            _("%(name)s sudah diusulkan untuk %(program)s (permohonan #%(id)s, %(where)s).")
            % {"name": owner.full_name, "program": program.name, "id": live.pk, "where": where},
            code=Reason.DUPLICATE_EXISTING,
        )
    try:
        with transaction.atomic():
            application = Application.objects.create(
                owner=owner, business=business, program=program, proposal_list=proposal_list
            )
    except IntegrityError as exc:
        raise ValidationError(
            _("%(name)s baru saja diusulkan oleh petugas lain untuk program ini.")
            % {"name": owner.full_name},
            code=Reason.DUPLICATE_EXISTING,
        ) from exc
    transitions.record_proposed([application], by=by, source=source)
    return application


def application_verify(
    *, application: Application, by, note: str = "", source: str = "verifikasi", at=None
) -> Application:
    """Mark a proposed application as verified by the department."""
    return transitions.move(application, Status.VERIFIED, by=by, note=note, source=source, at=at)


def application_reject(
    *, application: Application, by, reason_code: str, note: str = "", source: str = "verifikasi"
) -> Application:
    """Reject an application with a reason the owner will see on the status page."""
    return transitions.move(
        application, Status.REJECTED, by=by, reason_code=reason_code, note=note, source=source
    )


def applications_verify(
    *, applications: QuerySet[Application], by, note: str = "", source: str = "verifikasi"
) -> transitions.MoveResult:
    """Verify a list at once (one UPDATE). Applications that cannot be verified now are
    left as they were and returned in ``refused`` with the reason, by application id."""
    return transitions.move_many(applications, Status.VERIFIED, by=by, note=note, source=source)


def applications_reject(
    *,
    applications: QuerySet[Application],
    by,
    reason_code: str,
    note: str = "",
    source: str = "verifikasi",
) -> transitions.MoveResult:
    """Reject a list at once with one reason; the rest as :func:`applications_verify`."""
    return transitions.move_many(
        applications, Status.REJECTED, by=by, reason_code=reason_code, note=note, source=source
    )


class AlreadyRecorded(transitions.TransitionRefused):
    """The same bank event was recorded before; importing it again changes nothing."""


def _refuse(message: str, application: Application | None = None) -> NoReturn:
    raise transitions.TransitionRefused(
        message, application_id=application.pk if application else None
    )


def _check_reference(bank_reference: str, *, application: Application, outcome: str) -> None:
    """Idempotency on the bank reference: the same event again is AlreadyRecorded; the
    reference on a different event is refused."""
    existing = Disbursement.objects.filter(bank_reference=bank_reference).first()
    if existing is None:
        return
    if existing.application_id == application.pk and existing.outcome == outcome:
        raise AlreadyRecorded(
            _("Referensi bank %(ref)s sudah tercatat sebelumnya; tidak ada perubahan.")
            % {"ref": bank_reference},
            application_id=application.pk,
        )
    _refuse(
        _("Referensi bank %(ref)s sudah dipakai untuk transfer lain (permohonan #%(id)s).")
        % {"ref": bank_reference, "id": existing.application_id},
        application,
    )


@transaction.atomic
def disbursement_record(
    *,
    application: Application,
    bank_reference: str,
    succeeded: bool,
    transferred_at,
    amount: int | None = None,
    account_number: str | None = None,
    bank_code: str = "",
    failure_reason: str = "",
    by=None,
    source: str = "",
    bank_report: BankReport | None = None,
) -> Disbursement:
    """Record one transfer attempt for an approved (or previously failed) application.

    The one home of the transfer rules, for the bank report and the Bendahara's manual entry
    alike. Locks the owner and then the application, so concurrent attempts for the same
    owner are serialised and every one after the first sees its result. Refuses with a
    :class:`~aid.transitions.TransitionRefused` (Indonesian message, nothing written) when:
    the bank reference is already on record (:class:`AlreadyRecorded` when it is this very
    event again); the owner already received this one-time program's grant; the application
    is not approved or failed before; ``amount`` (when given) differs from the program
    amount; the owner has no active account, or ``account_number``/``bank_code`` (when given)
    differ from it. Otherwise snapshots the active account into a :class:`Disbursement` and
    moves the application to ``transferred`` or ``transfer_failed``.
    """
    outcome = Disbursement.Outcome.SUCCESS if succeeded else Disbursement.Outcome.FAILED
    Owner.objects.select_for_update().filter(pk=application.owner_id).first()
    locked = (
        Application.objects.select_for_update()
        .select_related("program", "owner")
        .get(pk=application.pk)
    )
    program, owner = locked.program, locked.owner
    _check_reference(bank_reference, application=locked, outcome=outcome)
    paid = Disbursement.objects.filter(
        application__owner=owner,
        application__program=program,
        outcome=Disbursement.Outcome.SUCCESS,
    ).first()
    if locked.status in RECEIVED_STATUSES or (
        paid is not None and (program.one_time or paid.application_id == locked.pk)
    ):
        _refuse(
            _("%(name)s sudah ditransfer %(program)s; bantuan ini hanya diberikan sekali.")
            % {"name": owner.full_name, "program": program.name},
            locked,
        )
    if locked.status not in transitions.sources_for(Status.TRANSFERRED):
        _refuse(
            _('Permohonan %(name)s berstatus "%(status)s", belum ditetapkan sebagai penerima.')
            % {"name": owner.full_name, "status": locked.get_status_display()},
            locked,
        )
    if amount is not None and amount != program.amount:
        _refuse(
            _("Nominal Rp%(amount)s berbeda dengan nilai bantuan %(program)s (Rp%(expected)s).")
            % {
                "amount": rupiah(amount),
                "program": program.name,
                "expected": rupiah(program.amount),
            },
            locked,
        )
    account = owner.bank_accounts.select_related("bank").filter(is_active=True).first()
    if account is None:
        _refuse(_("%(name)s belum memiliki rekening aktif.") % {"name": owner.full_name}, locked)
    if (account_number is not None and account_number != account.account_number) or (
        bank_code and bank_code != account.bank.code
    ):
        _refuse(
            _(
                "Rekening %(bank)s %(number)s bukan rekening aktif %(name)s yang tercatat "
                "(berakhiran %(last)s)."
            )
            % {
                "bank": bank_code or account.bank.code,
                "number": account_number,
                "name": owner.full_name,
                "last": account.account_number[-4:],
            },
            locked,
        )
    try:
        with transaction.atomic():
            disbursement = Disbursement.objects.create(
                application=locked,
                amount=program.amount,
                bank_code=account.bank.code,
                account_number=account.account_number,
                holder_name=account.holder_name,
                transferred_at=transferred_at,
                bank_reference=bank_reference,
                outcome=outcome,
                failure_reason="" if succeeded else (failure_reason or _("tanpa keterangan")),
                source=source,
                bank_report=bank_report,
                recorded_by=by,
            )
    except IntegrityError as exc:
        # Another request recorded the same reference between our check and insert.
        raise transitions.TransitionRefused(
            _(
                "Transfer untuk %(name)s baru saja dicatat oleh petugas lain; referensi "
                "%(ref)s tidak dicatat."
            )
            % {"name": owner.full_name, "ref": bank_reference},
            application_id=locked.pk,
        ) from exc
    transitions.move(
        locked,
        Status.TRANSFERRED if succeeded else Status.TRANSFER_FAILED,
        by=by,
        reason_code="" if succeeded else Reason.OTHER,
        note=disbursement.failure_reason,
        source=source or _("penyaluran %(ref)s") % {"ref": bank_reference},
        at=transferred_at,
    )
    return disbursement


@transaction.atomic
def disbursement_withdrawn(
    *, disbursement: Disbursement, withdrawn_at, by=None, source: str = ""
) -> Disbursement:
    """Record that the owner withdrew a successful transfer (transferred → withdrawn).

    Recording the same withdrawal again raises :class:`AlreadyRecorded`; a failed transfer,
    or one already returned to the treasury, is refused and nothing changes.
    """
    locked = Disbursement.objects.select_for_update().get(pk=disbursement.pk)
    if locked.outcome != Disbursement.Outcome.SUCCESS:
        _refuse(_("Transfer yang gagal tidak dapat dicairkan."))
    if locked.withdrawn_at is not None:
        raise AlreadyRecorded(
            _("Pencairan referensi %(ref)s sudah tercatat sebelumnya; tidak ada perubahan.")
            % {"ref": locked.bank_reference},
            application_id=locked.application_id,
        )
    transitions.move(locked.application, Status.WITHDRAWN, by=by, source=source, at=withdrawn_at)
    locked.withdrawn_at = withdrawn_at
    locked.save(update_fields=["withdrawn_at"])
    return locked


def application_submit(*, application: Application, by, source: str = "", at=None) -> Application:
    """Mark a verified application as submitted to the ministry."""
    return transitions.move(application, Status.SUBMITTED, by=by, source=source, at=at)


def application_approve(*, application: Application, by, source: str = "", at=None) -> Application:
    """Record the ministry's decision (SK) naming this owner as a recipient."""
    return transitions.move(application, Status.APPROVED, by=by, source=source, at=at)


def application_return(*, application: Application, by, source: str = "", at=None) -> Application:
    """Record that an unwithdrawn transfer went back to the state treasury."""
    return transitions.move(application, Status.RETURNED, by=by, source=source, at=at)


def kept_files_purge(*, older_than, dry_run: bool = False) -> list:
    """Delete the kept files that hold NIKs and account numbers, created before ``older_than``.

    Those are the proposal lists as uploaded (with their staged rows, which repeat the raw
    cells), the files sent to the ministry, and the decision files and bank reports received.
    The records themselves stay (who, when, counts, and the applications and history they
    produced); only ``file`` is cleared. A file already missing from storage is cleared too.
    Idempotent: a second run finds nothing to do. Returns the records whose file was (or, with
    ``dry_run``, would be) deleted.
    """
    purged = []
    for model in (ProposalList, SubmissionBatch, DecisionFile, BankReport):
        candidates = model.objects.filter(created_at__lt=older_than).exclude(file="")
        for record in candidates.order_by("pk").iterator():
            name = record.file.name
            if not dry_run:
                with transaction.atomic():
                    record.file.storage.delete(name)
                    model.objects.filter(pk=record.pk).update(file="")
                    if model is ProposalList:
                        ImportRow.objects.filter(proposal_list=record).delete()
            logger.info(
                "kept file purged",
                extra={
                    "model": model._meta.label_lower,
                    "id": record.pk,
                    "file": name,
                    "created_at": record.created_at.isoformat(),
                    "dry_run": dry_run,
                },
            )
            purged.append(record)
    return purged


# --- Possible duplicates --------------------------------------------------------------------


@transaction.atomic
def possible_duplicate_decide(
    *, flag: PossibleDuplicate, decision: str, by, note: str = ""
) -> PossibleDuplicate:
    """Record a verifier's decision on a flagged pair of applications.

    ``same_person``: the later of the two (by proposal time) is rejected as
    ``duplicate_existing`` through the transitions, unless it is already rejected.
    ``different_people``: the flag is cleared and both go on. Every open flag of the same
    pair (under any rule) is decided together. A flag already decided, or a later
    application that can no longer be rejected, is refused and nothing changes.
    """
    if decision not in PossibleDuplicate.Decision.values:
        raise ValidationError(_("Keputusan tidak dikenal."))
    locked = (
        PossibleDuplicate.objects.select_for_update(of=("self",))
        .select_related("application", "other", "decided_by")
        .get(pk=flag.pk)
    )
    if locked.decision:
        _refuse(
            _("Kemungkinan data ganda ini sudah diputuskan (%(decision)s) oleh %(by)s.")
            % {"decision": locked.get_decision_display(), "by": locked.decided_by or "-"}
        )
    first, second = locked.application, locked.other
    if decision == PossibleDuplicate.Decision.SAME_PERSON:
        earlier, later = sorted((first, second), key=lambda a: (a.proposed_at, a.pk))
        if later.status != Status.REJECTED:
            transitions.move(
                later,
                Status.REJECTED,
                by=by,
                reason_code=Reason.DUPLICATE_EXISTING,
                note=_("Orang yang sama dengan permohonan #%(id)s. %(note)s")
                % {"id": earlier.pk, "note": note},
                source=f"kemungkinan data ganda #{locked.pk}",
            )
    PossibleDuplicate.objects.filter(
        Q(application=first, other=second) | Q(application=second, other=first), decision=""
    ).update(decision=decision, decided_by=by, decided_at=timezone.now(), note=note)
    locked.refresh_from_db()
    return locked


# --- Submission to the ministry -------------------------------------------------------------


def _log_export(*, by, batch: SubmissionBatch, file_format: str, rows: int, what: str) -> None:
    access_log_record(
        user=by,
        action=AccessLog.Action.EXPORT,
        subject="aid.submissionbatch",
        object_id=batch.pk,
        rows=rows,
        full_identity=True,
        detail=f"{what} {batch.source} ({file_format.upper()})",
    )


@transaction.atomic
def submission_create(
    *, program: Program, proposal_list: ProposalList | None = None, file_format: str, by
) -> SubmissionBatch:
    """Submit every verified application of the program (or of one proposal list).

    In one transaction: the applications are tagged with a new :class:`SubmissionBatch`,
    moved to ``submitted`` (one UPDATE, history source "ekspor pengajuan #N"), the
    ministry's file is rendered and kept on the batch, and the export is written to the
    personal-data access log. Refuses with a ValidationError when nothing is verified.
    """
    if file_format not in resources.FORMATS:
        raise ValidationError(_("Format berkas harus CSV atau XLSX."))
    candidates = Application.objects.filter(program=program, status=Status.VERIFIED)
    if proposal_list is not None:
        candidates = candidates.filter(proposal_list=proposal_list)
    batch = SubmissionBatch.objects.create(
        program=program, proposal_list=proposal_list, created_by=by
    )
    # The UPDATE locks the rows it tags, so a verifier rejecting one at the same moment
    # either goes first (and it is not submitted) or waits until this is done.
    tagged = candidates.update(submission_batch=batch)
    if not tagged:
        raise ValidationError(
            _("Tidak ada permohonan terverifikasi untuk diajukan dari %(what)s.")
            % {"what": proposal_list or program}
        )
    result = transitions.move_many(
        Application.objects.filter(submission_batch=batch),
        Status.SUBMITTED,
        by=by,
        source=batch.source,
        at=batch.created_at,
    )
    content = resources.render(selectors.submission_rows(batch), file_format)
    batch.rows = result.moved
    batch.file.save(
        f"pengajuan-{program.code}-{batch.pk}.{file_format}", ContentFile(content), save=False
    )
    batch.save(update_fields=["rows", "file"])
    _log_export(by=by, batch=batch, file_format=file_format, rows=batch.rows, what="ekspor")
    return batch


def submission_export(*, batch: SubmissionBatch, file_format: str, by) -> bytes:
    """The batch's applications again, in the ministry's format, with current registry
    details. Changes no status; the export is written to the personal-data access log."""
    if file_format not in resources.FORMATS:
        raise ValidationError(_("Format berkas harus CSV atau XLSX."))
    rows = selectors.submission_rows(batch)
    content = resources.render(rows, file_format)
    _log_export(by=by, batch=batch, file_format=file_format, rows=len(rows), what="ekspor ulang")
    return content


# --- Ministry decision file -----------------------------------------------------------------

# Statuses at or after the ministry's decision: a NIK listed again is already approved.
DECIDED_STATUSES = (
    Status.APPROVED,
    Status.TRANSFERRED,
    Status.TRANSFER_FAILED,
    Status.WITHDRAWN,
    Status.RETURNED,
)


def _imported_file_base(record, *, filename: str, content: bytes, by, commit: bool) -> None:
    record.original_filename = filename[:255]
    record.sha256 = hashlib.sha256(content).hexdigest()
    record.uploaded_by = by
    if commit:
        record.file.save(filename, ContentFile(content), save=False)


def _problem(problems: list, row: int, nik: str, message: str) -> None:
    problems.append(reconciliation.RowProblem(row, nik, message).as_dict())


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
    would happen. Raises ValidationError for an unreadable file or a missing NIK column.
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
                _refuse(_("NIK tidak terdaftar di portal."))
            if application is None:
                _refuse(
                    _("NIK ini tidak memiliki permohonan aktif di %(p)s.") % {"p": program.name}
                )
            if row.kind == reconciliation.WITHDRAWN:
                disbursement = Disbursement.objects.filter(
                    bank_reference=row.reference, application=application
                ).first()
                if disbursement is None:
                    _refuse(
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


# --- Withdrawal deadline --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Expired:
    program: Program
    applications: int
    amount: int


@transaction.atomic
def applications_expire_withdrawals(
    *, now: datetime.datetime | None = None, by=None
) -> list[Expired]:
    """Move transfers older than each program's withdrawal window, not withdrawn, to
    ``returned`` (set-based, one UPDATE per program). Running it again changes nothing more.
    Returns what changed, per program."""
    now = now or timezone.now()
    changed = []
    for program in Program.objects.order_by("code"):
        cutoff = now - datetime.timedelta(days=program.withdrawal_days)
        overdue = Application.objects.filter(
            program=program, status=Status.TRANSFERRED, transferred_at__lt=cutoff
        )
        result = transitions.move_many(
            overdue,
            Status.RETURNED,
            by=by,
            note=_("Tidak dicairkan dalam %(days)s hari setelah transfer.")
            % {"days": program.withdrawal_days},
            source="expire_withdrawals",
            at=now,
        )
        if result.moved:
            amount = Disbursement.objects.filter(
                application__program=program,
                application__status=Status.RETURNED,
                application__returned_at=now,
                outcome=Disbursement.Outcome.SUCCESS,
            ).aggregate(total=Sum("amount"))["total"]
            changed.append(Expired(program, result.moved, amount or 0))
    return changed


# --- Proposal list imports ------------------------------------------------------------------
# read -> check -> stage -> deduplicate -> review -> merge; the mechanics live in
# aid.importing, the state of each list changes only here.


def _import_state(proposal_list: ProposalList, **values) -> None:
    for name, value in values.items():
        setattr(proposal_list, name, value)
    ProposalList.objects.filter(pk=proposal_list.pk).update(**values)


def _discard_staging(proposal_list: ProposalList, *, delete_file: bool) -> None:
    ImportRow.objects.filter(proposal_list=proposal_list).delete()
    if delete_file and proposal_list.file:
        proposal_list.file.delete(save=False)
        ProposalList.objects.filter(pk=proposal_list.pk).update(file="")


def proposal_list_upload(
    *,
    program: Program,
    proposer_name: str,
    proposer_kind: str,
    file: IO[bytes],
    filename: str = "",
    by=None,
    received_on: datetime.date | None = None,
    max_bytes: int | None | Literal["default"] = "default",
    process: bool = True,
) -> ProposalList:
    """Keep an uploaded CSV/XLSX list and queue it for checking.

    Refuses with :class:`~aid.importing.guards.ListRefused` (a ``ValidationError`` with an
    Indonesian message), creating and storing nothing, a file that is empty, too large
    (``IMPORT_MAX_UPLOAD_MB``), not really CSV or XLSX, an unsafe workbook, or whose header
    lacks NIK or name. The file is stored under a random name (never the user's). With
    ``process`` the background task ``aid.tasks.proposal_list_process`` is enqueued.
    """
    from aid.importing.guards import check_upload
    from aid.importing.read import open_list

    if max_bytes == "default":
        max_bytes = settings.IMPORT_MAX_UPLOAD_MB * 1024 * 1024
    kind = check_upload(file, max_bytes=max_bytes)
    with open_list(file, kind):
        pass  # header and first data row are checked on opening
    file.seek(0)
    proposal_list = ProposalList(
        program=program,
        proposer_name=" ".join(proposer_name.split()),
        proposer_kind=proposer_kind,
        original_filename=os.path.basename(filename or getattr(file, "name", "") or "")[:255],
        uploaded_by=by,
        import_status=ImportStatus.UPLOADED,
    )
    if received_on:
        proposal_list.received_on = received_on
    proposal_list.file.save(f"{uuid.uuid4().hex}.{kind}", File(file), save=False)
    proposal_list.save()
    if process:
        from aid.tasks import proposal_list_process

        proposal_list_process.enqueue(proposal_list_id=proposal_list.pk)
        proposal_list.refresh_from_db()  # the immediate backend has already checked it
    return proposal_list


def proposal_list_stage(*, proposal_list: ProposalList):
    """Check and stage an uploaded list, then mark it ``staged`` for review.

    Runs once per upload (a second call on a list that is not ``uploaded`` does nothing and
    returns None). Progress (rows read, counts so far) is saved as it goes. A refused list
    ends ``refused`` and a crash ends ``failed``, each with an Indonesian message and with
    no staged rows left; a refused list's file is deleted too. Returns the StageReport.
    """
    from aid.importing import pipeline
    from aid.importing.guards import ListRefused

    claimed = ProposalList.objects.filter(
        pk=proposal_list.pk, import_status=ImportStatus.UPLOADED
    ).update(import_status=ImportStatus.PROCESSING, import_error="", rows_read=0, counts={})
    if not claimed:
        return None
    proposal_list.refresh_from_db()
    ImportRow.objects.filter(proposal_list=proposal_list).delete()

    def progress(rows_read: int, rows_total: int, counts: dict) -> None:
        _import_state(proposal_list, rows_read=rows_read, rows_total=rows_total, counts=counts)

    kind = proposal_list.file.name.rsplit(".", 1)[-1]
    try:
        with proposal_list.file.open("rb") as f:
            report = pipeline.stage_file(proposal_list, f, kind, on_progress=progress)
    except ListRefused as exc:
        _discard_staging(proposal_list, delete_file=True)
        _import_state(
            proposal_list, import_status=ImportStatus.REFUSED, import_error=exc.messages[0]
        )
        return None
    except Exception as exc:
        logger.exception("Staging proposal list %s failed", proposal_list.pk)
        _discard_staging(proposal_list, delete_file=False)
        _import_state(
            proposal_list,
            import_status=ImportStatus.FAILED,
            import_error=_(
                "Pemeriksaan daftar gagal karena kesalahan sistem (%(error)s). Berkas tetap "
                "tersimpan; hubungi admin portal."
            )
            % {"error": exc.__class__.__name__},
        )
        return None
    _import_state(
        proposal_list,
        import_status=ImportStatus.STAGED,
        headers=report.headers,
        rows_read=report.rows,
        rows_total=report.rows,
        counts=report.counts,
    )
    return report


@transaction.atomic
def proposal_list_confirm(*, proposal_list: ProposalList, by) -> int:
    """Merge the accepted rows of a staged list into the registry, in one transaction.

    Creates owners (existing owners matched by NIK are left as registered), businesses,
    active accounts where the owner has none, and one ``proposed`` application per accepted
    row with its status record; flagged rows get ``PossibleDuplicate`` records. Rows whose
    owner was proposed or paid since staging are rejected first. Any failure leaves nothing
    from the list. Returns the number of applications created; refuses (ValidationError)
    a list that is not ``staged``.
    """
    from aid.importing import dedupe, merge, review

    locked = (
        ProposalList.objects.select_for_update().select_related("program").get(pk=proposal_list.pk)
    )
    if locked.import_status != ImportStatus.STAGED:
        raise ValidationError(
            _('Daftar berstatus "%(status)s" tidak dapat digabungkan.')
            % {"status": locked.get_import_status_display() or "-"}
        )
    dedupe.reject_existing(locked)
    dedupe.link_owners(locked)
    at = timezone.now()
    created = merge.merge(locked, by=by, at=at)
    counts = {**review.counts(locked), "merged": created}
    _import_state(
        proposal_list,
        import_status=ImportStatus.MERGED,
        counts=counts,
        merged_at=at,
        merged_by=by,
    )
    return created


@transaction.atomic
def proposal_list_cancel(*, proposal_list: ProposalList, by=None) -> None:
    """Drop an unmerged list's staged rows and stored file; the list stays, ``cancelled``.

    Refuses (ValidationError) a list that is merged or still being checked.
    """
    locked = ProposalList.objects.select_for_update().get(pk=proposal_list.pk)
    if locked.import_status in (ImportStatus.MERGED, ImportStatus.PROCESSING):
        raise ValidationError(
            _('Daftar berstatus "%(status)s" tidak dapat dibatalkan.')
            % {"status": locked.get_import_status_display()}
        )
    _discard_staging(locked, delete_file=True)
    _import_state(proposal_list, import_status=ImportStatus.CANCELLED, file="")
