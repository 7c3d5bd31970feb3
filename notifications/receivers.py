"""What notifications does when another app announces an event (umkm_portal/events.py)."""

from __future__ import annotations

from django.db import transaction

from notifications import services, tasks
from notifications.models import Event


def complaint_answered(*, complaint, **kwargs) -> None:
    """Queue the "your request was answered" message, in the answer's transaction."""
    services.notifications_queue_for_complaint(complaint=complaint)


def participant_registered(*, participant_id: int, **kwargs) -> None:
    """Queue the registration confirmation in the background (sent on commit)."""
    tasks.activity_registered.enqueue(participant_id)


def pending_registration_recorded(*, pending_id: int, **kwargs) -> None:
    """Queue the "your registration waits for staff" message in the background (on commit);
    the outbox's rules for numbers outside the registry apply."""
    tasks.activity_pending.enqueue(pending_id)


def referral_decided(*, referral_id: int, to_status: str, **kwargs) -> None:
    """Tell the owner about the lender's decision on a KUR referral, in the background (the
    event is sent on commit)."""
    tasks.referral_decided.enqueue(referral_id, to_status)


def owner_merging(*, survivor, merged, **kwargs) -> dict[str, int]:
    """An owner who asked for no more messages under the merged NIK gets none under the
    survivor's either (the opt-out is kept by the NIK's keyed hash)."""
    return {
        "notifications.optout": services.opt_out_carry(from_nik=merged.nik, to_nik=survivor.nik)
    }


def proposal_list_merged(*, proposal_list, **kwargs) -> None:
    """Tell the list's proposer once the merge commits (this is called inside it: nothing is
    queued when it rolls back, and the message never undoes the merge)."""
    if proposal_list.proposer_id is None:
        return
    pk = proposal_list.pk
    transaction.on_commit(lambda: tasks.proposal_list_told.enqueue(str(Event.LIST_MERGED), pk))


def proposal_list_returned(*, proposal_list, **kwargs) -> None:
    """Tell the list's proposer that the Dinas sent it back (called on commit)."""
    if proposal_list.proposer_id is not None:
        tasks.proposal_list_told.enqueue(str(Event.LIST_RETURNED), proposal_list.pk)
