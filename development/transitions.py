"""The one place that changes a capital referral's status: its machine on
:mod:`umkm_portal.states`.

``ALLOWED`` lists every permitted move; :func:`move` locks the referral, refuses anything
else with the one :class:`~umkm_portal.states.TransitionRefused` (changing nothing) and writes a
:class:`~development.models.ReferralChange` with who, when, from, to and why. No other code
assigns ``Referral.status``.
"""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from development.models import Referral, ReferralChange, ReferralStatus
from umkm_portal import events, states

S = ReferralStatus

ALLOWED: dict[str, frozenset[str]] = {
    S.REFERRED: frozenset({S.PROCESSING, S.CANCELLED}),
    S.PROCESSING: frozenset({S.APPROVED, S.REJECTED, S.CANCELLED}),
    # Approved but not paid out: the owner may withdraw, or the referral named the wrong
    # business; once the money is paid nothing undoes it.
    S.APPROVED: frozenset({S.DISBURSED, S.CANCELLED}),
    S.REJECTED: frozenset(),
    S.DISBURSED: frozenset(),
    S.CANCELLED: frozenset(),
}

# Moves that need a reason in the note.
NEEDS_NOTE = frozenset({S.REJECTED, S.CANCELLED})
# The lender's decisions: the owner is told of them (events.referral_decided).
DECISIONS = frozenset({S.APPROVED, S.REJECTED})
# Statuses in which a referral's details may still be corrected (services.referral_correct).
CORRECTABLE = frozenset({S.REFERRED, S.PROCESSING})
# The order a referral normally moves in, for seeders and reports.
PATH: tuple[str, ...] = (S.REFERRED, S.PROCESSING, S.APPROVED, S.DISBURSED)


# The one class of refusal of the whole portal, re-exported for this module's callers.
TransitionRefused = states.TransitionRefused


def _guard(referral: Referral, to_status: str, context: dict) -> None:
    """A rejection needs the lender's reason; an approved amount is more than zero."""
    if to_status == S.REJECTED and not context.get("note"):
        raise TransitionRefused(
            _("Tuliskan alasan penolakan dari lembaga penyalur."), object_id=referral.pk
        )
    if to_status == S.CANCELLED and not context.get("note"):
        raise TransitionRefused(
            _("Tuliskan alasan pembatalan, misalnya usaha yang dirujuk keliru."),
            object_id=referral.pk,
        )
    amount = context.get("amount_approved")
    if to_status == S.APPROVED and amount is not None and amount <= 0:
        raise TransitionRefused(
            _("Nilai yang disetujui harus lebih dari nol."), object_id=referral.pk
        )


def _values(referral: Referral, to_status: str, at, context: dict) -> dict:
    values = {"updated_at": at}
    if to_status == S.APPROVED:
        values["amount_approved"] = context.get("amount_approved") or referral.amount_asked
    return values


def _record(referral, from_status, to_status, *, by, note, at, **extra) -> None:
    ReferralChange.objects.create(
        referral=referral, from_status=from_status, to_status=to_status, note=note, by=by, at=at
    )
    if to_status in DECISIONS:
        events.send_on_commit(events.referral_decided, referral_id=referral.pk, to_status=to_status)


def _refusal(current: str, to_status: str) -> str:
    return _('Status rujukan tidak dapat diubah dari "%(from)s" menjadi "%(to)s".') % {
        "from": S(current).label,
        "to": S(to_status).label,
    }


REFERRAL_STATUS = states.register(
    states.StateMachine(
        model=Referral,
        field="status",
        allowed=ALLOWED,
        guard=_guard,
        values=_values,
        record=_record,
        refusal=_refusal,
    )
)


def targets(referral: Referral) -> list[str]:
    """The statuses ``referral`` may move to now, in the order of :class:`ReferralStatus`."""
    return REFERRAL_STATUS.targets(referral.status)


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

    A rejection needs a note (the lender's reason), a cancellation too (why). ``amount_approved`` may be given when
    approving; it defaults to the amount asked. Raises :class:`TransitionRefused` with an
    Indonesian message and changes nothing otherwise.
    """
    return REFERRAL_STATUS.move(
        referral,
        to_status,
        by=by,
        note=(note or "").strip(),
        at=at,
        amount_approved=amount_approved,
    )
