"""What the public activities page reads."""

from __future__ import annotations

import datetime

from django.db.models import Count
from django.utils import timezone

from development.models import (
    Activity,
)

# --- public ------------------------------------------------------------------------------


def open_for_registration(activity: Activity, today: datetime.date | None = None) -> bool:
    today = today or timezone.localdate()
    return activity.registration_open and activity.starts_on >= today


def upcoming_activities(today: datetime.date | None = None) -> list[Activity]:
    """Activities not yet over, soonest first, each with ``seats_taken`` and ``is_open``.

    Nothing about the participants beyond their number."""
    today = today or timezone.localdate()
    activities = list(
        Activity.objects.filter(ends_on__gte=today)
        .select_related("kecamatan", "target_kecamatan")
        .prefetch_related("activity_partners__organisation")
        .annotate(seats_taken=Count("participants"))
        .order_by("starts_on", "pk")[:100]
    )
    for activity in activities:
        full = activity.capacity is not None and activity.seats_taken >= activity.capacity
        activity.is_full = full
        activity.is_open = open_for_registration(activity, today) and not full
    return activities
