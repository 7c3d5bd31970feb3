"""Reads of the development app: search at the door, the public list of activities, one
timeline per business, and the dashboard's figures.

Every function returns a bounded list or runs a fixed number of queries, whatever the number
of owners, activities or reports behind it.
"""

from __future__ import annotations

import datetime
import operator
from collections import Counter
from dataclasses import dataclass, field
from functools import reduce

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum, Window
from django.db.models.functions import Coalesce, ExtractYear, Lag
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aid.models import Reason, Status, StatusChange
from aid.money import rupiah
from development import profiles
from development.models import (
    Activity,
    Attendance,
    BusinessReport,
    Membership,
    Participant,
    PendingRegistration,
    Referral,
    ReferralChange,
    ReferralStatus,
    Visit,
    YearlyTarget,
)
from registry import identifiers
from registry.models import Business, Owner, Region

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


# --- business profile --------------------------------------------------------------------


def latest_report(business: Business) -> BusinessReport | None:
    return business.reports.order_by("-reported_on", "-pk").first()


def _reports_with_previous(reports: QuerySet[BusinessReport]) -> QuerySet:
    """Reports with ``previous_class``: the class of the business's report before, or for its
    first report the class the registry held when it was written (the baseline)."""
    return reports.annotate(
        previous_class=Coalesce(
            Window(
                Lag("size_class"),
                partition_by=[F("business_id")],
                order_by=[F("reported_on"), F("pk")],
            ),
            F("registry_class"),
        ),
        previous_report=Window(
            Lag("pk"), partition_by=[F("business_id")], order_by=[F("reported_on"), F("pk")]
        ),
    ).order_by("business_id", "reported_on", "pk")


def size_moves_per_year(kecamatan: Region | None = None) -> list[tuple[int, int, Counter]]:
    """Per year: businesses that moved up a size class that year, and the moves
    ("mikro → kecil": n). One query over the reports, the previous class by a window."""
    reports = BusinessReport.objects.all()
    if kecamatan is not None:
        reports = reports.filter(business__kecamatan=kecamatan)
    years: dict[int, tuple[set, Counter]] = {}
    for business_id, on, size, before in _reports_with_previous(reports).values_list(
        "business_id", "reported_on", "size_class", "previous_class"
    ):
        if profiles.moved_up(before, size):
            businesses, moves = years.setdefault(on.year, (set(), Counter()))
            businesses.add(business_id)
            moves[f"{profiles.SizeClass(before).label} → {profiles.SizeClass(size).label}"] += 1
    return [(year, len(b), moves) for year, (b, moves) in sorted(years.items())]


# --- timeline ----------------------------------------------------------------------------


class Kind:
    REGISTRY = "registri"
    GRANT = "bantuan"
    ACTIVITY = "kegiatan"
    COOPERATIVE = "koperasi"
    REFERRAL = "rujukan"
    NIB = "nib"
    SIZE = "skala"


KIND_LABELS = {
    Kind.REGISTRY: gettext_lazy("Registri"),
    Kind.GRANT: gettext_lazy("Bantuan"),
    Kind.ACTIVITY: gettext_lazy("Kegiatan"),
    Kind.COOPERATIVE: gettext_lazy("Koperasi"),
    Kind.REFERRAL: gettext_lazy("Permodalan"),
    Kind.SIZE: gettext_lazy("Skala usaha"),
    Kind.NIB: gettext_lazy("NIB"),
}


@dataclass
class Entry:
    at: datetime.datetime
    kind: str
    title: str
    detail: str = ""
    has_time: bool = True

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.kind])

    @property
    def day(self) -> datetime.date:
        return timezone.localtime(self.at).date()


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _grant_entries(business: Business) -> list[Entry]:
    changes = StatusChange.objects.filter(application__business=business).select_related(
        "application__program"
    )
    entries = []
    for change in changes:
        detail = ""
        if change.reason_code:
            detail = str(Reason(change.reason_code).label)
        if note := change.note_text:
            detail = f"{detail}: {note}" if detail else note
        title = f"{change.application.program.name}: {Status(change.to_status).label}"
        entries.append(Entry(change.at, Kind.GRANT, title, detail))
    return entries


def _activity_entries(business: Business) -> list[Entry]:
    participations = (
        Participant.objects.filter(owner_id=business.owner_id)
        .filter(Q(business=business) | Q(business__isnull=True))
        .select_related("activity__kecamatan")
        .prefetch_related("activity__activity_partners__organisation")
    )
    entries = []
    for p in participations:
        activity = p.activity
        attendance = (
            Attendance(p.attendance).label
            if p.attendance
            else _("terdaftar, kehadiran belum dicatat")
        )
        place = activity.kecamatan.name if activity.kecamatan_id else ""
        detail = "; ".join(
            str(x) for x in (attendance, activity.organiser_label, place, activity.venue) if x
        )
        title = f"{activity.get_kind_display()}: {activity.topic}"
        entries.append(Entry(_start_of(activity.starts_on), Kind.ACTIVITY, title, detail, False))
    return entries


def _membership_entries(business: Business) -> list[Entry]:
    entries = []
    for m in Membership.objects.filter(owner_id=business.owner_id).select_related("cooperative"):
        title = _("Bergabung dengan %(coop)s") % {"coop": m.cooperative.name}
        entries.append(
            Entry(_start_of(m.since), Kind.COOPERATIVE, title, m.get_role_display(), False)
        )
        if m.ended_on:
            title = _("Berhenti dari %(coop)s") % {"coop": m.cooperative.name}
            entries.append(Entry(_start_of(m.ended_on), Kind.COOPERATIVE, title, "", False))
    return entries


def _referral_entries(business: Business) -> list[Entry]:
    changes = ReferralChange.objects.filter(referral__business=business).select_related(
        "referral__bank", "referral__cooperative"
    )
    entries = []
    for change in changes:
        referral = change.referral
        lender = f" ({referral.lender})" if referral.lender else ""
        # A correction (services.referral_correct) keeps the status: its note says what.
        corrected = change.from_status == change.to_status
        step = change.summary if corrected else ReferralStatus(change.to_status).label
        title = f"{referral.get_channel_display()}{lender}: {step}"
        if corrected:
            detail = ""
        elif change.to_status == ReferralStatus.REFERRED:
            detail = _("diajukan %(amount)s") % {"amount": rupiah(referral.amount_asked)}
        elif change.to_status == ReferralStatus.APPROVED and referral.amount_approved:
            detail = _("disetujui %(amount)s") % {"amount": rupiah(referral.amount_approved)}
        else:
            detail = ""
        if change.note:
            detail = f"{detail}; {change.note}" if detail else change.note
        entries.append(Entry(change.at, Kind.REFERRAL, title, detail))
    return entries


def _report_entries(business: Business) -> list[Entry]:
    entries = []
    nib_seen = ""
    for report in _reports_with_previous(business.reports.all()):
        at = _start_of(report.reported_on)
        size = profiles.SizeClass(report.size_class).label
        detail = _("modal %(capital)s; penjualan setahun %(sales)s; %(workers)s tenaga kerja") % {
            "capital": rupiah(report.capital),
            "sales": rupiah(report.annual_sales),
            "workers": report.workers,
        }
        if report.kbli:
            detail += "; KBLI " + report.kbli.replace(",", ", ")
        if report.previous_report is None and report.previous_class:
            # The first report: compared with the class the registry held.
            detail = _("dibanding skala di registri (%(before)s); %(detail)s") % {
                "before": profiles.SizeClass(report.previous_class).label,
                "detail": detail,
            }
        if profiles.moved_up(report.previous_class, report.size_class):
            before = profiles.SizeClass(report.previous_class).label
            title = _("Naik kelas: %(before)s → %(after)s") % {"before": before, "after": size}
        elif report.previous_class and report.previous_class != report.size_class:
            before = profiles.SizeClass(report.previous_class).label
            title = _("Skala usaha berubah: %(before)s → %(after)s") % {
                "before": before,
                "after": size,
            }
        else:
            title = _("Laporan usaha: skala %(size)s") % {"size": size}
        entries.append(Entry(at, Kind.SIZE, title, detail, False))
        if report.nib and report.nib != nib_seen:
            entries.append(Entry(at, Kind.NIB, _("NIB tercatat: %(nib)s") % {"nib": report.nib}))
            entries[-1].has_time = False
            nib_seen = report.nib
    return entries


def _registry_entries(business: Business) -> list[Entry]:
    entries = [Entry(business.created_at, Kind.REGISTRY, _("Usaha terdaftar di registri UMKM"))]
    # NIBs entered in the registry itself (the business's edit history), when not reported.
    reported = set(business.reports.exclude(nib="").values_list("nib", flat=True))
    previous = ""
    for record in business.history.order_by("history_date", "history_id"):
        if record.nib and record.nib != previous and record.nib not in reported:
            entries.append(
                Entry(
                    record.history_date, Kind.NIB, _("NIB tercatat: %(nib)s") % {"nib": record.nib}
                )
            )
        previous = record.nib
    return entries


def business_timeline(business: Business, *, with_grants: bool = True) -> list[Entry]:
    """Everything that happened to a business, oldest first: registration, grant steps
    (``with_grants``: the reader may see applications), activities, memberships, referrals,
    NIB and size changes. A fixed number of queries."""
    entries = [
        *_registry_entries(business),
        *(_grant_entries(business) if with_grants else []),
        *_activity_entries(business),
        *_membership_entries(business),
        *_referral_entries(business),
        *_report_entries(business),
    ]
    order = list(KIND_LABELS)
    return sorted(entries, key=lambda e: (e.at, order.index(e.kind)))


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
