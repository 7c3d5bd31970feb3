"""Writes for programs and applications. Status moves go through :mod:`aid.transitions`."""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from aid import transitions
from aid.models import Application, Disbursement, Program, ProposalList, Reason, Status
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


def proposal_list_files_purge(*, older_than, dry_run: bool = False) -> list[ProposalList]:
    """Delete the uploaded files of proposal lists received before ``older_than``.

    The lists themselves, their applications and outcomes stay; only the original file (NIKs
    and accounts as the proposer sent them) goes, and ``file`` is cleared. A file already
    missing from storage is cleared too. Idempotent: a second run finds nothing to do.
    Returns the lists whose file was (or, with ``dry_run``, would be) deleted.
    """
    purged = []
    candidates = ProposalList.objects.filter(created_at__lt=older_than).exclude(file="")
    for proposal_list in candidates.order_by("pk").iterator():
        name = proposal_list.file.name
        if not dry_run:
            with transaction.atomic():
                proposal_list.file.storage.delete(name)
                proposal_list.file = ""
                proposal_list.save(update_fields=["file"])
        logger.info(
            "proposal list file purged",
            extra={
                "proposal_list": proposal_list.pk,
                "file": name,
                "created_at": proposal_list.created_at.isoformat(),
                "dry_run": dry_run,
            },
        )
        purged.append(proposal_list)
    return purged
