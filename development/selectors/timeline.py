"""A business over time: its reports, size moves and the timeline of everything recorded about it."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db.models import F, Q, QuerySet, Window
from django.db.models.functions import Coalesce, Lag
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aid.models import Reason, Status, StatusChange
from aid.money import rupiah
from development import profiles
from development.models import (
    Attendance,
    BusinessReport,
    Membership,
    Participant,
    ReferralChange,
    ReferralStatus,
)
from registry.models import Business, Region

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
