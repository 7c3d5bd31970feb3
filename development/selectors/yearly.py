"""The year's figures of pembinaan against its targets, for the dashboard and the annual performance report (LKjIP / IKU)."""

from __future__ import annotations

import datetime
import operator
from dataclasses import dataclass, field
from functools import reduce

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from development import profiles
from development.models import (
    Activity,
    Attendance,
    BusinessReport,
    Participant,
    Referral,
    ReferralChange,
    ReferralStatus,
    Visit,
    YearlyTarget,
)
from registry.models import Business, Owner

# --- yearly figures (targets and the annual performance report) --------------------------

NO_KECAMATAN = None


def coached_owners(year: int) -> QuerySet[Owner]:
    """Owners coached in ``year``: present ("hadir") at an activity starting that year, or
    visited by a pendamping that year (a visit to one of their businesses). One query when
    read; each owner once."""
    present = Participant.objects.filter(
        attendance=Attendance.PRESENT, activity__starts_on__year=year
    ).values("owner_id")
    visited = Visit.objects.filter(visited_on__year=year).values("business__owner_id")
    return Owner.objects.filter(Q(pk__in=present) | Q(pk__in=visited))


def _previous_class():
    """For a report: the class of the business's report before it (by date, then id), or for
    its first report the class the registry held (the baseline); as :func:`_reports_with_previous`,
    but a subquery, so that the reports can be filtered by year without losing the one
    before."""
    before = BusinessReport.objects.filter(business_id=OuterRef("business_id")).filter(
        Q(reported_on__lt=OuterRef("reported_on"))
        | Q(reported_on=OuterRef("reported_on"), pk__lt=OuterRef("pk"))
    )
    return Coalesce(
        Subquery(before.order_by("-reported_on", "-pk").values("size_class")[:1]),
        F("registry_class"),
    )


def _moved_up() -> Q:
    """previous_class → size_class is a move to a larger class."""
    order = profiles.SizeClass.values
    return reduce(
        operator.or_,
        (
            Q(previous_class=before, size_class=after)
            for i, before in enumerate(order)
            for after in order[i + 1 :]
        ),
    )


def naik_kelas_businesses(year: int) -> QuerySet[Business]:
    """Businesses whose class rose in ``year``: at least one report dated that year puts the
    business in a larger class than the report before it (or, for its first report, the
    registry's class). Each business once."""
    moved = (
        BusinessReport.objects.filter(reported_on__year=year)
        .annotate(previous_class=_previous_class())
        .filter(_moved_up())
    )
    return Business.objects.filter(pk__in=moved.values("business_id"))


def kur_referred(year: int) -> QuerySet[Referral]:
    """KUR referrals made in ``year`` (their referral date)."""
    return Referral.objects.filter(channel=Referral.Channel.KUR, referred_on__year=year)


def kur_disbursed(year: int) -> QuerySet[Referral]:
    """KUR referrals the bank disbursed in ``year``: moved to "dicairkan" that year (local
    time). Their amount is the approved one."""
    moves = ReferralChange.objects.filter(to_status=ReferralStatus.DISBURSED, at__year=year)
    return Referral.objects.filter(channel=Referral.Channel.KUR, pk__in=moves.values("referral_id"))


@dataclass
class YearFigures:
    """What the dinas reports for a year, city-wide, with its breakdowns. Keys of the dicts:
    kecamatan id (None: no kecamatan), sex ("M"/"F"), activity kind (``VISITS``: visits)."""

    year: int
    coached: int = 0
    naik_kelas: int = 0
    kur_referred: int = 0
    kur_referred_asked: int = 0
    kur_disbursed: int = 0
    kur_disbursed_amount: int = 0
    # kind -> {"events", "people", "M", "F"}
    by_kind: dict = field(default_factory=dict)
    # kecamatan id -> {"coached", "M", "F", "naik_kelas", "kur_referred", "kur_disbursed",
    # "kur_disbursed_amount"}; sex -> the same without "M"/"F"
    by_kecamatan: dict = field(default_factory=dict)
    by_sex: dict = field(default_factory=dict)
    coached_by_sex: dict = field(default_factory=dict)


VISITS = "kunjungan"
ZERO_FIGURES = {
    "coached": 0,
    "M": 0,
    "F": 0,
    "naik_kelas": 0,
    "kur_referred": 0,
    "kur_disbursed": 0,
    "kur_disbursed_amount": 0,
}


def yearly_figures(year: int) -> YearFigures:
    """Every figure of ``year`` in seven grouped queries, whatever the number of owners:
    coached owners by sex, and by kecamatan of their businesses and sex; present owners and
    activities by activity kind and sex; visits; businesses naik kelas, KUR referred and
    disbursed by kecamatan of the business and the owner's sex. Definitions: docs/pembinaan.md."""
    figures = YearFigures(year)

    def kecamatan(key):
        return figures.by_kecamatan.setdefault(key, dict(ZERO_FIGURES))

    def sex(key):
        return figures.by_sex.setdefault(key, {k: 0 for k in ZERO_FIGURES if k not in ("M", "F")})

    coached = coached_owners(year)
    for owner_sex, n in coached.order_by().values_list("sex").annotate(n=Count("pk")):
        figures.coached_by_sex[owner_sex] = n
        figures.coached += n
        sex(owner_sex)["coached"] = n
    # An owner with businesses in two kecamatan counts in both rows (the city counts once).
    for kecamatan_id, owner_sex, n in (
        coached.order_by()
        .values_list("businesses__kecamatan_id", "sex")
        .annotate(n=Count("pk", distinct=True))
    ):
        row = kecamatan(kecamatan_id)
        row["coached"] += n
        row[owner_sex] += n

    present = Participant.objects.filter(
        attendance=Attendance.PRESENT, activity__starts_on__year=year
    ).order_by()
    for row in present.values("activity__kind").annotate(
        events=Count("activity", distinct=True),
        people=Count("owner", distinct=True),
        M=Count("owner", distinct=True, filter=Q(owner__sex="M")),
        F=Count("owner", distinct=True, filter=Q(owner__sex="F")),
    ):
        figures.by_kind[row.pop("activity__kind")] = row
    visits = (
        Visit.objects.filter(visited_on__year=year)
        .order_by()
        .aggregate(
            events=Count("pk"),
            people=Count("business__owner", distinct=True),
            M=Count("business__owner", distinct=True, filter=Q(business__owner__sex="M")),
            F=Count("business__owner", distinct=True, filter=Q(business__owner__sex="F")),
        )
    )
    if visits["events"]:
        figures.by_kind[VISITS] = visits

    businesses = naik_kelas_businesses(year).order_by()
    for kecamatan_id, owner_sex, n in businesses.values_list("kecamatan_id", "owner__sex").annotate(
        n=Count("pk")
    ):
        figures.naik_kelas += n
        kecamatan(kecamatan_id)["naik_kelas"] += n
        sex(owner_sex)["naik_kelas"] += n

    for kecamatan_id, owner_sex, n, asked in (
        kur_referred(year)
        .order_by()
        .values_list("business__kecamatan_id", "business__owner__sex")
        .annotate(n=Count("pk"), asked=Sum("amount_asked"))
    ):
        figures.kur_referred += n
        figures.kur_referred_asked += asked
        kecamatan(kecamatan_id)["kur_referred"] += n
        sex(owner_sex)["kur_referred"] += n

    for kecamatan_id, owner_sex, n, amount in (
        kur_disbursed(year)
        .order_by()
        .values_list("business__kecamatan_id", "business__owner__sex")
        .annotate(n=Count("pk"), amount=Sum("amount_approved", default=0))
    ):
        figures.kur_disbursed += n
        figures.kur_disbursed_amount += amount
        for row in (kecamatan(kecamatan_id), sex(owner_sex)):
            row["kur_disbursed"] += n
            row["kur_disbursed_amount"] += amount
    return figures


def yearly_target(year: int) -> YearlyTarget | None:
    return YearlyTarget.objects.filter(year=year).first()


def target_years(today: datetime.date | None = None) -> list[int]:
    """Years to choose from for the yearly figures, newest first: those with targets, and
    from the first activity's year to next year."""
    today = today or timezone.localdate()
    first = Activity.objects.order_by("starts_on").values_list("starts_on", flat=True).first()
    years = set(YearlyTarget.objects.values_list("year", flat=True))
    years |= set(range(first.year if first else today.year, today.year + 2))
    return sorted(years, reverse=True)
