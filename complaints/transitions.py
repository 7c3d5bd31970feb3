"""The state machine of a complaint, on the portal's one :mod:`umkm_portal.states`.

``ALLOWED`` lists every permitted move; :func:`move` performs one, locking the row, and
records who, when and why in a :class:`~complaints.models.ComplaintChange`. Closing a request
to change the bank account needs the Bendahara's permission (``close_account_change``), and
closing any request needs the answer to the owner.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from complaints.models import Category, Complaint, ComplaintChange, State
from umkm_portal import states

ALLOWED: dict[str, frozenset[str]] = {
    State.NEW: frozenset({State.IN_PROGRESS, State.WAITING_FOR_OWNER, State.CLOSED}),
    State.IN_PROGRESS: frozenset({State.WAITING_FOR_OWNER, State.CLOSED}),
    State.WAITING_FOR_OWNER: frozenset({State.IN_PROGRESS, State.CLOSED}),
    # A closed request is reopened when the owner comes back about it.
    State.CLOSED: frozenset({State.IN_PROGRESS}),
}

CLOSE_ACCOUNT_CHANGE_PERMISSION = "complaints.close_account_change"

# The one class of refusal of the whole portal, re-exported for this module's callers.
TransitionRefused = states.TransitionRefused


def _guard(complaint: Complaint, to_state: str, context: dict) -> None:
    by = context.get("by")
    if (
        to_state == State.CLOSED
        and complaint.category == Category.ACCOUNT_CHANGED
        and not (by is not None and by.has_perm(CLOSE_ACCOUNT_CHANGE_PERMISSION))
    ):
        raise TransitionRefused(
            _("Pengaduan rekening berubah hanya dapat ditutup setelah dikonfirmasi Bendahara."),
            object_id=complaint.pk,
        )
    if to_state == State.CLOSED and not complaint.answer.strip():
        raise TransitionRefused(
            _("Tulis jawaban untuk pemilik usaha sebelum menutup."), object_id=complaint.pk
        )


def _values(complaint, to_state: str, at, context: dict) -> dict:
    return {"closed_at": at if to_state == State.CLOSED else None}


def _record(complaint, from_state, to_state, *, by, note, at, **extra) -> None:
    ComplaintChange.objects.create(
        complaint=complaint, from_state=from_state, to_state=to_state, note=note, by=by, at=at
    )


def _refusal(current: str, to_state: str) -> str:
    return _('Pengaduan tidak dapat dipindah dari "%(from)s" ke "%(to)s".') % {
        "from": State(current).label,
        "to": State(to_state).label,
    }


COMPLAINT_STATE = states.register(
    states.StateMachine(
        model=Complaint,
        field="state",
        allowed=ALLOWED,
        guard=_guard,
        values=_values,
        record=_record,
        refusal=_refusal,
    )
)


def can_move(complaint: Complaint, to_state: str, by) -> bool:
    try:
        COMPLAINT_STATE.check(complaint.state, to_state, object_id=complaint.pk)
        _guard(complaint, to_state, {"by": by})
    except TransitionRefused:
        return False
    return True


def move(complaint: Complaint, to_state: str, *, by, note: str = "", at=None) -> Complaint:
    """Move ``complaint`` to ``to_state`` if the table (and, for closing a bank-account
    change, the Bendahara's permission) allows it; raises :class:`TransitionRefused` with an
    Indonesian message and changes nothing otherwise."""
    return COMPLAINT_STATE.move(complaint, to_state, by=by, note=note, at=at)
