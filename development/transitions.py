"""The one place that changes a capital referral's status.

``ALLOWED`` lists every permitted move; :func:`move` locks the referral, refuses anything
else with a :class:`TransitionRefused` (changing nothing) and writes a
:class:`~development.models.ReferralChange` with who, when, from, to and why. No other code
assigns ``Referral.status``.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from development.models import Referral, ReferralChange, ReferralStatus

S = ReferralStatus

ALLOWED: dict[str, frozenset[str]] = {
    S.REFERRED: frozenset({S.PROCESSING}),
    S.PROCESSING: frozenset({S.APPROVED, S.REJECTED}),
    S.APPROVED: frozenset({S.DISBURSED}),
    S.REJECTED: frozenset(),
    S.DISBURSED: frozenset(),
}

# Moves that need a reason in the note.
NEEDS_NOTE = frozenset({S.REJECTED})
# The order a referral normally moves in, for seeders and reports.
PATH: tuple[str, ...] = (S.REFERRED, S.PROCESSING, S.APPROVED, S.DISBURSED)


class TransitionRefused(Exception):
    """A move the table does not allow, or one that lacks what it needs."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def targets(referral: Referral) -> list[str]:
    """The statuses ``referral`` may move to now, in the order of :class:`ReferralStatus`."""
    return [s for s in S.values if s in ALLOWED[referral.status]]


@transaction.atomic
def move(
    referral: Referral,
    to_status: str,
    *,
    by,
    note: str = "",
    amount_approved: int | None = None,
    at: datetime.datetime | None = None,
) -> Referral:
    """Move ``referral`` to ``to_status`` and record it; return the updated referral.

    A rejection needs a note (the lender's reason). ``amount_approved`` may be given when
    approving; it defaults to the amount asked. Raises :class:`TransitionRefused` with an
    Indonesian message and changes nothing otherwise.
    """
    note = (note or "").strip()
    at = at or timezone.now()
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    if to_status not in ALLOWED[locked.status]:
        raise TransitionRefused(
            _('Status rujukan tidak dapat diubah dari "%(from)s" menjadi "%(to)s".')
            % {"from": S(locked.status).label, "to": S(to_status).label}
        )
    if to_status in NEEDS_NOTE and not note:
        raise TransitionRefused(_("Tuliskan alasan penolakan dari lembaga penyalur."))
    from_status = locked.status
    fields = ["status", "updated_at"]
    locked.status, locked.updated_at = to_status, at
    if to_status == S.APPROVED:
        if amount_approved is not None and amount_approved <= 0:
            raise TransitionRefused(_("Nilai yang disetujui harus lebih dari nol."))
        locked.amount_approved = amount_approved or locked.amount_asked
        fields.append("amount_approved")
    locked.save(update_fields=fields)
    ReferralChange.objects.create(
        referral=locked, from_status=from_status, to_status=to_status, note=note, by=by, at=at
    )
    return locked
