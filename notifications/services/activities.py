"""Queueing per event of pembinaan (development): a registration for an activity, one
waiting for staff, the day-before reminder, and the lender's decision on a KUR referral."""

from __future__ import annotations

import datetime
import logging

from django.utils import timezone

from aid.money import rupiah
from notifications.models import Event, OutboxMessage
from notifications.services.outbox import CHUNK, _nik_digest, _opted_out, _store, _store_one
from notifications.services.texts import UnsafeTemplate, _activity_values, _templates, render
from privacy.masking import mask_numbers_in

logger = logging.getLogger(__name__)


def _participant_messages(*, event: str, participants, now=None) -> list[OutboxMessage]:
    """One ``event`` message per participant (``select_related`` owner, activity and its
    kecamatan) with a phone; opted-out owners get a record marked ``opted_out``. A text the
    guard refuses (a long number typed into an activity's topic or venue) is logged and
    skipped rather than sent or allowed to stop the others."""
    template = _templates().get(event)
    if not template:
        return []
    now = now or timezone.now()
    rows = [p for p in participants if p.owner.phone]
    hashes = {p.pk: _nik_digest(p.owner.nik) for p in rows}
    out_phones, out_hashes = _opted_out((p.owner.phone for p in rows), hashes.values())
    messages = []
    for participant in rows:
        try:
            text = render(template, _activity_values(participant.activity))
        except UnsafeTemplate:
            logger.warning(
                "activity message refused by the text guard",
                extra={"event": event, "participant_id": participant.pk},
            )
            continue
        phone = participant.owner.phone
        opted_out = phone in out_phones or hashes[participant.pk] in out_hashes
        messages.append(
            OutboxMessage(
                event=event,
                object_id=participant.pk,
                phone=phone,
                nik_hash=hashes[participant.pk],
                text=text,
                status=OutboxMessage.Status.OPTED_OUT if opted_out else OutboxMessage.Status.QUEUED,
                created_at=now,
                next_attempt_at=now,
            )
        )
    return messages


def notifications_queue_activity_registered(*, participant_id: int) -> int:
    """Queue the "you are registered" message for one participant (development app); a
    second call for the same participant adds nothing (the outbox's unique key)."""
    from development.models import Participant

    participants = Participant.objects.filter(pk=participant_id).select_related(
        "owner", "activity", "activity__kecamatan"
    )
    return _store(_participant_messages(event=Event.ACTIVITY_REGISTERED, participants=participants))


def notifications_queue_activity_pending(*, pending_id: int) -> int:
    """Queue the "your registration waits for staff" message to the number typed on the
    public page (development.PendingRegistration). That number is not the registry's for
    the NIK (or the registration would not be pending), so the outbox's bounds on such
    numbers apply: at most one a day per number, and the daily cap."""
    from development.models import PendingRegistration

    template = _templates().get(Event.ACTIVITY_PENDING)
    pending = (
        PendingRegistration.objects.filter(pk=pending_id)
        .select_related("activity", "activity__kecamatan")
        .first()
    )
    if not template or pending is None or not pending.phone:
        return 0
    try:
        text = render(template, _activity_values(pending.activity))
    except UnsafeTemplate:
        logger.warning("activity message refused by the text guard", extra={"pending": pending_id})
        return 0
    return _store_one(
        event=Event.ACTIVITY_PENDING,
        object_id=pending.pk,
        phone=pending.phone,
        nik_hash=_nik_digest(pending.nik),
        text=text,
    )


# The lender's decision on a KUR referral, by the status it moved to.
REFERRAL_EVENTS = {"disetujui": Event.REFERRAL_APPROVED, "ditolak": Event.REFERRAL_REFUSED}


def notifications_queue_referral_decision(*, referral_id: int, to_status: str) -> int:
    """Tell the owner that the bank decided on their KUR referral (development app): approved
    with the amount in rupiah, or refused with the bank's reason (long numbers in it masked).
    Only KUR referrals; one message per referral and decision; opt-outs honoured."""
    from development.models import Referral

    event = REFERRAL_EVENTS.get(to_status)
    template = _templates().get(event) if event else None
    referral = (
        Referral.objects.filter(pk=referral_id, channel=Referral.Channel.KUR, status=to_status)
        .select_related("business__owner", "bank")
        .first()
    )
    if not template or referral is None or not referral.business.owner.phone:
        return 0
    owner = referral.business.owner
    reason = ""
    if event == Event.REFERRAL_REFUSED:
        change = referral.changes.filter(to_status=to_status).order_by("-at", "-pk").first()
        reason = mask_numbers_in(change.note if change else "").strip().rstrip(".")
    values = {
        "lender": referral.lender or "bank penyalur",
        "amount": rupiah(referral.amount_approved or referral.amount_asked),
        "reason": reason or "tanpa keterangan",
    }
    try:
        text = render(template, values)
    except UnsafeTemplate:
        logger.warning(
            "referral message refused by the text guard", extra={"referral": referral_id}
        )
        return 0
    return _store_one(
        event=event,
        object_id=referral.pk,
        phone=owner.phone,
        nik_hash=_nik_digest(owner.nik),
        text=text,
    )


def notifications_queue_activity_reminders(*, today: datetime.date | None = None) -> int:
    """Queue the reminder for every participant of an activity starting tomorrow: one query
    for the set, one bulk INSERT per chunk; a participant already reminded is skipped (and
    held once by the outbox's unique key), so running it hourly sends once."""
    from development.models import Participant

    today = today or timezone.localdate()
    already = OutboxMessage.objects.filter(event=Event.ACTIVITY_REMINDER).values("object_id")
    participants = list(
        Participant.objects.filter(activity__starts_on=today + datetime.timedelta(days=1))
        .exclude(pk__in=already)
        .exclude(owner__phone="")
        .select_related("owner", "activity", "activity__kecamatan")
        .order_by("pk")
    )
    queued = 0
    for start in range(0, len(participants), CHUNK):
        queued += _store(
            _participant_messages(
                event=Event.ACTIVITY_REMINDER, participants=participants[start : start + CHUNK]
            )
        )
    return queued
