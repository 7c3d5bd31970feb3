"""Delivery of queued messages through the configured sender, with backoff, and opt-outs."""

from __future__ import annotations

import datetime
import logging

from django.utils import timezone

from notifications.models import OptOut, OutboxMessage
from notifications.senders import SendFailed, get_sender
from notifications.services.outbox import _nik_digest, _opted_out
from notifications.transitions import OUTBOX_STATUS

logger = logging.getLogger(__name__)


# Seconds before each new attempt after a failure; after the last, the message has failed.
BACKOFF = (60, 300, 1800, 7200, 21600)


def outbox_deliver(*, message: OutboxMessage, now=None) -> OutboxMessage:
    """Send one queued (or retrying) message through the configured sender and record the
    outcome: ``sent`` with the gateway's id, or ``retrying`` with the next attempt after the
    :data:`BACKOFF` delay, ``failed`` after the last. A message whose owner opted out since
    it was queued is not sent. The outcome is recorded through the outbox's table
    (:mod:`notifications.transitions`)."""
    now = now or timezone.now()
    if message.status not in (OutboxMessage.Status.QUEUED, OutboxMessage.Status.RETRYING):
        return message
    out_phones, out_hashes = _opted_out([message.phone], [message.nik_hash])
    if out_phones or out_hashes:
        return _outbox_move(message, OutboxMessage.Status.OPTED_OUT)
    attempts = message.attempts + 1
    try:
        gateway_id = get_sender().send(
            phone=message.phone, text=message.text, reference=message.reference
        )
    except SendFailed as exc:
        last_error = str(exc)[:255]
        logger.warning(
            "notification not sent",
            extra={"message_id": message.pk, "attempt": attempts, "error": last_error},
        )
        if attempts > len(BACKOFF):
            return _outbox_move(
                message, OutboxMessage.Status.FAILED, attempts=attempts, last_error=last_error
            )
        return _outbox_move(
            message,
            OutboxMessage.Status.RETRYING,
            attempts=attempts,
            last_error=last_error,
            next_attempt_at=now + datetime.timedelta(seconds=BACKOFF[attempts - 1]),
        )
    return _outbox_move(
        message,
        OutboxMessage.Status.SENT,
        attempts=attempts,
        gateway_id=gateway_id,
        sent_at=now,
        last_error="",
    )


def _outbox_move(message: OutboxMessage, to_status: str, **values) -> OutboxMessage:
    """Record ``message``'s new status (and ``values``) if its table allows it from the status
    stored now; a message moved meanwhile (e.g. opted out) is read again and kept as it is."""
    if not OUTBOX_STATUS.claim(message, to_status, **values):
        logger.warning(
            "outbox message moved meanwhile",
            extra={"message_id": message.pk, "to_status": str(to_status)},
        )
        message.refresh_from_db()
    return message


def outbox_due(now=None):
    return OutboxMessage.objects.filter(
        status__in=(OutboxMessage.Status.QUEUED, OutboxMessage.Status.RETRYING),
        next_attempt_at__lte=now or timezone.now(),
    ).order_by("next_attempt_at", "pk")


def outbox_deliver_due(*, now=None, limit: int = 500) -> dict[str, int]:
    """Deliver the messages due by ``now`` (at most ``limit``); returns counts by outcome
    and the time of the next retry, if any, for the caller to schedule itself again."""
    now = now or timezone.now()
    counts: dict[str, int] = {}
    for message in list(outbox_due(now)[:limit]):
        status = outbox_deliver(message=message, now=now).status
        counts[status] = counts.get(status, 0) + 1
    return counts


def opt_out(*, source: str, phone: str = "", nik_hash: str = "") -> OptOut:
    """Record that the owner wants no more messages (by phone, or by NIK hash), and stop the
    messages still waiting for them. Asking twice is the same as asking once."""
    lookup = {"phone": phone} if phone else {"nik_hash": nik_hash}
    record, _ = OptOut.objects.get_or_create(**lookup, defaults={"source": source})
    waiting = OutboxMessage.objects.filter(
        status__in=(OutboxMessage.Status.QUEUED, OutboxMessage.Status.RETRYING), **lookup
    )
    OUTBOX_STATUS.move_many(waiting, OutboxMessage.Status.OPTED_OUT, by=None)
    return record


def opt_out_carry(*, from_nik: str, to_nik: str) -> int:
    """When two owners are merged: an opt-out recorded for ``from_nik`` is recorded for
    ``to_nik`` too (same source), with what :func:`opt_out` does. Returns 1 when one was
    added, else 0."""
    old = OptOut.objects.filter(nik_hash=_nik_digest(from_nik)).first()
    new_hash = _nik_digest(to_nik)
    if old is None or OptOut.objects.filter(nik_hash=new_hash).exists():
        return 0
    opt_out(source=old.source, nik_hash=new_hash)
    return 1
