"""Reads of pengaduan: what the owner sees on the status page, the staff queue's figures."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.db import connection
from django.utils import timezone

from complaints.models import Category, Complaint, State
from umkm_portal.postgresql.prepared import execute_prepared


@dataclass(frozen=True, slots=True)
class OwnerComplaint:
    number: int
    category_label: str
    created_at: datetime.datetime
    state: str
    state_label: str
    answer: str
    answered_at: datetime.datetime | None


_OWNER_COLUMNS = ("pk", "category", "created_at", "state", "answer", "answered_at")


def complaints_for_owner(nik_hash: str, *, limit: int = 10) -> list[OwnerComplaint]:
    """The owner's latest requests with their state and the answer staff gave; the message
    and contact number they typed are not shown back. Requests sent after a check that
    matched a list's phone (``Source.LIST_PHONE``) are not the owner's and are left out.

    Read on every successful status check, so the statement is built once and, on
    PostgreSQL, prepared once per connection (no ORM compilation or planning per check).
    """
    with connection.cursor() as cursor:
        execute_prepared(
            cursor,
            f"owner_complaints_{limit}",
            _owner_sql(limit),
            (nik_hash, Complaint.Source.LIST_PHONE),
        )
        rows = cursor.fetchall()
    return [
        OwnerComplaint(
            number=pk,
            category_label=str(Category(category).label),
            created_at=_aware(created_at),
            state=state,
            state_label=str(State(state).label),
            answer=answer,
            answered_at=_aware(answered_at),
        )
        for pk, category, created_at, state, answer, answered_at in rows
    ]


@cache
def _owner_sql(limit: int) -> str:
    query = (
        Complaint.objects.filter(nik_hash="")
        .exclude(source=Complaint.Source.LIST_PHONE)
        .order_by("-created_at", "-pk")
        .values_list(*_OWNER_COLUMNS)[:limit]
    )
    sql, params = query.query.sql_with_params()
    # The NIK hash and the source left out are the statement's only parameters.
    assert params == ("", Complaint.Source.LIST_PHONE), params
    return sql


def _aware(value):
    """A raw cursor gives SQLite's datetimes naive (stored in UTC); PostgreSQL's aware."""
    if value is None or not isinstance(value, datetime.datetime) or timezone.is_aware(value):
        return value
    return timezone.make_aware(value, datetime.UTC)


def target_for(category: str) -> datetime.timedelta:
    """How long staff have to answer a request of ``category`` (``COMPLAINT_TARGET_DAYS``)."""
    days = settings.COMPLAINT_TARGET_DAYS.get(category, settings.COMPLAINT_TARGET_DAYS["other"])
    return datetime.timedelta(days=int(days))


def overdue(now=None):
    """Open requests past their target time."""
    return Complaint.objects.exclude(state=State.CLOSED).filter(due_at__lt=now or timezone.now())
