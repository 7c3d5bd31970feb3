"""Writes for programs and applications. Status moves go through :mod:`aid.transitions`."""

from __future__ import annotations

import datetime
import logging
import os
import uuid
from typing import IO, Literal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aid import transitions
from aid.models import (
    Application,
    Disbursement,
    ImportRow,
    ImportStatus,
    Program,
    ProposalList,
    Reason,
    Status,
)
from registry.models import Business

logger = logging.getLogger(__name__)

# Statuses that mean the owner has been paid this program's grant.
RECEIVED_STATUSES = (Status.TRANSFERRED, Status.WITHDRAWN, Status.RETURNED)


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
    *, application: Application, by, reason_code: str, note: str = ""
) -> Application:
    """Reject an application with a reason the owner will see on the status page."""
    return transitions.move(
        application, Status.REJECTED, by=by, reason_code=reason_code, note=note, source="verifikasi"
    )


@transaction.atomic
def disbursement_record(
    *,
    application: Application,
    bank_reference: str,
    succeeded: bool,
    transferred_at,
    failure_reason: str = "",
    by=None,
    source: str = "",
) -> Disbursement:
    """Record one transfer attempt for an approved (or previously failed) application.

    Locks the application, snapshots the owner's active account, and moves the application
    to ``transferred`` or ``transfer_failed``. Refuses, changing nothing, when the application
    cannot receive a transfer now, the owner has no active account, or the bank reference was
    already recorded.
    """
    locked = (
        Application.objects.select_for_update()
        .select_related("program", "owner")
        .get(pk=application.pk)
    )
    if Disbursement.objects.filter(bank_reference=bank_reference).exists():
        raise transitions.TransitionRefused(
            _("Referensi bank %(ref)s sudah pernah dicatat.") % {"ref": bank_reference},
            application_id=locked.pk,
        )
    if locked.status not in transitions.sources_for(Status.TRANSFERRED):
        raise transitions.TransitionRefused(
            _('Permohonan berstatus "%(status)s" tidak dapat ditransfer.')
            % {"status": locked.get_status_display()},
            application_id=locked.pk,
        )
    account = locked.owner.bank_accounts.select_related("bank").filter(is_active=True).first()
    if account is None:
        raise transitions.TransitionRefused(
            _("%(name)s belum memiliki rekening aktif.") % {"name": locked.owner.full_name},
            application_id=locked.pk,
        )
    disbursement = Disbursement.objects.create(
        application=locked,
        amount=locked.program.amount,
        bank_code=account.bank.code,
        account_number=account.account_number,
        holder_name=account.holder_name,
        transferred_at=transferred_at,
        bank_reference=bank_reference,
        outcome=Disbursement.Outcome.SUCCESS if succeeded else Disbursement.Outcome.FAILED,
        failure_reason="" if succeeded else failure_reason,
        source=source,
        recorded_by=by,
    )
    transitions.move(
        locked,
        Status.TRANSFERRED if succeeded else Status.TRANSFER_FAILED,
        by=by,
        reason_code="" if succeeded else Reason.OTHER,
        note=failure_reason,
        source=source or _("penyaluran %(ref)s") % {"ref": bank_reference},
        at=transferred_at,
    )
    return disbursement


@transaction.atomic
def disbursement_withdrawn(
    *, disbursement: Disbursement, withdrawn_at, by=None, source: str = ""
) -> Disbursement:
    """Record that the owner withdrew a successful transfer (transferred → withdrawn)."""
    locked = Disbursement.objects.select_for_update().get(pk=disbursement.pk)
    if locked.outcome != Disbursement.Outcome.SUCCESS:
        raise transitions.TransitionRefused(_("Transfer yang gagal tidak dapat dicairkan."))
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
