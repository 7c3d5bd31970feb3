"""Decisions on possible duplicates (data ganda) flagged at import, and their reopening."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aid import transitions
from aid.models import (
    Application,
    PossibleDuplicate,
    Reason,
    Status,
)
from aid.notes import Note

# The change reason of the history record each write leaves (a reopening's is its reason).
DECIDED = "decided"


def _locked(flag: PossibleDuplicate) -> PossibleDuplicate:
    return (
        PossibleDuplicate.objects.select_for_update(of=("self",))
        .select_related("application", "other", "decided_by")
        .get(pk=flag.pk)
    )


def _save(flag: PossibleDuplicate, *, by, reason: str) -> None:
    """Save the decision fields; simple-history records who did it and why."""
    flag._history_user = by
    flag._change_reason = reason
    flag.save(update_fields=["decision", "decided_by", "decided_at", "note"])


@transaction.atomic
def possible_duplicate_decide(
    *,
    flag: PossibleDuplicate,
    decision: str,
    by,
    note: str = "",
    keep: Application | int | None = None,
) -> PossibleDuplicate:
    """Record a verifier's decision on a pair of applications.

    ``same_person``: ``keep`` (one of the pair; by default the one proposed first) stays and
    the other is rejected as ``duplicate_existing`` through the transitions, unless it is
    already rejected. ``different_people``: the pair is closed and both go on. Refused
    (``TransitionRefused`` or ``ValidationError``, nothing written) when the pair is already
    decided, when ``keep`` is not one of the pair or is itself rejected while the other is
    not, or when the other can no longer be rejected (e.g. it was already paid).
    """
    if decision not in PossibleDuplicate.Decision.values:
        raise ValidationError(_("Keputusan tidak dikenal."))
    locked = _locked(flag)
    if locked.decision:
        transitions.refuse(
            _("Kemungkinan data ganda ini sudah diputuskan (%(decision)s) oleh %(by)s.")
            % {"decision": locked.get_decision_display(), "by": locked.decided_by or "-"}
        )
    if decision == PossibleDuplicate.Decision.SAME_PERSON:
        pair = (locked.application, locked.other)
        if keep is None:
            kept = min(pair, key=lambda a: (a.proposed_at, a.pk))
        else:
            keep_id = getattr(keep, "pk", keep)
            kept = next((a for a in pair if a.pk == keep_id), None)
            if kept is None:
                raise ValidationError(
                    _("Permohonan #%(id)s bukan bagian dari pasangan ini.") % {"id": keep_id}
                )
        dropped = pair[1] if kept is pair[0] else pair[0]
        if kept.status == Status.REJECTED and dropped.status != Status.REJECTED:
            transitions.refuse(
                _(
                    "Permohonan #%(id)s yang dipilih untuk dipertahankan sudah ditolak; pilih "
                    "permohonan yang lain."
                )
                % {"id": kept.pk},
                kept,
            )
        if dropped.status != Status.REJECTED:
            transitions.move(
                dropped,
                Status.REJECTED,
                by=by,
                reason_code=Reason.DUPLICATE_EXISTING,
                note=Note("same_person", {"id": kept.pk}, text=note),
                source=f"kemungkinan data ganda #{locked.pk}",
            )
    locked.decision, locked.decided_by, locked.decided_at = decision, by, timezone.now()
    locked.note = note
    _save(locked, by=by, reason=DECIDED)
    return locked


@transaction.atomic
def possible_duplicate_reopen(*, flag: PossibleDuplicate, by, reason: str) -> PossibleDuplicate:
    """Open a decided pair again, for a new decision; ``reason`` is required.

    The earlier decision, who made it and its note stay in the pair's history, with this
    reopening (who, when, the reason) after it. An application rejected because of a
    ``same_person`` decision stays rejected: the transitions table allows no move out of
    "rejected", so that is handled separately. Refused when the pair is still open.
    """
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Tuliskan alasan membuka kembali keputusan ini."))
    locked = _locked(flag)
    if not locked.decision:
        transitions.refuse(_("Kemungkinan data ganda ini belum diputuskan."))
    locked.decision, locked.decided_by, locked.decided_at, locked.note = "", None, None, ""
    _save(locked, by=by, reason=reason)
    return locked
