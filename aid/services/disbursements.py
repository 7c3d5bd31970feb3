"""Money moving: transfers (bank report or manual entry), withdrawals, and the withdrawal
deadline that sends unwithdrawn transfers back to the treasury."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from aid import money, selectors, transitions
from aid.models import (
    Application,
    BankReport,
    Disbursement,
    Program,
    Reason,
    Status,
)
from aid.notes import Note
from aid.transitions import RECEIVED_STATUSES, refuse
from registry.models import Owner


class AlreadyRecorded(transitions.TransitionRefused):
    """The same bank event was recorded before; importing it again changes nothing."""


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
    refuse(reference_refusal(bank_reference, existing.application_id), application)


def reference_refusal(bank_reference: str, used_by: int) -> str:
    """A bank reference already on record for another event (of application ``used_by``)."""
    return _("Referensi bank %(ref)s sudah dipakai untuk transfer lain (permohonan #%(id)s).") % {
        "ref": bank_reference,
        "id": used_by,
    }


def _day(value) -> str:
    """A moment as staff read dates (Jakarta time, d-m-Y)."""
    return date_format(timezone.localtime(value), "d-m-Y")


def transfer_refusal(
    *,
    application: Application,
    status: str,
    owner: Owner,
    program: Program,
    paid_application_id: int | None,
    account,
    amount: int | None,
    account_number: str | None,
    bank_code: str,
    transferred_at=None,
) -> str:
    """Why a transfer attempt for ``application`` (now in ``status``) is refused, or "".

    The transfer rules, for :func:`disbursement_record` and the bank report's set-based
    path alike: the owner already received this one-time program's grant
    (``paid_application_id``: the application of a successful transfer of the owner in the
    program); the application is not approved or failed before; ``amount`` (when given)
    differs from the program amount; the owner has no active ``account``, or it awaits
    confirmation, or ``account_number``/``bank_code`` (when given) differ from it; the
    transfer is dated (``transferred_at``, when given) on a day before the application was
    approved.
    """
    if status in RECEIVED_STATUSES or (
        paid_application_id is not None
        and (program.one_time or paid_application_id == application.pk)
    ):
        return _("%(name)s sudah ditransfer %(program)s; bantuan ini hanya diberikan sekali.") % {
            "name": owner.full_name,
            "program": program.name,
        }
    if status not in transitions.sources_for(Status.TRANSFERRED):
        return _(
            'Permohonan %(name)s berstatus "%(status)s", belum ditetapkan sebagai penerima.'
        ) % {"name": owner.full_name, "status": Status(status).label}
    # By day (Jakarta): a bank report's date often has no time, and a transfer on the day
    # of the approval is possible.
    if (
        transferred_at is not None
        and application.approved_at is not None
        and timezone.localdate(transferred_at) < timezone.localdate(application.approved_at)
    ):
        return _(
            "Tanggal transfer %(date)s lebih awal dari tanggal penetapan %(name)s sebagai "
            "penerima (%(approved)s). Periksa tanggal transfer."
        ) % {
            "date": _day(transferred_at),
            "name": owner.full_name,
            "approved": _day(application.approved_at),
        }
    if amount is not None and amount != program.amount:
        return _(
            "Nominal Rp%(amount)s berbeda dengan nilai bantuan %(program)s (Rp%(expected)s)."
        ) % {
            "amount": money.thousands(amount),
            "program": program.name,
            "expected": money.thousands(program.amount),
        }
    if account is None:
        return _("%(name)s belum memiliki rekening aktif.") % {"name": owner.full_name}
    if selectors.account_awaits_confirmation(account):
        return _(
            "Rekening %(name)s diganti setelah permohonan diverifikasi dan belum "
            "dikonfirmasi Bendahara; transfer tidak dicatat ke rekening itu."
        ) % {"name": owner.full_name}
    if (account_number is not None and account_number != account.account_number) or (
        bank_code and bank_code != account.bank.code
    ):
        return _(
            "Rekening %(bank)s %(number)s bukan rekening aktif %(name)s yang tercatat "
            "(berakhiran %(last)s)."
        ) % {
            "bank": bank_code or account.bank.code,
            "number": account_number,
            "name": owner.full_name,
            "last": account.account_number[-4:],
        }
    return ""


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

    The Bendahara's manual entry (the bank report applies the same rules, set-based, with
    :func:`transfer_refusal` and :func:`reference_refusal`). Locks the owner and then the application, so concurrent attempts for the same
    owner are serialised and every one after the first sees its result. Refuses with a
    :class:`~aid.transitions.TransitionRefused` (Indonesian message, nothing written) when:
    the bank reference is already on record (:class:`AlreadyRecorded` when it is this very
    event again); the owner already received this one-time program's grant; the application
    is not approved or failed before; ``amount`` (when given) differs from the program
    amount; the owner has no active account, or ``account_number``/``bank_code`` (when given)
    differ from it; the active account replaced another after verification and no second
    person confirmed it (registry.services.bank_account_confirm). Otherwise snapshots the
    active account into a :class:`Disbursement` and moves the application to ``transferred`` or ``transfer_failed``.
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
    account = owner.bank_accounts.select_related("bank").filter(is_active=True).first()
    message = transfer_refusal(
        application=locked,
        status=locked.status,
        owner=owner,
        program=program,
        paid_application_id=paid.application_id if paid else None,
        account=account,
        amount=amount,
        account_number=account_number,
        bank_code=bank_code,
        transferred_at=transferred_at,
    )
    if message:
        refuse(message, locked)
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
                # The bank's words as given; none given is shown as such (aid.notes).
                failure_reason="" if succeeded else failure_reason,
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
        note=disbursement.failure_reason or ("" if succeeded else Note("no_reason_given")),
        # A code-like label, the same whatever language the recorder reads.
        source=source or f"penyaluran {bank_reference}",
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
        refuse(_("Transfer yang gagal tidak dapat dicairkan."))
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
            note=Note("not_withdrawn", {"days": program.withdrawal_days}),
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
