"""Writes of notifications: queue one message per occurrence of an event (set-based), deliver with backoff,
honour opt-outs. Texts come from :class:`MessageTemplate`, rendered with a fixed set of
placeholders, and are refused if they would carry a NIK or an account number."""

from __future__ import annotations

import datetime
import logging
import re
import string
from collections.abc import Iterable

from django.conf import settings
from django.db import connection, transaction
from django.db.models import BigIntegerField, OuterRef, Subquery, Value
from django.utils import timezone, translation
from django.utils.dateformat import format as date_format

from aid.models import REASON_ADVICE, Application, Disbursement, Program, Reason, Status
from aid.money import rupiah, thousands
from notifications.models import Event, MessageTemplate, OptOut, OutboxMessage
from notifications.senders import SendFailed, get_sender
from notifications.transitions import OUTBOX_STATUS
from privacy.masking import mask_numbers_in

logger = logging.getLogger(__name__)

# What a template may name. Nothing here is a NIK, a name or an account number.
PLACEHOLDERS = frozenset(
    {
        "program",
        "amount",
        "date",
        "deadline",
        "reason",
        "advice",
        "number",
        "activity",
        "place",
        "lender",
        "count",
    }
)
# The application status whose move queues each event (on events.application_moved).
STATUS_EVENTS = {
    Status.TRANSFERRED: Event.TRANSFERRED,
    Status.TRANSFER_FAILED: Event.TRANSFER_FAILED,
    Status.REJECTED: Event.REJECTED,
    Status.RETURNED: Event.RETURNED,
}
# Events an application can have more than once, one per failed transfer: the failure told,
# and its transfer sent again (a repeat export to the same account tells nothing new).
FAILED_TRANSFER_EVENTS = frozenset({Event.TRANSFER_FAILED, Event.TRANSFER_SENT_AGAIN})
# Seconds before each new attempt after a failure; after the last, the message has failed.
BACKOFF = (60, 300, 1800, 7200, 21600)
DEADLINE_NOTICE_DAYS = 14
# Six or more digits in a row: a NIK (16), an account (6-20) or a phone number. Amounts and
# dates are written with separators and words, so a text never needs such a run.
_DIGIT_RUN = re.compile(r"\d{6,}")
CHUNK = 5000


class UnsafeTemplate(ValueError):
    pass


def template_fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def check_template(text: str) -> None:
    """Refuse a template naming anything outside :data:`PLACEHOLDERS` or holding a digit run."""
    unknown = template_fields(text) - PLACEHOLDERS
    if unknown:
        allowed = ", ".join(f"{{{name}}}" for name in sorted(PLACEHOLDERS))
        raise UnsafeTemplate(
            f"Isian tidak dikenal: {', '.join(sorted(unknown))}. Yang boleh: {allowed}."
        )
    if _DIGIT_RUN.search(text):
        raise UnsafeTemplate("Pesan tidak boleh memuat deretan angka (NIK, rekening, nomor HP).")


def render(text: str, values: dict) -> str:
    """The message for ``values``; raises :class:`UnsafeTemplate` rather than return a text
    with a run of digits (the last guard against a NIK or an account number)."""
    check_template(text)
    rendered = " ".join(text.format_map({k: values.get(k, "") for k in PLACEHOLDERS}).split())
    if _DIGIT_RUN.search(rendered):
        raise UnsafeTemplate("rendered text holds a run of digits")
    return rendered


def _day(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localdate(value)
    with translation.override("id"):
        return date_format(value, "j F Y")


def _templates() -> dict[str, str]:
    return dict(MessageTemplate.objects.filter(is_active=True).values_list("event", "text"))


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


def notifications_queue_for_applications(
    *, event: str, application_ids: Iterable[int], now=None
) -> int:
    """Queue the ``event`` message for each application's owner: one read per chunk of
    5,000 ids, one bulk INSERT; owners without a phone get none, owners who opted out get
    a record marked ``opted_out`` and nothing is sent. A message about a failed transfer
    (:data:`FAILED_TRANSFER_EVENTS`) is keyed on the application's latest failed
    disbursement, so a later failure is told again and a rerun is not. Returns the
    messages offered."""
    template = _templates().get(event)
    if not template:
        return 0
    now = now or timezone.now()
    ids = sorted(set(application_ids))
    latest_failure = (
        Subquery(
            Disbursement.objects.filter(
                application_id=OuterRef("pk"), outcome=Disbursement.Outcome.FAILED
            )
            .order_by("-pk")
            .values("pk")[:1]
        )
        if event in FAILED_TRANSFER_EVENTS
        else Value(None, output_field=BigIntegerField())
    )
    offered = 0
    for start in range(0, len(ids), CHUNK):
        rows = list(
            Application.objects.filter(pk__in=ids[start : start + CHUNK])
            .exclude(owner__phone="")
            .annotate(failed_transfer=latest_failure)
            .values_list(
                "pk",
                "owner__phone",
                "owner__nik",
                "program__name",
                "program__amount",
                "program__withdrawal_days",
                "reason_code",
                "transferred_at",
                "returned_at",
                "failed_transfer",
            )
        )
        hashes = {row[0]: _nik_digest(row[2]) for row in rows}
        out_phones, out_hashes = _opted_out((r[1] for r in rows), hashes.values())
        messages = []
        for (
            pk,
            phone,
            _nik,
            program,
            amount,
            days,
            reason_code,
            transferred,
            returned,
            failed,
        ) in rows:
            reason = Reason(reason_code) if reason_code in Reason.values else None
            deadline = transferred + datetime.timedelta(days=days) if transferred else None
            values = {
                "program": program,
                "amount": rupiah(amount),
                "date": _day(returned if event == Event.RETURNED else transferred),
                "deadline": _day(deadline),
                "reason": str(reason.label) if reason else "",
                "advice": str(REASON_ADVICE.get(reason, "")) if reason else "",
            }
            opted_out = phone in out_phones or hashes[pk] in out_hashes
            messages.append(
                OutboxMessage(
                    event=event,
                    object_id=pk,
                    occurrence=failed_transfer_occurrence(failed),
                    phone=phone,
                    nik_hash=hashes[pk],
                    text=render(template, values),
                    status=OutboxMessage.Status.OPTED_OUT
                    if opted_out
                    else OutboxMessage.Status.QUEUED,
                    created_at=now,
                    next_attempt_at=now,
                )
            )
        offered += _store(messages)
    return offered


def notifications_queue_for_complaint(*, complaint) -> int:
    """Queue the "your request was answered" message to the number the owner gave."""
    template = _templates().get(Event.COMPLAINT_ANSWERED)
    if not template or not complaint.contact_phone:
        return 0
    out_phones, out_hashes = _opted_out([complaint.contact_phone], [complaint.nik_hash])
    opted_out = complaint.contact_phone in out_phones or complaint.nik_hash in out_hashes
    return _store(
        [
            OutboxMessage(
                event=Event.COMPLAINT_ANSWERED,
                object_id=complaint.pk,
                phone=complaint.contact_phone,
                nik_hash=complaint.nik_hash,
                text=render(template, {"number": f"#{complaint.pk}"}),
                status=OutboxMessage.Status.OPTED_OUT if opted_out else OutboxMessage.Status.QUEUED,
            )
        ]
    )


def notifications_queue_withdrawal_deadlines(*, today: datetime.date | None = None) -> int:
    """Queue the reminder for every transferred application whose withdrawal deadline is at
    most :data:`DEADLINE_NOTICE_DAYS` days away and not yet past: one query per program;
    an application already reminded is skipped (and held once by the outbox's unique key)."""
    today = today or timezone.localdate()
    queued = 0
    for program in Program.objects.order_by("pk"):
        # deadline = transferred_at + withdrawal_days; remind when today <= deadline <= today+14.
        day_start = datetime.datetime.combine(
            today, datetime.time.min, timezone.get_current_timezone()
        )
        earliest = day_start - datetime.timedelta(days=program.withdrawal_days)
        latest = earliest + datetime.timedelta(days=DEADLINE_NOTICE_DAYS + 1)
        already = OutboxMessage.objects.filter(event=Event.WITHDRAWAL_DEADLINE).values("object_id")
        ids = list(
            Application.objects.filter(
                program=program,
                status=Status.TRANSFERRED,
                transferred_at__gte=earliest,
                transferred_at__lt=latest,
            )
            .exclude(pk__in=already)
            .values_list("pk", flat=True)
        )
        queued += notifications_queue_for_applications(
            event=Event.WITHDRAWAL_DEADLINE, application_ids=ids
        )
    return queued


def _activity_values(activity) -> dict[str, str]:
    """An activity's topic, day(s) and place for a message: nothing about any participant."""
    date = _day(activity.starts_on)
    if activity.starts_at is not None:
        # The start time goes with the first day: "14 September 2026 pukul 09.00 WIB".
        date = f"{date} pukul {activity.starts_at:%H.%M} WIB"
    if activity.ends_on and activity.ends_on != activity.starts_on:
        date = f"{date} s.d. {_day(activity.ends_on)}"
    kecamatan = f"Kecamatan {activity.kecamatan.name}" if activity.kecamatan_id else ""
    place = ", ".join(part for part in (activity.venue.strip(), kecamatan) if part)
    return {
        "activity": activity.topic,
        "date": date,
        "place": place or "tempat yang akan diinformasikan petugas",
    }


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
    nik_hash = _nik_digest(pending.nik)
    out_phones, out_hashes = _opted_out([pending.phone], [nik_hash])
    opted_out = pending.phone in out_phones or nik_hash in out_hashes
    return _store(
        [
            OutboxMessage(
                event=Event.ACTIVITY_PENDING,
                object_id=pending.pk,
                phone=pending.phone,
                nik_hash=nik_hash,
                text=text,
                status=OutboxMessage.Status.OPTED_OUT if opted_out else OutboxMessage.Status.QUEUED,
            )
        ]
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
    nik_hash = _nik_digest(owner.nik)
    out_phones, out_hashes = _opted_out([owner.phone], [nik_hash])
    opted_out = owner.phone in out_phones or nik_hash in out_hashes
    return _store(
        [
            OutboxMessage(
                event=event,
                object_id=referral.pk,
                phone=owner.phone,
                nik_hash=nik_hash,
                text=text,
                status=OutboxMessage.Status.OPTED_OUT if opted_out else OutboxMessage.Status.QUEUED,
            )
        ]
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


@transaction.atomic
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


# The proposer's messages: the list event and the moment it names.
_LIST_EVENTS = {Event.LIST_MERGED: "merged_at", Event.LIST_RETURNED: "returned_at"}


def notifications_queue_for_proposal_list(*, event: str, proposal_list_id: int) -> int:
    """Queue the ``event`` message (list merged or returned) to the contact number of the
    list's proposer (``Proposer.phone``, kept by the Dinas). A list without a proposer, or
    a proposer whose contact is not a mobile number, gets none (logged). The text names the
    program, the list's number and date, and for a merge the new proposals: never a row's
    NIK or name, nor the Dinas's note (read in the workspace). Returns the messages offered."""
    from aid.models import ProposalList
    from registry.identifiers import phone as checked_phone

    template = _templates().get(event)
    proposal_list = (
        ProposalList.objects.select_related("program", "proposer")
        .filter(pk=proposal_list_id)
        .first()
    )
    if not template or proposal_list is None or proposal_list.proposer is None:
        return 0
    number = checked_phone(proposal_list.proposer.phone).value
    if not number:
        logger.warning(
            "proposer has no mobile contact number; not told",
            extra={"event": event, "proposal_list": proposal_list_id},
        )
        return 0
    values = {
        "program": proposal_list.program.name,
        "number": f"#{proposal_list.pk}",
        "date": _day(getattr(proposal_list, _LIST_EVENTS[event])),
        "count": thousands(int((proposal_list.counts or {}).get("merged", 0))),
    }
    opted_out = OptOut.objects.filter(phone=number).exists()
    return _store(
        [
            OutboxMessage(
                event=event,
                object_id=proposal_list.pk,
                # Returned, fixed, sent and returned again: each return is told.
                occurrence=list_return_occurrence(proposal_list.returned_at)
                if event == Event.LIST_RETURNED
                else "",
                phone=number,
                text=render(template, values),
                status=OutboxMessage.Status.OPTED_OUT if opted_out else OutboxMessage.Status.QUEUED,
            )
        ],
        staff_entered=True,
    )
