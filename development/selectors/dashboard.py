"""The figures of the dashboard's coaching section."""

from __future__ import annotations

from django.db.models import Count, Sum
from django.db.models.functions import ExtractYear

from development.models import (
    Activity,
    Attendance,
    Participant,
    Referral,
)
from registry.models import Region

# --- dashboard ---------------------------------------------------------------------------


def reach_by_kecamatan_sector(kecamatan: Region | None = None) -> list[dict]:
    """Per kecamatan and sector of the participants' businesses: activities with someone
    present, and people present (each owner once). One grouped query."""
    rows = Participant.objects.filter(attendance=Attendance.PRESENT)
    if kecamatan is not None:
        rows = rows.filter(business__kecamatan=kecamatan)
    return list(
        rows.order_by()
        .values("business__kecamatan__name", "business__sector")
        .annotate(activities=Count("activity", distinct=True), people=Count("owner", distinct=True))
        .order_by("business__kecamatan__name", "business__sector")
    )


def referrals_by_status(kecamatan: Region | None = None) -> list[dict]:
    """Per channel and status: referrals, rupiah asked and rupiah approved. One query."""
    referrals = Referral.objects.all()
    if kecamatan is not None:
        referrals = referrals.filter(business__kecamatan=kecamatan)
    return list(
        referrals.order_by()
        .values("channel", "status")
        .annotate(
            n=Count("pk"),
            asked=Sum("amount_asked", default=0),
            approved=Sum("amount_approved", default=0),
        )
    )


def activities_per_year(kecamatan: Region | None = None) -> dict[int, int]:
    activities = Activity.objects.all()
    if kecamatan is not None:
        activities = activities.filter(kecamatan=kecamatan)
    return dict(
        activities.order_by()
        .annotate(year=ExtractYear("starts_on"))
        .values_list("year")
        .annotate(n=Count("pk"))
    )
