"""A proposer's own work on its lists: fix or remove refused rows in the browser, send the
checked list to the Dinas with its statement of responsibility (SPTJM), and the Dinas
sending it back with a note. The list's import status moves through
:func:`aid.transitions.import_move`; each correction is kept (:class:`ImportRowCorrection`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aid import transitions
from aid.importing import dedupe, review, stage
from aid.importing.check import Context, check_row
from aid.importing.columns import map_header
from aid.importing.read import values_of
from aid.models import ImportRow, ImportRowCorrection, ImportStatus, ProposalList
from umkm_portal import events

# The staged columns that checking a row decides (what staging writes, less the row as sent,
# its number and what the duplicate rules add later).
CHECKED_FIELDS = [f for f in stage.FIELDS if f not in ("row_number", "raw", "flags", "note")]
# Statuses in which the proposer may still change the rows of a list.
EDITABLE = (ImportStatus.STAGED, ImportStatus.RETURNED)
SPTJM_MAX_BYTES = 5 * 1024 * 1024


def _refuse_unless_editable(proposal_list: ProposalList) -> None:
    if proposal_list.import_status not in EDITABLE:
        raise ValidationError(
            _('Baris daftar berstatus "%(status)s" tidak dapat diubah lagi.')
            % {"status": proposal_list.get_import_status_display()}
        )


def _locked_row(row: ImportRow) -> ImportRow:
    locked = (
        # The list too: corrections of one list (and its sending) go one after another, as
        # each one may change other rows of the list (copies of a NIK, flags).
        ImportRow.objects.select_for_update(of=("self", "proposal_list"))
        .select_related("proposal_list__program")
        .get(pk=row.pk)
    )
    _refuse_unless_editable(locked.proposal_list)
    if locked.outcome == ImportRow.Outcome.REMOVED:
        # Read again under the lock: a removal that committed meanwhile is final.
        raise ValidationError(
            _("Baris %(n)s sudah dihapus dari daftar dan tidak dapat diubah lagi.")
            % {"n": locked.row_number}
        )
    return locked


def _refresh_counts(proposal_list: ProposalList) -> None:
    counts = review.counts(proposal_list)
    ProposalList.objects.filter(pk=proposal_list.pk).update(counts=counts)
    proposal_list.counts = counts


def editable_columns(proposal_list: ProposalList) -> dict[str, int]:
    """Canonical column -> position in the row, for the columns the list's file has."""
    return map_header(proposal_list.headers or [])


@dataclass(frozen=True)
class RowChange:
    """A corrected or removed row, and the other rows of its list accepted again because of
    it (row numbers): what the proposer is told."""

    row: ImportRow
    accepted_again: list[int] = field(default_factory=list)


def _recheck_list(changed: ImportRow, niks: set[str], *, by) -> list[int]:
    """The rest of the list after ``changed`` was corrected or removed: rows refused as
    copies of a NIK it held are checked again (the row they copied may have been this one),
    each with a record saying why, and the possible-duplicate flags are found again from the
    rows as they are. Returns the numbers of the rows accepted again."""
    proposal_list = changed.proposal_list
    rechecked = list(
        ImportRow.objects.filter(pk__in=dedupe.recheck_copies(proposal_list, niks)).order_by(
            "row_number"
        )
    )
    dedupe.reflag(proposal_list)
    why = (
        _("Diperiksa lagi setelah baris %(n)s dihapus.")
        if changed.outcome == ImportRow.Outcome.REMOVED
        else _("Diperiksa lagi setelah baris %(n)s diperbaiki.")
    ) % {"n": changed.row_number}
    ImportRowCorrection.objects.bulk_create(
        ImportRowCorrection(
            row=row,
            action=ImportRowCorrection.Action.RECHECKED,
            raw_before=row.raw,
            raw_after=row.raw,
            outcome_after=row.outcome,
            message_after=" ".join(filter(None, [why, row.proposer_explanation])),
            by=by,
        )
        for row in rechecked
    )
    return [row.row_number for row in rechecked if row.outcome == ImportRow.Outcome.ACCEPTED]


@transaction.atomic
def import_row_correct(*, row: ImportRow, values: dict[str, str], by) -> RowChange:
    """Correct a row of a list that is staged or returned, with the checks of the import.

    ``values`` maps canonical columns (``nik``, ``full_name``, ...) to the corrected text;
    columns the file does not have are ignored. The row is checked again at once, as at
    import (identifiers, region, bank), then against the program (already proposed or paid,
    accepted in an earlier version) and the list (the same NIK on another accepted row).
    The row as first sent stays in ``original_raw``; the correction is recorded with who
    and when. The rest of the list follows (:func:`_recheck_list`). Returns the row with its
    new outcome and message, and the rows accepted again.
    """
    locked = _locked_row(row)
    proposal_list = locked.proposal_list
    mapping = editable_columns(proposal_list)
    cells = [str(c) for c in locked.raw]
    cells += [""] * (len(proposal_list.headers) - len(cells))
    for column, position in mapping.items():
        if column in values:
            cells[position] = " ".join(str(values[column] or "").split())
    checked = check_row(
        locked.row_number, cells, values_of(cells, mapping), Context.load(proposal_list)
    )
    before = list(locked.raw)
    nik_before = locked.nik
    if locked.original_raw is None:
        locked.original_raw = before
    for name in CHECKED_FIELDS:
        setattr(locked, name, getattr(checked, name))
    locked.message_code, locked.message_params = "", None  # the rules run again below
    locked.raw = cells
    locked.flags = []
    locked.note, locked.note_codes = " ".join(checked.warnings), None
    locked.owner_id = locked.business_id = None
    locked.save()
    if locked.outcome == ImportRow.Outcome.ACCEPTED:
        dedupe.recheck_rows(proposal_list, [locked.pk], corrected=True)
    accepted_again = _recheck_list(locked, {nik_before} - {""}, by=by)
    locked.refresh_from_db()
    ImportRowCorrection.objects.create(
        row=locked,
        action=ImportRowCorrection.Action.CORRECTED,
        raw_before=before,
        raw_after=cells,
        outcome_after=locked.outcome,
        message_after=locked.proposer_explanation,
        by=by,
    )
    _refresh_counts(proposal_list)
    return RowChange(locked, accepted_again)


@transaction.atomic
def import_row_remove(*, row: ImportRow, by) -> RowChange:
    """Take a row out of a staged or returned list (it will not be merged); kept on record.
    Returns the row and the rows accepted again (:func:`_recheck_list`)."""
    locked = _locked_row(row)
    before_outcome = locked.outcome
    locked.outcome = ImportRow.Outcome.REMOVED
    locked.save(update_fields=["outcome"])
    accepted_again = _recheck_list(locked, {locked.nik} - {""}, by=by)
    ImportRowCorrection.objects.create(
        row=locked,
        action=ImportRowCorrection.Action.REMOVED,
        raw_before=locked.raw,
        raw_after=locked.raw,
        outcome_after=locked.outcome,
        message_after=_("Dihapus (sebelumnya: %(outcome)s).")
        % {"outcome": ImportRow.Outcome(before_outcome).label},
        by=by,
    )
    _refresh_counts(locked.proposal_list)
    return RowChange(locked, accepted_again)


@transaction.atomic
def proposal_list_submit(
    *,
    proposal_list: ProposalList,
    by,
    sptjm_name: str,
    sptjm_position: str,
    sptjm_agreed: bool,
    sptjm_file: UploadedFile | None = None,
) -> ProposalList:
    """Send a checked list to the Dinas with the officer's statement of responsibility.

    Refuses (ValidationError, nothing changed) without the statement ticked and the
    officer's name and position, a list not staged or returned, a list with no accepted
    row, or a signed statement that is not a PDF of at most 5 MB.
    """
    locked = ProposalList.objects.select_for_update().get(pk=proposal_list.pk)
    name, position = " ".join(sptjm_name.split()), " ".join(sptjm_position.split())
    if not (sptjm_agreed and name and position):
        raise ValidationError(
            _(
                "Centang pernyataan tanggung jawab (SPTJM) dan isi nama serta jabatan petugas "
                "yang bertanggung jawab atas data ini."
            )
        )
    if not transitions.import_can_move(locked.import_status, ImportStatus.SUBMITTED):
        raise ValidationError(
            _('Daftar berstatus "%(status)s" tidak dapat dikirim ke Dinas.')
            % {"status": locked.get_import_status_display()}
        )
    if not ImportRow.objects.filter(
        proposal_list=locked, outcome=ImportRow.Outcome.ACCEPTED
    ).exists():
        raise ValidationError(
            _("Tidak ada baris yang diterima; perbaiki baris yang bermasalah lebih dulu.")
        )
    if sptjm_file is not None:
        head = sptjm_file.read(5)
        sptjm_file.seek(0)
        if sptjm_file.size > SPTJM_MAX_BYTES or head != b"%PDF-":
            raise ValidationError(_("SPTJM bertanda tangan harus berkas PDF, paling besar 5 MB."))
        locked.sptjm_file.save(f"sptjm-{locked.pk}.pdf", sptjm_file, save=False)
        ProposalList.objects.filter(pk=locked.pk).update(sptjm_file=locked.sptjm_file.name)
    transitions.import_move(
        locked,
        ImportStatus.SUBMITTED,
        submitted_at=timezone.now(),
        submitted_by=by,
        sptjm_name=name[:150],
        sptjm_position=position[:150],
    )
    proposal_list.refresh_from_db()
    return proposal_list


@transaction.atomic
def proposal_list_return(*, proposal_list: ProposalList, by, note: str) -> ProposalList:
    """The Dinas sends a submitted list back to its proposer with a note saying what to fix."""
    note = (note or "").strip()
    if not note:
        raise ValidationError(_("Tulis catatan untuk pengusul: apa yang perlu diperbaiki."))
    if not transitions.import_move(
        proposal_list, ImportStatus.RETURNED, returned_note=note, returned_at=timezone.now()
    ):
        raise ValidationError(_("Hanya daftar yang sudah dikirim ke Dinas dapat dikembalikan."))
    events.send_on_commit(events.proposal_list_returned, proposal_list=proposal_list)
    return proposal_list
