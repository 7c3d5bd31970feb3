"""Reads of pengaduan: what the owner sees on the status page, the staff queue's figures."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from complaints.models import Category, Complaint, State


@dataclass(frozen=True, slots=True)
class OwnerComplaint:
    number: int
    category_label: str
    created_at: datetime.datetime
    state: str
    state_label: str
    answer: str
    answered_at: datetime.datetime | None


def complaints_for_owner(nik_hash: str, *, limit: int = 10) -> list[OwnerComplaint]:
    """The owner's latest requests with their state and the answer staff gave; the message
    and contact number they typed are not shown back."""
    rows = Complaint.objects.filter(nik_hash=nik_hash).order_by("-created_at", "-pk")[:limit]
    return [
        OwnerComplaint(
            number=row.pk,
            category_label=Category(row.category).label,
            created_at=row.created_at,
            state=row.state,
            state_label=State(row.state).label,
            answer=row.answer,
            answered_at=row.answered_at,
        )
        for row in rows
    ]


def target_for(category: str) -> datetime.timedelta:
    """How long staff have to answer a request of ``category`` (``COMPLAINT_TARGET_DAYS``)."""
    days = settings.COMPLAINT_TARGET_DAYS.get(category, settings.COMPLAINT_TARGET_DAYS["other"])
    return datetime.timedelta(days=int(days))


def overdue(now=None):
    """Open requests past their target time."""
    return Complaint.objects.exclude(state=State.CLOSED).filter(due_at__lt=now or timezone.now())
