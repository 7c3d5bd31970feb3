"""The one place that changes a complaint's state, declared like ``aid.transitions``.

``ALLOWED`` lists every permitted move; :func:`move` performs one, locking the row, and
records who, when and why in a :class:`~complaints.models.ComplaintChange`. Closing a request
to change the bank account needs the Bendahara's permission (``close_account_change``).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.models import Category, Complaint, ComplaintChange, State

ALLOWED: dict[str, frozenset[str]] = {
    State.NEW: frozenset({State.IN_PROGRESS, State.WAITING_FOR_OWNER, State.CLOSED}),
    State.IN_PROGRESS: frozenset({State.WAITING_FOR_OWNER, State.CLOSED}),
    State.WAITING_FOR_OWNER: frozenset({State.IN_PROGRESS, State.CLOSED}),
    # A closed request is reopened when the owner comes back about it.
    State.CLOSED: frozenset({State.IN_PROGRESS}),
}

CLOSE_ACCOUNT_CHANGE_PERMISSION = "complaints.close_account_change"


class TransitionRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def can_move(complaint: Complaint, to_state: str, by) -> bool:
    try:
        _check(complaint, to_state, by)
    except TransitionRefused:
        return False
    return True


def _check(complaint: Complaint, to_state: str, by) -> None:
    if to_state not in ALLOWED[complaint.state]:
        raise TransitionRefused(
            _('Pengaduan tidak dapat dipindah dari "%(from)s" ke "%(to)s".')
            % {"from": State(complaint.state).label, "to": State(to_state).label}
        )
    if (
        to_state == State.CLOSED
        and complaint.category == Category.ACCOUNT_CHANGED
        and not (by is not None and by.has_perm(CLOSE_ACCOUNT_CHANGE_PERMISSION))
    ):
        raise TransitionRefused(
            _("Pengaduan rekening berubah hanya dapat ditutup setelah dikonfirmasi Bendahara.")
        )
    if to_state == State.CLOSED and not complaint.answer.strip():
        raise TransitionRefused(_("Tulis jawaban untuk pemilik usaha sebelum menutup."))


@transaction.atomic
def move(complaint: Complaint, to_state: str, *, by, note: str = "", at=None) -> Complaint:
    """Move ``complaint`` to ``to_state`` if the table (and, for closing a bank-account
    change, the Bendahara's permission) allows it; raises :class:`TransitionRefused` with an
    Indonesian message and changes nothing otherwise."""
    at = at or timezone.now()
    locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
    _check(locked, to_state, by)
    from_state = locked.state
    locked.state = to_state
    locked.closed_at = at if to_state == State.CLOSED else None
    locked.save(update_fields=["state", "closed_at"])
    ComplaintChange.objects.create(
        complaint=locked, from_state=from_state, to_state=to_state, note=note, by=by, at=at
    )
    return locked
