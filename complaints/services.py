"""Writes of pengaduan. A request never changes registry data: staff correct data through the
registry and aid services and link the correction here (``application``, ``reference``)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from complaints import transitions
from complaints.models import Category, Complaint, ComplaintChange, State
from complaints.selectors import target_for
from registry.models import Owner
from umkm_portal import events


@transaction.atomic
def complaint_create(
    *,
    nik_hash: str,
    category: str,
    message: str,
    contact_phone: str = "",
    owner_id: int | None = None,
    source: str = Complaint.Source.OWNER,
    application=None,
    by=None,
    at=None,
) -> Complaint:
    """Record a new request (state ``new``) with its target time by category, and its first
    history record."""
    at = at or timezone.now()
    if not contact_phone and owner_id is not None:
        # The registered owner gave no other number: the one on record is the contact.
        contact_phone = (
            Owner.objects.filter(pk=owner_id).values_list("phone", flat=True).first() or ""
        )
    complaint = Complaint.objects.create(
        nik_hash=nik_hash,
        category=category,
        message=message.strip()[:2000],
        contact_phone=contact_phone,
        source=source,
        application=application,
        created_at=at,
        due_at=at + target_for(category),
    )
    ComplaintChange.objects.create(
        complaint=complaint, from_state="", to_state=State.NEW, by=by, at=at
    )
    return complaint


@transaction.atomic
def complaint_answer(
    *,
    complaint: Complaint,
    answer: str,
    by,
    reference: str | None = None,
    application=None,
    close: bool = False,
) -> Complaint:
    """Write (or rewrite) the answer the owner sees on the status page, optionally link the
    correction made, and with ``close`` close the request (:func:`complaints.transitions.move`,
    which needs the Bendahara's permission for a bank-account change). Queues one message to
    the owner per answer (``complaint_answered``)."""
    answer = answer.strip()
    if not answer:
        raise transitions.TransitionRefused("Jawaban tidak boleh kosong.")
    now = timezone.now()
    fields = {"answer": answer, "answered_at": now, "answered_by": by}
    if reference is not None:
        fields["reference"] = reference.strip()[:200]
    if application is not None:
        fields["application"] = application
    Complaint.objects.filter(pk=complaint.pk).update(**fields)
    complaint.refresh_from_db()
    if close:
        # Refused (no Bendahara for a bank-account change): the answer is rolled back too.
        complaint = transitions.move(complaint, State.CLOSED, by=by, note="dijawab")
    # In this transaction: the owner's message is queued with the answer, or neither.
    events.send(events.complaint_answered, complaint=complaint)
    return complaint


def complaint_move(*, complaint: Complaint, to_state: str, by, note: str = "") -> Complaint:
    return transitions.move(complaint, to_state, by=by, note=note)


__all__ = ["Category", "complaint_answer", "complaint_create", "complaint_move"]


def complaints_carry(*, from_hash: str, to_hash: str) -> int:
    """Requests sent under one NIK's keyed hash become another's (two owners merged as one
    person: the status check with the survivor's NIK lists them). Returns how many."""
    return Complaint.objects.filter(nik_hash=from_hash).update(nik_hash=to_hash)
