"""Finding owners and businesses: at the door, for a pending registration, and the activities open at the door."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from development.models import (
    Activity,
    Attendance,
    Participant,
    PendingRegistration,
)
from registry import identifiers
from registry.models import Owner

SEARCH_LIMIT = 20


# --- search ------------------------------------------------------------------------------


def _owner_filter(term: str, prefix: str = "") -> Q | None:
    """NIK (16 digits) exactly, a mobile number exactly (as stored, +628…), or a part of the
    name (3 characters at least). None when the term is too short to search by."""
    term = (term or "").strip()
    digits = "".join(ch for ch in term if ch.isdigit())
    if len(digits) == 16 and len(digits) >= len(term.replace(" ", "")) - 3:
        return Q(**{f"{prefix}nik": digits})
    if digits and len(digits) >= 9 and not any(ch.isalpha() for ch in term):
        phone = identifiers.phone(term).value
        return Q(**{f"{prefix}phone": phone}) if phone else None
    if len(term) >= 3:
        return Q(**{f"{prefix}full_name__icontains": term})
    return None


def owners_matching(term: str, *, limit: int = SEARCH_LIMIT) -> list[Owner]:
    """Owners found by NIK, phone or name (see :func:`_owner_filter`), at most ``limit``."""
    condition = _owner_filter(term)
    if condition is None:
        return []
    return list(Owner.objects.filter(condition).order_by("full_name", "pk")[:limit])


@dataclass
class DoorMatch:
    owner: Owner
    participant: Participant | None  # None: found in the registry, not registered yet


def door_matches(activity: Activity, term: str, *, limit: int = SEARCH_LIMIT) -> list[DoorMatch]:
    """For the door page: the activity's participants matching ``term`` first, then owners
    in the registry who match but have not registered (walk-ins). Two queries."""
    owners = owners_matching(term, limit=limit)
    registered = {
        p.owner_id: p
        for p in Participant.objects.filter(activity=activity, owner__in=owners).select_related(
            "owner"
        )
    }
    matches = [DoorMatch(o, registered.get(o.pk)) for o in owners]
    return sorted(matches, key=lambda m: m.participant is None)


def door_pending(activity: Activity, term: str, *, limit: int = SEARCH_LIMIT):
    """For the door page: the activity's waiting claims from the public page whose typed
    NIK, phone or name match ``term``; staff check the KTP and confirm them. One query."""
    condition = _owner_filter(term)
    if condition is None:
        return []
    return list(
        PendingRegistration.objects.filter(
            condition, activity=activity, state=PendingRegistration.State.PENDING
        ).order_by("created_at", "pk")[:limit]
    )


def one_digit_apart(nik: str) -> list[str]:
    """Every NIK that differs from ``nik`` in exactly one digit (16 × 9 of them)."""
    return [
        nik[:i] + digit + nik[i + 1 :]
        for i in range(len(nik))
        for digit in "0123456789"
        if nik[i] != digit
    ]


@dataclass
class PendingMatch:
    """A registered owner who may be the claimant, and why (in words, for staff)."""

    owner: Owner
    reasons: list[str]


def pending_matches(pending: PendingRegistration, *, limit: int = SEARCH_LIMIT):
    """Registered owners who may be the person behind a claim, each with why: the same NIK
    (registered since, or the claimant gave another number), the same phone, a similar
    name (every word of the typed name in theirs), or a NIK one digit apart. One query,
    bounded."""
    words = [w for w in pending.full_name.split() if len(w) >= 3][:4]
    name = Q()
    for word in words:
        name &= Q(full_name__icontains=word)
    condition = Q(nik=pending.nik) | Q(nik__in=one_digit_apart(pending.nik))
    if pending.phone:
        condition |= Q(phone=pending.phone)
    if words:
        condition |= name
    matches = []
    for owner in Owner.objects.filter(condition).order_by("full_name", "pk")[:limit]:
        reasons = []
        if owner.nik == pending.nik:
            reasons.append(_("NIK sama"))
        elif sum(a != b for a, b in zip(owner.nik, pending.nik, strict=False)) == 1:
            reasons.append(_("NIK beda satu angka"))
        if pending.phone and owner.phone == pending.phone:
            reasons.append(_("nomor HP sama"))
        if words and all(w.casefold() in owner.full_name.casefold() for w in words):
            reasons.append(_("nama mirip"))
        matches.append(PendingMatch(owner, reasons))
    return matches


def attendance_counts(activity: Activity) -> dict[str, int]:
    """Participants by attendance ("" = not yet taken), and the total."""
    counts = dict(
        Participant.objects.filter(activity=activity)
        .order_by()
        .values_list("attendance")
        .annotate(n=Count("pk"))
    )
    return {
        "total": sum(counts.values()),
        "pending": counts.get("", 0),
        **{value: counts.get(value, 0) for value in Attendance.values},
    }


def door_activities(today: datetime.date | None = None) -> QuerySet[Activity]:
    """Activities running from a week ago to a week ahead: the ones staff take attendance of."""
    today = today or timezone.localdate()
    week = datetime.timedelta(days=7)
    return (
        Activity.objects.filter(ends_on__gte=today - week, starts_on__lte=today + week)
        .select_related("kecamatan")
        .prefetch_related("activity_partners__organisation")
        .order_by("starts_on", "pk")
    )
