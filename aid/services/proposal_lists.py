"""Proposal list imports: read -> check -> stage -> deduplicate -> review -> merge.

The mechanics live in :mod:`aid.importing`; the state of each list changes only here."""

from __future__ import annotations

import datetime
import logging
import os
import uuid
from collections.abc import Callable
from typing import IO, Literal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aid import selectors, transitions
from aid.importing.sql import write_batch, yield_write_lock
from aid.models import (
    ImportPhase,
    ImportRow,
    ImportStatus,
    Program,
    ProposalList,
)
from aid.selectors import import_stuck
from proposers.models import Proposer
from proposers.services import proposer_resolve
from registry.models import Region
from umkm_portal import events

logger = logging.getLogger(__name__)


class ImportAbandoned(Exception):
    """The list left ``processing`` under a running check (cancelled or queued again)."""


class DatabaseBusy(Exception):
    """SQLite stayed locked past its busy timeout; the list was put back in the queue."""


def is_locked(exc: BaseException) -> bool:
    """Whether ``exc`` is SQLite's "database is locked" (its busy timeout ran out)."""
    return isinstance(exc, OperationalError) and "locked" in str(exc).lower()


def _import_progress(proposal_list: ProposalList, **values) -> None:
    """Write progress (and the heartbeat) of a list this worker is checking.

    Raises :class:`ImportAbandoned` when the list is no longer ``processing`` (staff
    cancelled it or queued it again after deciding its worker was gone), so a worker that
    was only slow stops instead of writing over the next attempt.
    """
    values["import_updated_at"] = timezone.now()
    updated = ProposalList.objects.filter(
        pk=proposal_list.pk, import_status=ImportStatus.PROCESSING
    ).update(**values)
    if not updated:
        raise ImportAbandoned
    for name, value in values.items():
        setattr(proposal_list, name, value)


def _discard_staging(proposal_list: ProposalList, *, delete_file: bool) -> None:
    ImportRow.objects.filter(proposal_list=proposal_list).delete()
    if delete_file and proposal_list.file:
        proposal_list.file.delete(save=False)
        ProposalList.objects.filter(pk=proposal_list.pk).update(file="")


def proposal_list_upload(
    *,
    program: Program,
    file: IO[bytes],
    proposer: Proposer | None = None,
    proposer_name: str = "",
    proposer_kind: str = "",
    proposer_address: str = "",
    proposer_phone: str = "",
    filename: str = "",
    by=None,
    received_on: datetime.date | None = None,
    max_bytes: int | None | Literal["default"] = "default",
    process: bool = True,
    sent_by_proposer: bool = False,
    kelurahan: Region | None = None,
) -> ProposalList:
    """Keep an uploaded CSV/XLSX list and queue it for checking.

    ``kelurahan`` is the kelurahan of every row that names none (chosen at upload); a
    kelurahan office's list takes the office's kelurahan when none is chosen.

    The list belongs to ``proposer`` (or to the proposer named ``proposer_name``, created on
    first use with ``proposer_address`` and ``proposer_phone``: proposers.services.
    proposer_resolve). A list sent again by the same proposer for the same program is the next
    version of its earlier list: rows accepted before are recognised, not refused.

    Refuses with :class:`~aid.importing.guards.ListRefused` (a ``ValidationError`` with an
    Indonesian message), creating and storing nothing, a file that is empty, too large
    (``IMPORT_MAX_UPLOAD_MB``), not really CSV or XLSX, an unsafe workbook, or whose header
    lacks NIK or name; and a list sent outside the program's proposal window, or by a
    proposer whose quota is full. The file is stored under a random name (never the
    user's). With ``process`` the background task ``aid.tasks.proposal_list_process`` is
    enqueued.
    """
    from aid.importing.guards import ListRefused, check_upload
    from aid.importing.read import open_list

    if proposer is None:
        proposer = proposer_resolve(
            name=proposer_name,
            kind=proposer_kind or ProposalList.ProposerKind.OTHER,
            address=proposer_address,
            phone=proposer_phone,
        )
    refusal = selectors.proposal_window_refusal(program, proposer, on=received_on)
    if refusal:
        raise ListRefused(refusal)
    if kelurahan is not None and kelurahan.level != Region.Level.KELURAHAN:
        raise ValidationError({"kelurahan": _("Pilih sebuah kelurahan, bukan kecamatan.")})
    if kelurahan is None and proposer.kind == Proposer.Kind.KELURAHAN and proposer.kelurahan_id:
        served = proposer.kelurahan
        kelurahan = served if served.level == Region.Level.KELURAHAN else None
    if max_bytes == "default":
        max_bytes = settings.IMPORT_MAX_UPLOAD_MB * 1024 * 1024
    kind = check_upload(file, max_bytes=max_bytes)
    with open_list(file, kind):
        pass  # header and first data row are checked on opening
    file.seek(0)
    previous = selectors.latest_list_of(proposer, program)
    proposal_list = ProposalList(
        program=program,
        proposer=proposer,
        proposer_name=proposer.name,
        proposer_kind=proposer.kind,
        previous=previous,
        version=previous.version + 1 if previous else 1,
        sent_by_proposer=sent_by_proposer,
        kelurahan=kelurahan,
        original_filename=os.path.basename(filename or getattr(file, "name", "") or "")[:255],
        uploaded_by=by,
        import_status=ImportStatus.UPLOADED,
    )
    if received_on:
        proposal_list.received_on = received_on
    proposal_list.file.save(f"{uuid.uuid4().hex}.{kind}", File(file), save=False)
    proposal_list.save()
    if process:
        proposal_list_check_start(proposal_list, by=by)
        proposal_list.refresh_from_db()  # the immediate backend has already checked it
    return proposal_list


def proposal_list_check_start(proposal_list: ProposalList, *, by=None):
    """Queue the check of ``proposal_list`` as a background job (``aid.check``, see aid.jobs),
    shown on the job's progress page; returns the job. A check already queued or running for
    the list is returned instead of a second one."""
    from aid import jobs as aid_jobs
    from jobs import services as job_services

    job, created = job_services.start(
        kind=aid_jobs.CHECK,
        key=aid_jobs.check_key(proposal_list.pk),
        params={"proposal_list_id": proposal_list.pk},
        by=by,
        subject=str(proposal_list),
    )
    if not created and job_services.is_stale(job):
        # The list was queued again because its worker is gone: so is the job's.
        job = job_services.requeue(job=job, orphaned=True)
    return job


def proposal_list_stage(
    *, proposal_list: ProposalList, last_attempt: bool = True, on_progress=None
):
    """Check and stage an uploaded list, then mark it ``staged`` for review.

    Runs once per upload (a second call on a list that is not ``uploaded`` does nothing and
    returns None). Rows are committed per batch together with the progress (rows read,
    counts so far, heartbeat), so no write transaction is longer than one batch. A refused
    list ends ``refused`` and a crash ends ``failed``, each with an Indonesian message and
    with no staged rows left; a refused list's file is deleted too. When SQLite stays locked
    past its busy timeout and this is not ``last_attempt``, the list goes back to
    ``uploaded`` and :class:`DatabaseBusy` is raised for the caller to retry. A list
    cancelled or queued again while being checked is left to whoever moved it.
    ``on_progress(proposal_list)`` is called after each progress write (the check job shows
    it). Returns the StageReport.
    """
    from aid.importing import pipeline
    from aid.importing.guards import ListRefused

    if not transitions.import_move(
        proposal_list,
        ImportStatus.PROCESSING,
        import_error="",
        import_phase=ImportPhase.READING,
        rows_read=0,
        counts={},
    ):
        return None
    proposal_list.refresh_from_db()
    ImportRow.objects.filter(proposal_list=proposal_list).delete()

    def progress(rows_read: int, rows_total: int, counts: dict) -> None:
        _import_progress(proposal_list, rows_read=rows_read, rows_total=rows_total, counts=counts)
        if on_progress:
            on_progress(proposal_list)

    def phase(name: str) -> None:
        _import_progress(proposal_list, import_phase=name)
        if on_progress:
            on_progress(proposal_list)

    kind = proposal_list.file.name.rsplit(".", 1)[-1]
    try:
        with proposal_list.file.open("rb") as f:
            report = pipeline.stage_file(
                proposal_list, f, kind, on_progress=progress, on_phase=phase
            )
    except ListRefused as exc:
        _discard_staging(proposal_list, delete_file=True)
        transitions.import_move(proposal_list, ImportStatus.REFUSED, import_error=exc.messages[0])
        return None
    except ImportAbandoned:
        logger.warning("Proposal list %s left processing while being checked", proposal_list.pk)
        return None
    except Exception as exc:
        if is_locked(exc) and not last_attempt:
            logger.warning(
                "Database locked while checking proposal list %s; queued again",
                proposal_list.pk,
            )
            _discard_staging(proposal_list, delete_file=False)
            transitions.import_move(
                proposal_list,
                ImportStatus.UPLOADED,
                import_phase=ImportPhase.WAITING,
                rows_read=0,
                rows_total=0,
                counts={},
            )
            raise DatabaseBusy from exc
        logger.exception("Staging proposal list %s failed", proposal_list.pk)
        _discard_staging(proposal_list, delete_file=False)
        if is_locked(exc):
            message = _(
                "Pemeriksaan daftar gagal karena basis data terus sibuk. Berkas tetap "
                "tersimpan; periksa ulang daftar ini nanti."
            )
        else:
            message = _(
                "Pemeriksaan daftar gagal karena kesalahan sistem (%(error)s). Berkas tetap "
                "tersimpan; hubungi admin portal."
            ) % {"error": exc.__class__.__name__}
        transitions.import_move(proposal_list, ImportStatus.FAILED, import_error=message)
        return None
    transitions.import_move(
        proposal_list,
        ImportStatus.STAGED,
        headers=report.headers,
        rows_read=report.rows,
        rows_total=report.rows,
        counts=report.counts,
        closing_rows=report.closing_rows,
        closing_row_numbers=report.closing_row_numbers[
            : ProposalList._meta.get_field("closing_row_numbers").max_length
        ],
    )
    return report


# Accepted rows merged per transaction: a batch holds SQLite's write lock for well under a
# second, so status checks, logins and staff work go on during a merge of 66,000 rows.
MERGE_BATCH_ROWS = 2000


def proposal_list_confirm(
    *,
    proposal_list: ProposalList,
    by,
    batch_rows: int | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> int:
    """Merge the accepted rows of a staged (or, from a proposer's workspace, submitted)
    list into the registry: all of it or, while it runs, none of it as far as the round is
    concerned.

    Creates owners (existing owners matched by NIK are left as registered), businesses,
    active accounts where the owner has none, and one ``proposed`` application per accepted
    row with its status record; flagged rows get ``PossibleDuplicate`` records. Rows whose
    owner was proposed or paid since staging are rejected first.

    The list moves to ``merging`` first; the rows are then merged in batches of
    ``batch_rows`` accepted rows (default ``MERGE_BATCH_ROWS``, ten times that on
    PostgreSQL: :func:`aid.importing.sql.write_batch`), each its own short transaction that
    also records how far the merge got (``counts["merge_row"]``); the pairs are recorded in
    one more transaction (``counts["paired"]``) and the list ends ``merged`` in the last.
    Applications of a list still ``merging`` cannot be verified. A merge that stopped
    half-way (worker died, error) is resumed by calling this again: it goes on after the
    last batch that committed, so no row is merged twice; a second caller while one runs is
    refused. ``on_progress(applications created so far)`` is called after each batch (the
    merge job's page shows it). Returns the number of applications created; refuses
    (ValidationError) a list that is not ``staged`` (or ``submitted``) or ``merging``.
    """
    from aid.importing import dedupe, merge, review

    with transaction.atomic():
        locked = (
            ProposalList.objects.select_for_update()
            .select_related("program")
            .get(pk=proposal_list.pk)
        )
        if locked.import_status != ImportStatus.MERGING:
            if not transitions.import_can_move(locked.import_status, ImportStatus.MERGING):
                raise ValidationError(
                    _('Daftar berstatus "%(status)s" tidak dapat digabungkan.')
                    % {"status": locked.get_import_status_display() or "-"}
                )
            if locked.sent_by_proposer and locked.import_status != ImportStatus.SUBMITTED:
                raise ValidationError(
                    _(
                        "Daftar ini belum dikirim oleh pengusulnya ke Dinas (dengan SPTJM); "
                        "penggabungan menunggu pengirimannya."
                    )
                )
            dedupe.mark_previously_accepted(locked)
            dedupe.reject_existing(locked)
            dedupe.reject_corrected_niks(locked)
            dedupe.link_owners(locked)
            transitions.import_move(
                locked,
                ImportStatus.MERGING,
                counts={**review.counts(locked), "merged": 0, "merge_row": 0},
                merged_at=timezone.now(),
                merged_by=by,
            )
    at = locked.merged_at
    done = int(locked.counts.get("merge_row", 0))
    batch_rows = batch_rows or write_batch(MERGE_BATCH_ROWS)
    for first, last in merge.row_batches(locked, batch_rows, after=done):
        with transaction.atomic():
            # Claim the batch (compare-and-set on how far the merge got): a second caller
            # finds the list moved on and stops instead of merging the rows twice.
            claimed = ProposalList.objects.filter(
                pk=locked.pk, import_status=ImportStatus.MERGING, counts__merge_row=done
            ).update(import_updated_at=timezone.now())
            if not claimed:
                raise ValidationError(_("Daftar ini sedang digabungkan; tunggu hingga selesai."))
            created = merge.merge_rows(locked, by=by, at=at, first_row=first, last_row=last)
            locked.counts = {
                **locked.counts,
                "merged": int(locked.counts.get("merged", 0)) + created,
                "merge_row": last,
            }
            ProposalList.objects.filter(pk=locked.pk).update(counts=locked.counts)
            done = last
        if on_progress:
            on_progress(int(locked.counts["merged"]))
        yield_write_lock()
    with transaction.atomic():
        final = ProposalList.objects.select_for_update().get(pk=locked.pk)
        if (
            final.import_status != ImportStatus.MERGING
            or int(final.counts.get("merge_row", 0)) != done
        ):
            raise ValidationError(_("Daftar ini sedang digabungkan; tunggu hingga selesai."))
        if not final.counts.get("paired"):
            merge.link_pairs(locked, at=at)
            final.counts = {**final.counts, "paired": True}
            ProposalList.objects.filter(pk=locked.pk).update(counts=final.counts)
    with transaction.atomic():
        final = ProposalList.objects.select_for_update().get(pk=locked.pk)
        if final.import_status != ImportStatus.MERGING:
            raise ValidationError(_("Daftar ini sedang digabungkan; tunggu hingga selesai."))
        created = merge.merged_count(locked)
        counts = {**review.counts(locked), "merged": created}
        # Inside the list's last transaction: what the periphery writes about the merge
        # (e.g. the status page's record of the refused rows) stands or falls with it.
        events.send(events.proposal_list_merged, proposal_list=locked)
        transitions.import_move(
            proposal_list, ImportStatus.MERGED, counts=counts, merged_at=at, merged_by=by
        )
    return created


@transaction.atomic
def proposal_list_cancel(*, proposal_list: ProposalList, by=None) -> None:
    """Drop an unmerged list's staged rows and stored file; the list stays, ``cancelled``.

    Refuses (ValidationError) a list that is merged or still being checked; a list stuck in
    ``processing`` (see :func:`import_stuck`) may be cancelled.
    """
    locked = ProposalList.objects.select_for_update().get(pk=proposal_list.pk)
    # A list being checked right now is cancelled only once its worker is gone (no progress
    # for IMPORT_STUCK_AFTER); should that worker wake up, its next progress write finds the
    # list cancelled and it stops (ImportAbandoned).
    busy = locked.import_status == ImportStatus.PROCESSING and not import_stuck(locked)
    if busy or not transitions.import_can_move(locked.import_status, ImportStatus.CANCELLED):
        raise ValidationError(
            _('Daftar berstatus "%(status)s" tidak dapat dibatalkan.')
            % {"status": locked.get_import_status_display()}
        )
    _discard_staging(locked, delete_file=True)
    transitions.import_move(proposal_list, ImportStatus.CANCELLED, file="")


def proposal_list_requeue(
    *, proposal_list: ProposalList, by=None, orphaned: bool = False, enqueue: bool = True
) -> None:
    """Queue a list for checking again: one that failed, one stuck in ``processing`` (its
    worker is gone, see :func:`import_stuck`), or one still waiting to be claimed.

    The staged rows of the earlier attempt are dropped, the list goes back to ``uploaded``
    and its check job is started (or the live one found); ``enqueue=False`` when the caller
    is that job. Refuses (ValidationError) any other list, including one that is being
    checked and still making progress, unless the caller knows no worker runs
    (``orphaned``).
    """
    with transaction.atomic():
        locked = ProposalList.objects.select_for_update().get(pk=proposal_list.pk)
        status = locked.import_status
        if status == ImportStatus.PROCESSING and not (orphaned or import_stuck(locked)):
            raise ValidationError(
                _("Daftar ini masih diperiksa dan terus berjalan; tunggu hingga selesai.")
            )
        if status != ImportStatus.UPLOADED and not transitions.import_can_move(
            status, ImportStatus.UPLOADED
        ):
            raise ValidationError(
                _('Daftar berstatus "%(status)s" tidak dapat diperiksa ulang.')
                % {"status": locked.get_import_status_display() or "-"}
            )
        if status != ImportStatus.UPLOADED:
            ImportRow.objects.filter(proposal_list=locked).delete()
            transitions.import_move(
                locked,
                ImportStatus.UPLOADED,
                import_error="",
                import_phase=ImportPhase.WAITING,
                rows_read=0,
                rows_total=0,
                counts={},
            )
        else:
            ProposalList.objects.filter(pk=locked.pk).update(import_updated_at=timezone.now())
    logger.info("Proposal list %s queued again (was %s) by %s", locked.pk, status, by)
    if enqueue:
        proposal_list_check_start(locked, by=by)
    proposal_list.refresh_from_db()


def proposal_lists_recover(*, all_processing: bool = False) -> list[int]:
    """Queue again every list whose worker is gone; returns their ids.

    Lists stuck in ``processing`` (no progress for ``selectors.IMPORT_STUCK_AFTER``) and lists
    ``uploaded`` but unclaimed that long are queued again with :func:`proposal_list_requeue`.
    ``all_processing`` takes every list in ``processing`` and every ``uploaded`` one, however
    recent: only for when no worker can be running (``./run`` starting its worker).
    """
    lists = ProposalList.objects.filter(
        import_status__in=[ImportStatus.PROCESSING, ImportStatus.UPLOADED]
    )
    if not all_processing:
        cutoff = timezone.now() - selectors.IMPORT_STUCK_AFTER
        lists = lists.filter(import_updated_at__lt=cutoff) | lists.filter(
            import_updated_at__isnull=True, created_at__lt=cutoff
        )
    recovered = []
    for proposal_list in lists:
        try:
            # With all_processing no worker runs: the list is an orphan whatever its
            # heartbeat says.
            proposal_list_requeue(proposal_list=proposal_list, orphaned=all_processing)
        except ValidationError:
            continue
        recovered.append(proposal_list.pk)
        logger.warning("Recovered proposal list %s left without a worker", proposal_list.pk)
    return recovered
