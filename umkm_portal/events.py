"""Every event the core (``registry``, ``aid``) announces to the apps above it, in one list
(and the few a peripheral app announces to one above it, e.g. to ``notifications``).

The core never imports the periphery (``notifications``, ``public``, ``complaints``,
``development``, ``dashboard``, ``payment_checks``, the proposers' workspace): it announces
what happened here, and the periphery subscribes in its ``AppConfig.ready``::

    from umkm_portal import events
    events.application_moved.connect(handler, dispatch_uid="notifications.application_moved")

These are Django signals. :func:`send_on_commit` sends one after the surrounding transaction
commits (nothing is sent when it rolls back, and a failing receiver is logged, never undoing
what was committed): use it for effects outside the transaction such as messages and caches.
:func:`send` sends at once, inside the transaction, for a subscriber whose write must stand or
fall with the core's (e.g. the status page's record of refused proposals, written with the
merge).

Keep this list the only place events are declared, each with the arguments it is sent with.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger(__name__)

# Applications changed status. kwargs: to_status (str), application_ids (list[int]).
application_moved = Signal()

# A proposal list's accepted rows were merged into the registry and applications.
# kwargs: proposal_list (aid.ProposalList). Sent inside the merge's transaction: a subscriber
# that writes does so with the merge, all or nothing.
proposal_list_merged = Signal()

# Failed transfers are being sent again: the applications were put in a re-transfer export
# for the bank (aid.services.retransfer_create). kwargs: application_ids (list[int]). On
# commit.
transfer_sent_again = Signal()

# A proposal list sent to the Dinas was returned to its proposer with a note.
# kwargs: proposal_list (aid.ProposalList). On commit.
proposal_list_returned = Signal()

# A background job ended (done, failed or cancelled). kwargs: job (the job row). On commit.
job_finished = Signal()

# The daily retention run (purge_uploads) deleted aid's kept files; each app now deletes its
# own personal data past its retention period. kwargs: dry_run (bool). Sent at once; each
# receiver returns one line for the operator (what it deleted, or would delete).
retention_due = Signal()

# Two owners are being merged: ``merged`` is the same person as ``survivor``
# (registry.merges.owner_merge). kwargs: survivor, merged (registry.Owner), by (the user).
# Sent at once, inside the merge's transaction, before the registry moves its own rows: each
# app re-points its rows keyed by owner to the survivor and returns {model label: rows
# moved}; a receiver vetoes the merge by raising ValidationError (or TransitionRefused),
# which undoes everything (aid: the one-grant rule).
owner_merging = Signal()

# --- Sent by apps of the periphery to apps above them (notifications) ---------------------

# A pengaduan was answered. kwargs: complaint (complaints.Complaint). Sent inside the
# answer's transaction: the message to the owner is queued with the answer, or neither.
complaint_answered = Signal()

# An owner was registered for a pembinaan activity and is to be told so. kwargs:
# participant_id (int). Sent on commit.
participant_registered = Signal()

# A registration from the public page was kept as a claim for staff to check (issue 24.1),
# and its typist is to be told so. kwargs: pending_id (int). Sent on commit.
pending_registration_recorded = Signal()

# A lender decided on a capital referral (development.transitions): approved or refused.
# kwargs: referral_id (int), to_status (str). Sent on commit.
referral_decided = Signal()


def send(signal: Signal, **kwargs) -> list:
    """Send ``signal`` now, inside the caller's transaction; a receiver's error propagates.
    Returns what the receivers returned, in the order they subscribed."""
    return [response for _receiver, response in signal.send(sender=None, **kwargs)]


def send_on_commit(signal: Signal, **kwargs) -> None:
    """Send ``signal`` once the surrounding transaction commits (at once outside one)."""

    def deliver() -> None:
        for receiver, result in signal.send_robust(sender=None, **kwargs):
            if isinstance(result, Exception):
                logger.error("Receiver %r of an event failed", receiver, exc_info=result)

    transaction.on_commit(deliver)
