"""Activities (trainings, temu usaha) and their participants and attendance, at the door and by upload."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.signals import m2m_changed
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from aid.importing.columns import header_key
from aid.importing.guards import check_uploaded_file
from aid.importing.read import open_list, values_of
from development import tables
from development.models import (
    Activity,
    ActivityPartner,
    Attendance,
    Participant,
    PartnerOrganisation,
)
from registry import identifiers
from registry import selectors as registry_selectors
from registry.models import Business, Owner
from registry.names import same_person_name
from umkm_portal import events

# --- activities and attendance ------------------------------------------------------------


@transaction.atomic
def activity_create(
    *,
    kind: str,
    topic: str,
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
    organisers: Iterable[PartnerOrganisation] = (),
    partners: Iterable[PartnerOrganisation] = (),
    by=None,
    **details,
) -> Activity:
    """Plan an activity; ``ends_on`` defaults to ``starts_on`` (a one-day activity).

    ``organisers`` organise it with the Dinas (none: the Dinas alone), ``partners`` support
    it (a bank, a BUMN). ``details``: description, starts_at, kecamatan, venue, facilitator,
    capacity, target_kecamatan, target_sector, target_size_class, registration_open.
    """
    organisers, partners = list(organisers), list(partners)
    activity = Activity(
        kind=kind,
        topic=" ".join((topic or "").split()),
        starts_on=starts_on,
        ends_on=ends_on or starts_on,
        created_by=by,
        **details,
    )
    _activity_check(activity, organisers, partners)
    activity._history_user = by
    activity.save()
    _partners_set(activity, organisers, partners, announce=True)
    return activity


@transaction.atomic
def activity_update(
    *,
    activity: Activity,
    organisers: Iterable[PartnerOrganisation] | None = None,
    partners: Iterable[PartnerOrganisation] | None = None,
    by=None,
    **changes,
) -> Activity:
    """Change an activity's details, and its organisers and partners when given (the lists
    replace the ones before); the same checks as :func:`activity_create`."""
    if organisers is None:
        organisers = activity.organisers()
    if partners is None:
        partners = activity.supporting_partners()
    organisers, partners = list(organisers), list(partners)
    changed = [f for f, v in changes.items() if getattr(activity, f) != v]
    for name in changed:
        setattr(activity, name, changes[name])
    _activity_check(activity, organisers, partners)
    activity._history_user = by
    # Partners first, so the history record of a changed detail carries them too: one record
    # per change, whichever of the two changed.
    _partners_set(activity, organisers, partners, announce=not changed)
    if changed:
        activity.save(update_fields=changed)
    return activity


def _activity_check(activity: Activity, organisers: list, partners: list) -> None:
    errors = {}
    if activity.ends_on and activity.starts_on and activity.ends_on < activity.starts_on:
        errors["ends_on"] = _("Tanggal selesai sebelum tanggal mulai.")
    inactive = [
        o.name for o in organisers if o.cooperative_id is not None and not o.cooperative.is_active
    ]
    if inactive:
        errors["organisers"] = _("Koperasi penyelenggara tidak aktif: %(names)s.") % {
            "names": ", ".join(inactive)
        }
    both = {o.pk for o in organisers} & {p.pk for p in partners}
    if both:
        names = ", ".join(o.name for o in organisers if o.pk in both)
        errors["partners"] = _(
            "%(names)s sudah dipilih sebagai penyelenggara; pilih satu peran untuk tiap lembaga."
        ) % {"names": names}
    if errors:
        raise ValidationError(errors)
    activity.full_clean(exclude=["created_by"])


def _partners_set(activity: Activity, organisers: list, partners: list, *, announce: bool) -> None:
    """Make the activity's organisers and partners exactly these (one query each way).

    With ``announce``, a change is announced as ``m2m_changed``, as the related manager
    would: the set-based writes send no signal, and the activity's history (simple-history,
    ``m2m_fields``) writes a record with the new organisers and partners on it. Without it,
    the caller saves the activity next, which writes that record."""
    wanted = {o.pk: ActivityPartner.Role.ORGANISER for o in organisers}
    wanted.update({p.pk: ActivityPartner.Role.PARTNER for p in partners})
    have = dict(
        ActivityPartner.objects.filter(activity=activity).values_list("organisation_id", "role")
    )
    gone = [pk for pk, role in have.items() if wanted.get(pk) != role]
    if gone:
        ActivityPartner.objects.filter(activity=activity, organisation_id__in=gone).delete()
    new = [
        ActivityPartner(activity=activity, organisation_id=pk, role=role)
        for pk, role in wanted.items()
        if have.get(pk) != role
    ]
    ActivityPartner.objects.bulk_create(new)
    if hasattr(activity, "_prefetched_objects_cache"):
        activity._prefetched_objects_cache.pop("activity_partners", None)
    if announce and (gone or new):
        m2m_changed.send(
            sender=ActivityPartner,
            instance=activity,
            action="post_add" if new else "post_remove",
            reverse=False,
            model=PartnerOrganisation,
            pk_set={link.organisation_id for link in new} or set(gone),
            using=activity._state.db,
        )


@transaction.atomic
def partner_organisation_save(
    *, organisation: PartnerOrganisation | None = None, by=None, **values
) -> PartnerOrganisation:
    """Add a partner organisation, or change one (``organisation``); a cooperative partner
    is of kind koperasi."""
    organisation = organisation or PartnerOrganisation()
    for name, value in values.items():
        setattr(organisation, name, value)
    organisation.name = " ".join((organisation.name or "").split())
    if organisation.cooperative_id and organisation.kind != PartnerOrganisation.Kind.COOPERATIVE:
        raise ValidationError(
            {"kind": _("Lembaga yang ditautkan ke koperasi harus berjenis Koperasi.")}
        )
    organisation.full_clean()
    organisation.save()
    return organisation


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
    The business defaults to the owner's first one. An owner merged into another (the same
    person, registry.merges) is registered as that other owner.
    """
    if owner.merged_into_id is not None:
        owner = registry_selectors.owner_survivor(owner)
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
    """Record whether a participant came (hadir, izin, tidak hadir), by whom and when.

    Hadir and tidak hadir are refused before the activity's first day (an izin may come
    before)."""
    if attendance not in Attendance.values:
        raise ValidationError({"attendance": _("Pilih hadir, izin atau tidak hadir.")})
    _check_attendance_date(participant.activity, attendance, at)
    participant.attendance = attendance
    participant.attendance_at = at or timezone.now()
    participant.attendance_by = by
    participant.save(update_fields=["attendance", "attendance_at", "attendance_by"])
    return participant


def _check_attendance_date(activity: Activity, attendance: str, at=None) -> None:
    on = timezone.localdate(at) if at else timezone.localdate()
    if attendance != Attendance.EXCUSED and on < activity.starts_on:
        raise ValidationError(
            {
                "attendance": _(
                    "Kehadiran baru dapat dicatat mulai hari kegiatan (%(date)s); sebelum itu "
                    "hanya izin."
                )
                % {"date": formats.date_format(activity.starts_on, "j F Y")}
            }
        )


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
    kehadiran column (hadir/izin/tidak hadir; blank means hadir). A row whose name is not
    the registered owner's name for its NIK (beyond titles and small slips) is reported, not
    recorded: a typo in the NIK must not mark another person present.

    The file passes the proposal lists' upload guards first (size, real CSV/XLSX, zip bombs,
    XML declarations). NIKs not in the registry are reported, not created: a new owner is
    added with the registry's checks by staff. Set-based: one query for the owners of the
    whole list, one for the existing participants, one bulk insert and one bulk update.
    """
    kind = check_uploaded_file(file, filename=getattr(file, "name", ""))
    if timezone.localdate() < activity.starts_on:
        _check_attendance_date(activity, Attendance.PRESENT)
    outcome = AttendanceImport()
    wanted: dict[str, tuple[int, str]] = {}
    typed_names: dict[str, str] = {}
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
            typed_names[checked.value] = (values.get("full_name") or "").strip()
    owners = {}
    registered_niks = set()
    for nik, pk, registered_name in Owner.objects.filter(nik__in=wanted).values_list(
        "nik", "pk", "full_name"
    ):
        registered_niks.add(nik)
        typed = typed_names.get(nik, "")
        if typed and not same_person_name(typed, registered_name):
            # A typo in the NIK would otherwise mark another person present.
            outcome.problems.append(
                (
                    wanted[nik][0],
                    _(
                        "Nama %(typed)s tidak sama dengan nama yang terdaftar untuk NIK ini; "
                        "periksa NIK-nya di daftar hadir."
                    )
                    % {"typed": typed},
                )
            )
            continue
        owners[nik] = pk
    for nik, (number, _status) in wanted.items():
        if nik not in registered_niks:
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
    tables.live_tables_changed()  # bulk writes send no post_save
    outcome.registered = len(new)
    outcome.recorded = len(new) + len(changed)
    outcome.problems.sort()
    return outcome


def registration_confirm(*, participant: Participant) -> None:
    """Queue the confirmation message (activity topic, date and place; no NIK) to the newly
    registered owner, once the registration commits: nothing is queued when it rolls back,
    and a failing enqueue never undoes the registration. Called by
    :func:`participant_register` for a new participant registered by staff or on the public
    page (not at the door nor from an attendance list: the activity is then under way). The
    outbox holds one message per participant, so calling this twice sends once."""
    events.send_on_commit(events.participant_registered, participant_id=participant.pk)
