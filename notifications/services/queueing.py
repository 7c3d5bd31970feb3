"""Queueing per event of the core: an application's moves and its failed transfer sent again,
the withdrawal deadline, a request answered (to owners), a list merged or returned (to its
proposer's contact)."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable

from django.db.models import BigIntegerField, OuterRef, Subquery, Value
from django.utils import timezone

from aid.models import REASON_ADVICE, Application, Disbursement, Program, Reason, Status
from aid.money import rupiah, thousands
from notifications.models import Event, OptOut, OutboxMessage
from notifications.services.outbox import (
    CHUNK,
    _nik_digest,
    _opted_out,
    _store,
    _store_one,
    failed_transfer_occurrence,
    list_return_occurrence,
)
from notifications.services.texts import _day, _templates, render

logger = logging.getLogger(__name__)


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


DEADLINE_NOTICE_DAYS = 14


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
    return _store_one(
        event=Event.COMPLAINT_ANSWERED,
        object_id=complaint.pk,
        phone=complaint.contact_phone,
        nik_hash=complaint.nik_hash,
        text=render(template, {"number": f"#{complaint.pk}"}),
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
