"""Background jobs (django-tasks) of notifications."""

import datetime

from django.utils import timezone
from django_tasks import default_task_backend, task

from notifications import services
from notifications.models import Event


@task()
def notifications_queue(event: str, application_ids: list[int]) -> int:
    """Queue one message per application for ``event`` (enqueued by
    :func:`on_application_moved` after a status move commits)."""
    return services.notifications_queue_for_applications(
        event=event, application_ids=application_ids
    )


@task()
def outbox_deliver_due() -> dict:
    """Send the messages that are due; when some wait for a retry, run again at the earliest
    one (on backends that can defer; elsewhere ``manage.py send_notifications`` does)."""
    counts = services.outbox_deliver_due()
    upcoming = services.outbox_due(now=timezone.now() + datetime.timedelta(days=365)).first()
    if upcoming is not None and getattr(default_task_backend, "supports_defer", False):
        outbox_deliver_due.using(run_after=upcoming.next_attempt_at).enqueue()
    return counts


@task()
def withdrawal_deadline_reminders() -> int:
    """The scheduled reminders: withdrawal deadlines in 14 days, and activities tomorrow."""
    return (
        services.notifications_queue_withdrawal_deadlines()
        + services.notifications_queue_activity_reminders()
    )


@task()
def activity_registered(participant_id: int) -> int:
    """Queue the registration confirmation (enqueued when development announces
    events.participant_registered, once the registration commits)."""
    return services.notifications_queue_activity_registered(participant_id=participant_id)


def on_application_moved(sender, *, to_status: str, application_ids: list[int], **kwargs) -> None:
    """Receiver of ``umkm_portal.events.application_moved`` (sent once the move commits):
    queue the owners' messages of the statuses that have one, as one background task per
    5,000 applications (set-based; the outbox's unique (event, object, occurrence) makes a repeat
    harmless)."""
    event = services.STATUS_EVENTS.get(to_status)
    if event is None or not application_ids:
        return
    for start in range(0, len(application_ids), services.CHUNK):
        notifications_queue.enqueue(str(event), application_ids[start : start + services.CHUNK])


@task()
def activity_pending(pending_id: int) -> int:
    """Queue the "registration waits for staff" message (enqueued by development.services
    once a pending registration commits)."""
    return services.notifications_queue_activity_pending(pending_id=pending_id)


@task()
def referral_decided(referral_id: int, to_status: str) -> int:
    """Queue the owner's message about the lender's decision on a KUR referral (enqueued
    when development announces events.referral_decided, once the move commits)."""
    return services.notifications_queue_referral_decision(
        referral_id=referral_id, to_status=to_status
    )


def on_transfer_sent_again(sender, *, application_ids: list[int], **kwargs) -> None:
    """Receiver of ``umkm_portal.events.transfer_sent_again`` (sent once a re-transfer
    export commits): tell the owners their money is being sent again, one background task
    per 5,000 applications."""
    for start in range(0, len(application_ids), services.CHUNK):
        notifications_queue.enqueue(
            str(Event.TRANSFER_SENT_AGAIN), application_ids[start : start + services.CHUNK]
        )


@task()
def proposal_list_told(event: str, proposal_list_id: int) -> int:
    """Queue the proposer's message that its list was merged or returned (enqueued once the
    merge or the return commits)."""
    return services.notifications_queue_for_proposal_list(
        event=event, proposal_list_id=proposal_list_id
    )
