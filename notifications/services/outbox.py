"""Storing messages in the outbox: one per occurrence of an event on an object (the keys of
the occurrences an object can have more than once), opt-outs read, and the rules for numbers
outside the registry (once a day per number, the daily cap, refusals with their reason)."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from notifications.models import OptOut, OutboxMessage

logger = logging.getLogger(__name__)


# Rows per read and per INSERT of a set-based queueing.
CHUNK = 5000


def _opted_out(phones: Iterable[str], hashes: Iterable[str]) -> tuple[set[str], set[str]]:
    phones, hashes = [p for p in set(phones) if p], [h for h in set(hashes) if h]
    return (
        set(OptOut.objects.filter(phone__in=phones).values_list("phone", flat=True)),
        set(OptOut.objects.filter(nik_hash__in=hashes).values_list("nik_hash", flat=True)),
    )


def _nik_digest(nik: str) -> str:
    from public.services import nik_digest

    return nik_digest(nik)


def failed_transfer_occurrence(disbursement_id: int | None) -> str:
    """The outbox's occurrence key of a message about the failed transfer ``disbursement_id``
    (none recorded: the application's one occurrence)."""
    return f"disbursement-{disbursement_id}" if disbursement_id else ""


def list_return_occurrence(returned_at: datetime.datetime | None) -> str:
    """The outbox's occurrence key of a list's return at ``returned_at``."""
    if returned_at is None:
        return ""
    return f"returned-{returned_at.astimezone(datetime.UTC):%Y%m%dT%H%M%S%f}"


def _store_one(*, event: str, object_id: int, phone: str, nik_hash: str, text: str) -> int:
    """Store one message to ``phone`` about the NIK of ``nik_hash``, recorded ``opted_out``
    (and never sent) when that number or that NIK asked for no messages (:func:`_store`)."""
    out_phones, out_hashes = _opted_out([phone], [nik_hash])
    opted_out = phone in out_phones or nik_hash in out_hashes
    return _store(
        [
            OutboxMessage(
                event=event,
                object_id=object_id,
                phone=phone,
                nik_hash=nik_hash,
                text=text,
                status=OutboxMessage.Status.OPTED_OUT if opted_out else OutboxMessage.Status.QUEUED,
            )
        ]
    )


def _store(messages: list[OutboxMessage], *, staff_entered: bool = False) -> int:
    """Insert, one per (event, object, occurrence): a message already queued for the same
    occurrence (a retried task, a double click) is kept and nothing is added.

    Every message passes :func:`_number_rules` first: one to a number the registry does
    not hold for its NIK is refused, with its reason kept, beyond once a day per number
    and beyond the daily cap. ``staff_entered``: the numbers are ones the Dinas keeps
    (a proposer's contact), not typed on a public form, so those rules do not apply."""
    if not messages:
        return 0
    with transaction.atomic():
        if not staff_entered:
            _number_rules(messages, timezone.now())
        OutboxMessage.objects.bulk_create(messages, batch_size=CHUNK, ignore_conflicts=True)
    transaction.on_commit(_deliver_soon)
    return len(messages)


# Serialises the count-then-insert of messages to numbers outside the registry (PostgreSQL;
# SQLite has one writer at a time anyway). Any constant; "NOTIFY" in ASCII.
_NEW_NUMBER_LOCK = 0x4E4F54494659


def _number_rules(messages: list[OutboxMessage], now) -> None:
    """Mark, in place, each queued message to a number that is not the registry's number
    for its NIK (``to_new_number``), and refuse such a message (status ``refused`` with a
    :class:`~notifications.models.OutboxMessage.Refusal`) when that number already got one
    in the last 24 hours, or when ``NOTIFY_NEW_NUMBER_DAILY_CAP`` of them went out today;
    reaching the cap is logged at ERROR and shown on the admin's home page. Messages to the
    registry's own numbers pass untouched. Set-based: one query per chunk of numbers."""
    queued = [m for m in messages if m.status == OutboxMessage.Status.QUEUED]
    if not queued:
        return
    from registry.models import Owner

    phones = sorted({m.phone for m in queued})
    registry = set()
    for start in range(0, len(phones), CHUNK):
        for nik, phone in Owner.objects.filter(phone__in=phones[start : start + CHUNK]).values_list(
            "nik", "phone"
        ):
            registry.add((_nik_digest(nik), phone))
    new = [m for m in queued if (m.nik_hash, m.phone) not in registry]
    if not new:
        return
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_NEW_NUMBER_LOCK])
    day_start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    offered = OutboxMessage.objects.filter(to_new_number=True).exclude(
        status=OutboxMessage.Status.REFUSED
    )
    recent = set(
        offered.filter(
            phone__in={m.phone for m in new}, created_at__gte=now - datetime.timedelta(days=1)
        ).values_list("phone", flat=True)
    )
    today = offered.filter(created_at__gte=day_start).count()
    cap = settings.NOTIFY_NEW_NUMBER_DAILY_CAP
    for message in new:
        message.to_new_number = True
        if message.phone in recent:
            refusal = OutboxMessage.Refusal.NEW_NUMBER_TODAY
        elif today >= cap:
            refusal = OutboxMessage.Refusal.DAILY_CAP
        else:
            recent.add(message.phone)
            today += 1
            continue
        message.status, message.refusal = OutboxMessage.Status.REFUSED, refusal
        if refusal == OutboxMessage.Refusal.DAILY_CAP:
            logger.error(
                "daily cap of messages to numbers outside the registry reached",
                extra={"cap": cap, "event": message.event, "object_id": message.object_id},
            )


def new_number_cap_reached(now=None) -> bool:
    """Whether a message was refused today for the daily cap (the admin's home says so)."""
    now = now or timezone.now()
    day_start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    return OutboxMessage.objects.filter(
        to_new_number=True, created_at__gte=day_start, refusal=OutboxMessage.Refusal.DAILY_CAP
    ).exists()


def _deliver_soon() -> None:
    from notifications import tasks

    tasks.outbox_deliver_due.enqueue()
