"""The state machine of an outbox message, on the portal's one :mod:`umkm_portal.states`.

A message is created ``queued`` (or ``opted_out`` when its owner asked for no messages); a
delivery attempt ends it ``sent``, ``retrying`` (with the next attempt after a back-off) or,
after the last attempt, ``failed``; an opt-out stops it while it is still waiting. The outbox
keeps no history of its own (the message carries its attempts and last error): the table is
what is checked, by a compare-and-set, so two workers cannot both record the same message.
"""

from __future__ import annotations

from notifications.models import OutboxMessage
from umkm_portal import states

S = OutboxMessage.Status

ALLOWED: dict[str, frozenset[str]] = {
    S.QUEUED: frozenset({S.SENT, S.RETRYING, S.FAILED, S.OPTED_OUT}),
    S.RETRYING: frozenset({S.SENT, S.RETRYING, S.FAILED, S.OPTED_OUT}),
    S.SENT: frozenset(),
    S.FAILED: frozenset(),
    S.OPTED_OUT: frozenset(),
    # Refused when it was queued (a number outside the registry past its daily budget): its
    # reason is kept and it is never sent.
    S.REFUSED: frozenset(),
}

OUTBOX_STATUS = states.register(
    states.StateMachine(model=OutboxMessage, field="status", allowed=ALLOWED)
)
