"""The states of a pending registration (:class:`~development.models.PendingRegistration`),
on the portal's one state machine (:mod:`umkm_portal.states`).

A claim from the public page waits (``menunggu``) until staff confirm it as a new owner,
link it to a registered owner, or refuse it; a later proposal list that registers its NIK
with the same phone links it too. Each decision is final. Who decided, when, the owner and
the participant it led to are set with the move (``values``); the row itself is the record.
"""

from __future__ import annotations

from development.models import PendingRegistration
from umkm_portal import states

S = PendingRegistration.State

ALLOWED = {
    S.PENDING: frozenset({S.CONFIRMED, S.LINKED, S.REFUSED}),
    S.CONFIRMED: frozenset(),
    S.LINKED: frozenset(),
    S.REFUSED: frozenset(),
}


def _values(instance, to_state, at, extra) -> dict:
    values = {"decided_at": at, "decided_by": extra.get("decided_by")}
    if to_state in (S.CONFIRMED, S.LINKED):
        values["owner"] = extra["owner"]
        values["participant"] = extra.get("participant")
    if extra.get("decision_note"):
        values["note"] = extra["decision_note"]
    return values


MACHINE = states.register(
    states.StateMachine(model=PendingRegistration, field="state", allowed=ALLOWED, values=_values)
)


def move(pending: PendingRegistration, to_state: str, *, by=None, note: str = "", **extra):
    """Decide ``pending`` (locked, checked against :data:`ALLOWED`); raises
    :class:`umkm_portal.states.TransitionRefused` when it was decided already."""
    return MACHINE.move(
        pending, to_state, by=by, note=note, decided_by=by, decision_note=note, **extra
    )
