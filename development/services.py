"""Every write of the development app (pembinaan UMKM).

Keyword-only functions that run in a transaction, record who did it (``by``) and when, and
raise ``ValidationError`` with Indonesian messages keyed by field, writing nothing, when the
input is wrong. Owners and businesses are created and changed only through
:mod:`registry.services`; a referral's status only through :mod:`development.transitions`.

Longer than ~500 lines because the app's five areas (activities, attendance, cooperatives,
referrals, business reports) share their checks here; each area is a section, and the first
to grow further moves to a module of its own (as aid.services did).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aid.importing.columns import header_key
from aid.importing.guards import check_uploaded_file
from aid.importing.read import open_list, values_of
from development import profiles, selectors
from development.models import (
    Activity,
    Attendance,
    BusinessReport,
    Cooperative,
    Membership,
    Participant,
    Referral,
    ReferralChange,
)
from proposers.models import Proposer
from registry import identifiers
from registry import services as registry_services
from registry.models import Bank, Business, Owner, Region

# --- cooperatives -------------------------------------------------------------------------


def _cooperative_check(name: str, legal_number: str, proposer: Proposer | None) -> dict:
    errors = {}
    if not (name or "").strip():
        errors["name"] = _("Wajib diisi.")
    if not (legal_number or "").strip():
        errors["legal_number"] = _("Wajib diisi.")
    if proposer is not None and proposer.kind != Proposer.Kind.KOPERASI:
        errors["proposer"] = _("Lembaga pengusul yang ditautkan harus berjenis koperasi.")
    return errors


@transaction.atomic
def cooperative_create(
    *,
    name: str,
    legal_number: str,
    kecamatan: Region | None = None,
    is_active: bool = True,
    proposer: Proposer | None = None,
    by=None,
) -> Cooperative:
    """Record a cooperative; linked to a koperasi proposer it can propose lists."""
    errors = _cooperative_check(name, legal_number, proposer)
    if errors:
        raise ValidationError(errors)
    cooperative = Cooperative(
        name=" ".join(name.split()),
        legal_number=legal_number.strip(),
        kecamatan=kecamatan,
        is_active=is_active,
        proposer=proposer,
    )
    cooperative._history_user = by
    cooperative.full_clean()
    cooperative.save()
    return cooperative


@transaction.atomic
def cooperative_update(*, cooperative: Cooperative, by=None, **changes) -> Cooperative:
    """Change a cooperative's details (name, legal number, kecamatan, active, proposer)."""
    merged = {f: changes.get(f, getattr(cooperative, f)) for f in ("name", "legal_number")}
    errors = _cooperative_check(merged["name"], merged["legal_number"], changes.get("proposer"))
    if errors:
        raise ValidationError(errors)
    changed = [f for f, v in changes.items() if getattr(cooperative, f) != v]
    for name in changed:
        setattr(cooperative, name, changes[name])
    if changed:
        cooperative._history_user = by
        cooperative.full_clean()
        cooperative.save(update_fields=changed)
    return cooperative


@transaction.atomic
def membership_add(
    *,
    cooperative: Cooperative,
    owner: Owner,
    since: datetime.date,
    role: str = Membership.Role.MEMBER,
    by=None,
) -> Membership:
    """Make ``owner`` a member of ``cooperative`` from ``since``.

    Refuses a second open membership of the same cooperative (the database holds that too)
    and an inactive cooperative.
    """
    if not cooperative.is_active:
        raise ValidationError({"cooperative": _("Koperasi ini tidak aktif.")})
    if Membership.objects.filter(cooperative=cooperative, owner=owner, ended_on=None).exists():
        raise ValidationError({"owner": _("Pemilik ini sudah menjadi anggota koperasi ini.")})
    return Membership.objects.create(
        cooperative=cooperative, owner=owner, since=since, role=role, by=by
    )


@transaction.atomic
def membership_end(*, membership: Membership, ended_on: datetime.date, by=None) -> Membership:
    """End a membership on ``ended_on`` (not before it started)."""
    if ended_on < membership.since:
        raise ValidationError({"ended_on": _("Tanggal berhenti sebelum tanggal masuk.")})
    membership.ended_on = ended_on
    membership.by = by
    membership.save(update_fields=["ended_on", "by"])
    return membership


# --- activities and attendance ------------------------------------------------------------


@transaction.atomic
def activity_create(
    *,
    kind: str,
    topic: str,
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
    by=None,
    **details,
) -> Activity:
    """Plan an activity; ``ends_on`` defaults to ``starts_on`` (a one-day activity).

    ``details``: description, kecamatan, venue, organiser, facilitator, capacity,
    target_kecamatan, target_sector, target_size_class, registration_open.
    """
    activity = Activity(
        kind=kind,
        topic=" ".join((topic or "").split()),
        starts_on=starts_on,
        ends_on=ends_on or starts_on,
        created_by=by,
        **details,
    )
    _activity_check(activity)
    activity._history_user = by
    activity.save()
    return activity


@transaction.atomic
def activity_update(*, activity: Activity, by=None, **changes) -> Activity:
    """Change an activity's details; the same checks as :func:`activity_create`."""
    changed = [f for f, v in changes.items() if getattr(activity, f) != v]
    for name in changed:
        setattr(activity, name, changes[name])
    if changed:
        _activity_check(activity)
        activity._history_user = by
        activity.save(update_fields=changed)
    return activity


def _activity_check(activity: Activity) -> None:
    errors = {}
    if activity.ends_on and activity.starts_on and activity.ends_on < activity.starts_on:
        errors["ends_on"] = _("Tanggal selesai sebelum tanggal mulai.")
    if activity.organiser_id and not activity.organiser.is_active:
        errors["organiser"] = _("Koperasi penyelenggara tidak aktif.")
    if errors:
        raise ValidationError(errors)
    activity.full_clean(exclude=["created_by"])


# Registrations that get a confirmation message (registration_confirm).
CONFIRMED_CHANNELS = frozenset({Participant.Channel.STAFF, Participant.Channel.PUBLIC})


def _full(activity: Activity) -> bool:
    return (
        activity.capacity is not None
        and Participant.objects.filter(activity=activity).count() >= activity.capacity
    )


@transaction.atomic
def participant_register(
    *,
    activity: Activity,
    owner: Owner,
    business: Business | None = None,
    channel: str = Participant.Channel.STAFF,
    enforce_capacity: bool = True,
    by=None,
    at: datetime.datetime | None = None,
) -> tuple[Participant, bool]:
    """Register ``owner`` for ``activity``; return ``(participant, created)``.

    Registering someone already registered changes nothing. The activity row is locked, so
    two registrations for the last seat cannot both get it; a full activity refuses with a
    ValidationError unless ``enforce_capacity`` is off (staff letting someone in at the door).
    The business defaults to the owner's first one.
    """
    locked = Activity.objects.select_for_update().get(pk=activity.pk)
    existing = Participant.objects.filter(activity=locked, owner=owner).first()
    if existing is not None:
        return existing, False
    if enforce_capacity and _full(locked):
        raise ValidationError(_("Kuota peserta kegiatan ini sudah penuh."), code="full")
    if business is None:
        business = owner.businesses.order_by("pk").first()
    participant = Participant.objects.create(
        activity=locked,
        owner=owner,
        business=business,
        channel=channel,
        registered_at=at or timezone.now(),
    )
    if channel in CONFIRMED_CHANNELS:
        registration_confirm(participant=participant)
    return participant, True


@transaction.atomic
def attendance_record(
    *, participant: Participant, attendance: str, by, at: datetime.datetime | None = None
) -> Participant:
    """Record whether a participant came (hadir, izin, tidak hadir), by whom and when."""
    if attendance not in Attendance.values:
        raise ValidationError({"attendance": _("Pilih hadir, izin atau tidak hadir.")})
    participant.attendance = attendance
    participant.attendance_at = at or timezone.now()
    participant.attendance_by = by
    participant.save(update_fields=["attendance", "attendance_at", "attendance_by"])
    return participant


@transaction.atomic
def attendance_take(
    *,
    activity: Activity,
    owner: Owner,
    attendance: str,
    by,
    at: datetime.datetime | None = None,
) -> Participant:
    """At the door: register ``owner`` if not yet registered (over capacity: staff decide
    who comes in), then record the attendance."""
    participant, _created = participant_register(
        activity=activity,
        owner=owner,
        channel=Participant.Channel.DOOR,
        enforce_capacity=False,
        by=by,
        at=at,
    )
    return attendance_record(participant=participant, attendance=attendance, by=by, at=at)


# Words found in the attendance column of lists kept on paper and in Excel.
_ATTENDANCE_WORDS = {
    "hadir": Attendance.PRESENT,
    "h": Attendance.PRESENT,
    "ya": Attendance.PRESENT,
    "v": Attendance.PRESENT,
    "1": Attendance.PRESENT,
    "izin": Attendance.EXCUSED,
    "ijin": Attendance.EXCUSED,
    "i": Attendance.EXCUSED,
    "tidakhadir": Attendance.ABSENT,
    "tidak": Attendance.ABSENT,
    "absen": Attendance.ABSENT,
    "alpa": Attendance.ABSENT,
    "th": Attendance.ABSENT,
    "0": Attendance.ABSENT,
}
_ATTENDANCE_HEADERS = {"kehadiran", "hadir", "statushadir", "status", "keterangan"}


@dataclass
class AttendanceImport:
    """What an attendance list import did: rows recorded, and the rows it could not use."""

    recorded: int = 0
    registered: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)


@transaction.atomic
def attendance_import(*, activity: Activity, file, by) -> AttendanceImport:
    """Record attendance from a CSV/XLSX list: a NIK column, a name column and optionally a
    kehadiran column (hadir/izin/tidak hadir; blank means hadir).

    The file passes the proposal lists' upload guards first (size, real CSV/XLSX, zip bombs,
    XML declarations). NIKs not in the registry are reported, not created: a new owner is
    added with the registry's checks by staff. Set-based: one query for the owners of the
    whole list, one for the existing participants, one bulk insert and one bulk update.
    """
    kind = check_uploaded_file(file, filename=getattr(file, "name", ""))
    outcome = AttendanceImport()
    wanted: dict[str, tuple[int, str]] = {}
    with open_list(file, kind) as sheet:
        column = next(
            (i for i, h in enumerate(sheet.headers) if header_key(h) in _ATTENDANCE_HEADERS),
            None,
        )
        for number, cells in sheet.rows:
            values = values_of(cells, sheet.mapping)
            checked = identifiers.nik(values.get("nik", ""))
            if checked.error:
                outcome.problems.append((number, checked.error))
                continue
            word = header_key(cells[column]) if column is not None and column < len(cells) else ""
            status = _ATTENDANCE_WORDS.get(word or "hadir")
            if status is None:
                outcome.problems.append(
                    (number, _("Kehadiran %(word)s tidak dikenal.") % {"word": cells[column]})
                )
                continue
            wanted[checked.value] = (number, status)
    owners = dict(Owner.objects.filter(nik__in=wanted).values_list("nik", "pk"))
    for nik, (number, _status) in wanted.items():
        if nik not in owners:
            outcome.problems.append(
                (number, _("NIK belum terdaftar di registri UMKM; daftarkan pemiliknya dulu."))
            )
    Activity.objects.select_for_update().filter(pk=activity.pk).first()
    now = timezone.now()
    present = dict(
        Participant.objects.filter(activity=activity, owner_id__in=owners.values()).values_list(
            "owner_id", "pk"
        )
    )
    first_business = dict(
        Business.objects.filter(owner_id__in=owners.values())
        .order_by("owner_id", "-pk")
        .values_list("owner_id", "pk")
    )  # the last pair per owner wins: the lowest pk, as participant_register picks
    new = [
        Participant(
            activity=activity,
            owner_id=owner_id,
            business_id=first_business.get(owner_id),
            channel=Participant.Channel.IMPORT,
            registered_at=now,
            attendance=wanted[nik][1],
            attendance_at=now,
            attendance_by=by,
        )
        for nik, owner_id in owners.items()
        if owner_id not in present
    ]
    Participant.objects.bulk_create(new)
    updates = Participant.objects.filter(pk__in=present.values()).only("pk", "owner_id")
    by_owner = {pk: nik for nik, pk in owners.items()}
    changed = []
    for participant in updates:
        participant.attendance = wanted[by_owner[participant.owner_id]][1]
        participant.attendance_at, participant.attendance_by = now, by
        changed.append(participant)
    Participant.objects.bulk_update(changed, ["attendance", "attendance_at", "attendance_by"])
    outcome.registered = len(new)
    outcome.recorded = len(new) + len(changed)
    outcome.problems.sort()
    return outcome


# --- public registration ------------------------------------------------------------------


class RegistrationRefused(Exception):
    """The NIK and phone do not match a registered owner, and no new owner could be made.

    One exception, one message, whatever the cause: the public page must not tell whether a
    NIK is registered."""


@transaction.atomic
def public_registration(
    *,
    activity: Activity,
    nik: str,
    phone: str,
    full_name: str = "",
    ktp_address: str = "",
    business_name: str = "",
    sector: str = "",
    kecamatan: Region | None = None,
) -> tuple[Participant, bool]:
    """An owner registers for an open activity with NIK and mobile number.

    A registered owner must give the number the registry holds; their details are never
    changed from the public page. An owner not yet in the registry gives the registry's
    required fields and is created through :func:`registry.services.owner_upsert` and
    :func:`registry.services.business_create` with their usual checks. Returns
    ``(participant, owner_created)``; raises :class:`RegistrationRefused` when the details do
    not match or are not enough, ValidationError (keyed by field) when a new owner's details
    are wrong or the activity is full or closed.
    """
    if not selectors.open_for_registration(activity):
        raise ValidationError(_("Pendaftaran kegiatan ini sudah ditutup."), code="closed")
    nik_value = identifiers.nik(nik).value
    phone_value = identifiers.phone(phone).value
    owner = Owner.objects.filter(nik=nik_value).first() if nik_value else None
    created = False
    if owner is not None:
        if not phone_value or owner.phone != phone_value:
            raise RegistrationRefused
    else:
        if not all(s.strip() for s in (full_name, ktp_address, business_name, sector)):
            raise RegistrationRefused
        if not phone_value:
            raise ValidationError({"phone": identifiers.phone(phone).error or _("Wajib diisi.")})
        owner = registry_services.owner_upsert(
            nik=nik, full_name=full_name, ktp_address=ktp_address, phone=phone
        )
        registry_services.business_create(
            owner=owner, name=business_name, sector=sector, kecamatan=kecamatan
        )
        created = True
    participant, _new = participant_register(
        activity=activity, owner=owner, channel=Participant.Channel.PUBLIC
    )
    return participant, created


def registration_confirm(*, participant: Participant) -> None:
    """Queue the confirmation message (activity topic, date and place; no NIK) to the newly
    registered owner, once the registration commits: nothing is queued when it rolls back,
    and a failing enqueue never undoes the registration. Called by
    :func:`participant_register` for a new participant registered by staff or on the public
    page (not at the door nor from an attendance list: the activity is then under way). The
    outbox holds one message per participant, so calling this twice sends once."""
    from notifications import tasks

    participant_id = participant.pk
    transaction.on_commit(lambda: tasks.activity_registered.enqueue(participant_id), robust=True)


# --- capital referrals --------------------------------------------------------------------


@transaction.atomic
def referral_create(
    *,
    business: Business,
    channel: str,
    amount_asked: int,
    referred_on: datetime.date,
    bank: Bank | None = None,
    cooperative: Cooperative | None = None,
    note: str = "",
    by=None,
) -> Referral:
    """Refer a business to a source of capital; the referral starts as dirujuk, recorded as
    the first :class:`ReferralChange`. KUR names the bank, a cooperative loan the
    cooperative."""
    errors = {}
    if channel == Referral.Channel.KUR and bank is None:
        errors["bank"] = _("Rujukan KUR harus menyebut bank penyalurnya.")
    if channel == Referral.Channel.COOPERATIVE and cooperative is None:
        errors["cooperative"] = _("Pinjaman koperasi harus menyebut koperasinya.")
    if not amount_asked or amount_asked <= 0:
        errors["amount_asked"] = _("Nilai yang diajukan harus lebih dari nol.")
    if errors:
        raise ValidationError(errors)
    referral = Referral.objects.create(
        business=business,
        channel=channel,
        amount_asked=amount_asked,
        referred_on=referred_on,
        bank=bank if channel == Referral.Channel.KUR else None,
        cooperative=cooperative if channel == Referral.Channel.COOPERATIVE else None,
        note=(note or "").strip(),
        created_by=by,
    )
    at = timezone.make_aware(datetime.datetime.combine(referred_on, datetime.time(9)))
    ReferralChange.objects.create(
        referral=referral, from_status="", to_status=referral.status, note=note, by=by, at=at
    )
    return referral


# --- business profile over time -----------------------------------------------------------


@transaction.atomic
def business_report_add(
    *,
    business: Business,
    reported_on: datetime.date,
    capital: int,
    annual_sales: int,
    workers: int,
    nib: str = "",
    kbli: str = "",
    note: str = "",
    by=None,
) -> BusinessReport:
    """Keep what the owner reported on ``reported_on`` and the PP 7/2021 class it gives.

    Reports are never changed: a correction is a new report. When this is the business's
    latest report, the registry's business follows it (size class, workers, NIB when given)
    through :func:`registry.services.business_update`, so its history says who changed it.
    """
    errors = {}
    nib_checked = identifiers.nib(nib)
    if nib_checked.error:
        errors["nib"] = nib_checked.error
    kbli_checked = profiles.kbli_codes(kbli)
    if kbli_checked.error:
        errors["kbli"] = kbli_checked.error
    for name, value in (("capital", capital), ("annual_sales", annual_sales), ("workers", workers)):
        if value is None or value < 0:
            errors[name] = _("Isi dengan angka nol atau lebih.")
    if errors:
        raise ValidationError(errors)
    locked = Business.objects.select_for_update().get(pk=business.pk)
    size = profiles.size_class(capital=capital, annual_sales=annual_sales)
    try:
        with transaction.atomic():
            report = BusinessReport.objects.create(
                business=locked,
                reported_on=reported_on,
                capital=capital,
                annual_sales=annual_sales,
                workers=workers,
                nib=nib_checked.value,
                kbli=kbli_checked.value,
                size_class=size,
                note=(note or "").strip(),
                by=by,
            )
    except IntegrityError as exc:  # the database's own checks, should the above miss one
        raise ValidationError(_("Laporan usaha tidak dapat disimpan.")) from exc
    latest = selectors.latest_report(locked)
    if latest is not None and latest.pk == report.pk:
        changes = {"size_class": profiles.registry_class(size), "workers": workers}
        if nib_checked.value:
            changes["nib"] = nib_checked.value
        registry_services.business_update(business=locked, by=by, **changes)
    return report
