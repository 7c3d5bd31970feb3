"""Submission to the ministry: the batch, its file, and the access-log entry for it."""

from __future__ import annotations

import tempfile

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from aid import money, resources, selectors, transitions
from aid.importing.sql import write_batch, yield_write_lock
from aid.models import (
    Application,
    Program,
    ProposalList,
    Status,
    SubmissionBatch,
)
from privacy import masking
from privacy.models import AccessLog
from privacy.services import access_log_record


def _log_export(
    *, by, batch: SubmissionBatch, file_format: str, rows: int, what: str, full_identity: bool
) -> None:
    access_log_record(
        user=by,
        action=AccessLog.Action.EXPORT,
        subject="aid.submissionbatch",
        object_id=batch.pk,
        rows=rows,
        full_identity=full_identity,
        detail=f"{what} {batch.source} ({file_format.upper()})",
    )


# Applications tagged and moved per transaction by a submission.
SUBMIT_BATCH = 2000


def submission_create(
    *,
    program: Program,
    proposal_list: ProposalList | None = None,
    file_format: str,
    by,
    on_progress=None,
) -> SubmissionBatch:
    """Submit every verified application of the program (or of one proposal list).

    The applications are tagged with a new :class:`SubmissionBatch` and moved to
    ``submitted`` (history source "ekspor pengajuan #N") ``SUBMIT_BATCH`` at a time (ten times
    that on PostgreSQL), each its own short transaction. Then, with no write lock held, the ministry's file is written
    and kept on the batch (:func:`submission_file_write`) and the export is written to the
    personal-data access log. Applications held back by an open possible duplicate are left
    verified and counted in ``held_back``; those whose owner's account was changed after
    verification and not yet confirmed are left verified too. Refuses with a
    ValidationError when nothing can be submitted. ``on_progress(done, total)`` follows the
    applications moved (the job's page shows it).
    """
    if file_format not in resources.FORMATS:
        raise ValidationError(_("Format berkas harus CSV atau XLSX."))
    candidates = Application.objects.filter(program=program, status=Status.VERIFIED)
    if proposal_list is not None:
        candidates = candidates.filter(proposal_list=proposal_list)
    held = transitions.held_ids(candidates)
    if held:
        candidates = candidates.exclude(pk__in=held)
    # An account changed after verification waits for the Bendahara's confirmation before
    # it is sent to the ministry; those applications stay verified for a later batch.
    candidates = candidates.exclude(pk__in=selectors.with_unconfirmed_account(candidates))
    ids = list(candidates.order_by("pk").values_list("pk", flat=True))
    message = _("Tidak ada permohonan terverifikasi untuk diajukan dari %(what)s.") % {
        "what": proposal_list or program
    }
    if held:
        message += " " + _(
            "%(n)s permohonan ditahan karena kemungkinan data ganda atau data berbeda dengan "
            "registry yang belum diputuskan."
        ) % {"n": money.thousands(len(held))}
    if not ids:
        raise ValidationError(message)
    batch = SubmissionBatch.objects.create(
        program=program, proposal_list=proposal_list, created_by=by, held_back=len(held)
    )
    moved = 0
    size = write_batch(SUBMIT_BATCH)
    try:
        for start in range(0, len(ids), size):
            with transaction.atomic():
                # The UPDATE locks the rows it tags, so a verifier rejecting one at the same
                # moment either goes first (and it is not submitted) or waits until this
                # batch is done.
                Application.objects.filter(
                    pk__in=ids[start : start + size], status=Status.VERIFIED
                ).update(submission_batch=batch)
                moved += transitions.move_many(
                    Application.objects.filter(
                        pk__in=ids[start : start + size],
                        submission_batch=batch,
                        status=Status.VERIFIED,
                    ),
                    Status.SUBMITTED,
                    by=by,
                    source=batch.source,
                    at=batch.created_at,
                ).moved
            if on_progress:
                on_progress(min(start + size, len(ids)), len(ids))
            yield_write_lock()
    finally:
        batch.rows = moved
        SubmissionBatch.objects.filter(pk=batch.pk).update(rows=moved)
    if not moved:
        Application.objects.filter(submission_batch=batch).update(submission_batch=None)
        batch.delete()
        raise ValidationError(message)
    submission_file_write(batch=batch, file_format=file_format)
    _log_export(
        by=by,
        batch=batch,
        file_format=file_format,
        rows=batch.rows,
        what="ekspor",
        full_identity=True,
    )
    return batch


def submission_file_write(*, batch: SubmissionBatch, file_format: str) -> None:
    """Write the ministry's file of ``batch`` (its applications, one query, streamed to a
    temporary file) and keep it on the batch; writing it again replaces it."""
    with tempfile.TemporaryFile() as out:
        resources.render_to(
            out, selectors.submission_rows(batch), file_format, program=batch.program
        )
        out.seek(0)
        batch.file.save(
            f"pengajuan-{batch.program.code}-{batch.pk}.{file_format}", File(out), save=False
        )
    SubmissionBatch.objects.filter(pk=batch.pk).update(file=batch.file.name)


def submission_export(*, batch: SubmissionBatch, file_format: str, by) -> bytes:
    """The batch's applications again, in the ministry's format, with current registry
    details. Changes no status; the export is written to the personal-data access log.
    For staff without the full-identity permission NIK, phone and account are masked."""
    if file_format not in resources.FORMATS:
        raise ValidationError(_("Format berkas harus CSV atau XLSX."))
    full_identity = masking.can_view_full_identity(by)
    rows = selectors.submission_rows(batch)
    content = resources.render(
        rows, file_format, full_identity=full_identity, program=batch.program
    )
    _log_export(
        by=by,
        batch=batch,
        file_format=file_format,
        rows=len(rows),
        what="ekspor ulang",
        full_identity=full_identity,
    )
    return content
