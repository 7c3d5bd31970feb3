"""What the pembinaan app does when the core announces an event (umkm_portal/events.py)."""

from __future__ import annotations

from development.models import (
    BusinessReport,
    CaseAssignment,
    Membership,
    Participant,
    PendingRegistration,
    Referral,
    Visit,
)

# A recorded attendance beats none; "hadir" beats "izin" beats "tidak hadir".
_ATTENDANCE_RANK = {"hadir": 3, "izin": 2, "tidak_hadir": 1, "": 0}


def _participants(survivor, merged) -> tuple[int, int]:
    """Move the merged owner's registrations; one for an activity the survivor is already
    registered for is folded into the survivor's (the attendance recorded is kept, the
    better of the two), its pending registration linked there. Returns (moved, folded)."""
    mine = {p.activity_id: p for p in Participant.objects.filter(owner=survivor)}
    moved = folded = 0
    for theirs in Participant.objects.filter(owner=merged).select_related("pending_registration"):
        kept = mine.get(theirs.activity_id)
        if kept is None:
            theirs.owner = survivor
            theirs.save(update_fields=["owner"])
            moved += 1
            continue
        if _ATTENDANCE_RANK[theirs.attendance] > _ATTENDANCE_RANK[kept.attendance]:
            kept.attendance = theirs.attendance
            kept.attendance_at, kept.attendance_by = theirs.attendance_at, theirs.attendance_by
            kept.save(update_fields=["attendance", "attendance_at", "attendance_by"])
        if kept.business_id is None and theirs.business_id is not None:
            kept.business_id = theirs.business_id
            kept.save(update_fields=["business"])
        pending = getattr(theirs, "pending_registration", None)
        if pending is not None:
            taken = PendingRegistration.objects.filter(participant=kept).exists()
            pending.participant = None if taken else kept
            pending.save(update_fields=["participant"])
        theirs.delete()
        folded += 1
    return moved, folded


def _memberships(survivor, merged) -> tuple[int, int]:
    """Move the merged owner's memberships; an open one in a cooperative where the survivor
    is an open member too is folded into the survivor's (member since the earlier date)."""
    open_ones = {
        m.cooperative_id: m
        for m in Membership.objects.filter(owner=survivor, ended_on__isnull=True)
    }
    moved = folded = 0
    for theirs in Membership.objects.filter(owner=merged):
        kept = open_ones.get(theirs.cooperative_id) if theirs.ended_on is None else None
        if kept is None:
            theirs.owner = survivor
            theirs.save(update_fields=["owner"])
            moved += 1
            continue
        if theirs.since < kept.since:
            kept.since = theirs.since
            kept.save(update_fields=["since"])
        theirs.delete()
        folded += 1
    return moved, folded


def owner_merging(*, survivor, merged, **kwargs) -> dict[str, int]:
    """Re-point the pembinaan rows keyed by owner (registrations for activities with their
    attendance, cooperative memberships, pending registrations linked to the owner) to the
    survivor. Rows keyed by business (referrals, business reports, cases, visits) follow the
    businesses the registry moves; they are counted here for the merge's record."""
    participants, participants_folded = _participants(survivor, merged)
    memberships, memberships_folded = _memberships(survivor, merged)
    pending = PendingRegistration.objects.filter(owner=merged).update(owner=survivor)
    by_business = {"business__owner": merged}
    counts = {
        "development.participant": participants,
        "development.participant:folded": participants_folded,
        "development.membership": memberships,
        "development.membership:folded": memberships_folded,
        "development.pendingregistration": pending,
        "development.referral": Referral.objects.filter(**by_business).count(),
        "development.businessreport": BusinessReport.objects.filter(**by_business).count(),
        "development.caseassignment": CaseAssignment.objects.filter(**by_business).count(),
        "development.visit": Visit.objects.filter(**by_business).count(),
    }
    return {label: n for label, n in counts.items() if n}
