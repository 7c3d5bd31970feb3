"""The re-transfer queue sent to the bank again: failed transfers whose owner now has another
active account (``aid.selectors.ready_to_transfer_again``), exported in the bank's format,
each application recorded with the account it went to so a repeat is never silent."""

from __future__ import annotations

import tempfile

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from aid import money, resources, selectors
from aid.models import Application, Program, RetransferBatch, RetransferItem
from privacy import masking
from privacy.models import AccessLog
from privacy.services import access_log_record
from registry.models import BankAccount
from umkm_portal import events

# Items written per INSERT.
ITEM_BATCH = 2000


def _log_export(*, by, batch: RetransferBatch, file_format: str, what: str, full_identity: bool):
    access_log_record(
        user=by,
        action=AccessLog.Action.EXPORT,
        subject="aid.retransferbatch",
        object_id=batch.pk,
        rows=batch.rows,
        full_identity=full_identity,
        detail=f"{what} {batch.source} ({file_format.upper()})",
    )


def _nothing_ready(program: Program) -> str:
    return _("Tidak ada transfer gagal dengan rekening baru yang siap dikirim ulang di %(p)s.") % {
        "p": program.name
    }


def _to_send(program: Program, include_repeats: bool) -> tuple[list[int], set[int], str]:
    """The ids to send (sorted), those already sent to the same account, and why nothing
    can be sent ("" when something can)."""
    queue = selectors.retransfer_candidates(program)
    repeats = set(selectors.already_sent_again(queue).values_list("pk", flat=True))
    ids = sorted(set(queue.values_list("pk", flat=True)) - (set() if include_repeats else repeats))
    if ids:
        return ids, repeats, ""
    message = _nothing_ready(program)
    if repeats:
        message += " " + _(
            "%(n)s permohonan sudah pernah diekspor ke rekening yang sama; centang "
            '"Sertakan yang sudah pernah diekspor" untuk mengirimnya lagi.'
        ) % {"n": money.thousands(len(repeats))}
    return ids, repeats, message


def retransfer_refusal(*, program: Program, include_repeats: bool = False) -> str:
    """Why an export of ``program``'s re-transfer queue would send nothing, or "" (for the
    form, before a job is started)."""
    return _to_send(program, include_repeats)[2]


def retransfer_create(
    *, program: Program, file_format: str, by, include_repeats: bool = False, on_progress=None
) -> RetransferBatch:
    """Export the program's re-transfer queue for the bank and record it.

    Every application in the queue whose owner's current active account has not been in an
    earlier export goes in; one already exported to that same account is left out (and
    counted in the refusal when nothing else is left) unless ``include_repeats``, and then
    counted in ``repeated``. Each application is recorded with the account (bank, number,
    holder) it goes to; the file is written and kept on the batch, the export written to the
    personal-data access log, and ``events.transfer_sent_again`` announced on commit (the
    owners are told). Statuses do not change: the bank's report records the outcome.
    Refuses with a ValidationError (Indonesian, nothing written) when nothing is to be sent.
    """
    if file_format not in resources.FORMATS:
        raise ValidationError(_("Format berkas harus CSV atau XLSX."))
    ids, repeats, message = _to_send(program, include_repeats)
    if message:
        raise ValidationError(message)
    with transaction.atomic():
        batch = RetransferBatch.objects.create(program=program, created_by=by)
        items = []
        for chunk in selectors.chunks(ids):
            owners = dict(Application.objects.filter(pk__in=chunk).values_list("pk", "owner_id"))
            accounts = {
                account.owner_id: account
                for account in BankAccount.objects.filter(
                    is_active=True, owner_id__in=set(owners.values())
                ).select_related("bank")
            }
            for application_id in chunk:
                account = accounts.get(owners.get(application_id))
                if account is None:
                    continue  # the account was removed since the queue was read
                items.append(
                    RetransferItem(
                        batch=batch,
                        application_id=application_id,
                        bank_code=account.bank.code,
                        account_number=account.account_number,
                        holder_name=account.holder_name,
                    )
                )
        if not items:  # rolls the batch back
            raise ValidationError(_nothing_ready(program))
        RetransferItem.objects.bulk_create(items, batch_size=ITEM_BATCH)
        batch.rows = len(items)
        batch.repeated = len(repeats & {item.application_id for item in items})
        batch.save(update_fields=["rows", "repeated"])
        if on_progress:
            on_progress(len(items), len(items))
        with tempfile.TemporaryFile() as out:
            resources.render_retransfer_to(out, selectors.retransfer_rows(batch), file_format)
            out.seek(0)
            batch.file.save(
                f"kirim-ulang-{program.code}-{batch.pk}.{file_format}", File(out), save=False
            )
        batch.save(update_fields=["file"])
        _log_export(by=by, batch=batch, file_format=file_format, what="ekspor", full_identity=True)
        events.send_on_commit(
            events.transfer_sent_again, application_ids=[item.application_id for item in items]
        )
    return batch


def retransfer_export(*, batch: RetransferBatch, file_format: str, by) -> bytes:
    """The batch's rows again (the accounts as recorded on it), for staff who lost the
    file; masked for staff without the full-identity permission; changes nothing."""
    import io

    if file_format not in resources.FORMATS:
        raise ValidationError(_("Format berkas harus CSV atau XLSX."))
    full_identity = masking.can_view_full_identity(by)
    out = io.BytesIO()
    resources.render_retransfer_to(
        out, selectors.retransfer_rows(batch), file_format, full_identity=full_identity
    )
    _log_export(
        by=by,
        batch=batch,
        file_format=file_format,
        what="ekspor ulang",
        full_identity=full_identity,
    )
    return out.getvalue()
