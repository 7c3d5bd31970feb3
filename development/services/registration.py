"""Registration for an activity from the public page, and the pending registrations it
leaves for staff.

Anonymous input is a claim, not a registry record: the public page never creates or
changes an owner. A NIK and phone that match a registered owner register them; anything
else (an unknown NIK, or a known one with another number) is kept as a
:class:`~development.models.PendingRegistration`, and both of those cases do the same work
and get the same answer, so the page cannot tell anyone whether a NIK is registered.
Staff then confirm the claim as a new owner (through :mod:`registry.services`), link it
to a registered owner, or refuse it.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from development import pending as pending_states
from development import selectors
from development.models import Activity, Participant, PendingRegistration
from development.services.activities import _full, participant_register
from registry import identifiers
from registry import services as registry_services
from registry.models import Owner, Region
from umkm_portal import events

# Compared with the typed phone when no owner has the NIK, so both paths do the same work.
_NO_PHONE = "+620000000000"

# --- public registration ------------------------------------------------------------------


class RegistrationRefused(Exception):
    """The NIK and phone do not match a registered owner, and the details a claim needs
    (name, KTP address, business and sector) were not all given.

    One exception, one message, whatever the cause: the public page must not tell whether a
    NIK is registered."""


@dataclass(frozen=True)
class PublicRegistration:
    """What the public page did: registered the owner (``participant``), or kept a claim
    for staff (``pending``)."""

    participant: Participant | None = None
    pending: PendingRegistration | None = None


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
    client_ip: str = "",
    user_agent: str = "",
) -> PublicRegistration:
    """An owner registers for an open activity with NIK and mobile number.

    When the NIK is registered and its number is the one typed, the owner is registered
    (and confirmed to that number). Otherwise, whether the NIK is unknown or the number is
    another, the same happens: with the details a claim needs (name, KTP address, business
    name and sector) a :class:`PendingRegistration` keeps what was typed, the activity and
    where it came from, and a message to the typed number says it waits for staff;
    without them :class:`RegistrationRefused`. No owner is ever created or changed here.
    Raises ValidationError with code ``closed`` or ``full`` for an activity that takes no
    more registrations.
    """
    if not selectors.open_for_registration(activity):
        raise ValidationError(_("Pendaftaran kegiatan ini sudah ditutup."), code="closed")
    if _full(activity):
        raise ValidationError(_("Kuota peserta kegiatan ini sudah penuh."), code="full")
    nik_value = identifiers.nik(nik).value
    phone_value = identifiers.phone(phone).value
    owner = (
        Owner.objects.filter(nik=nik_value).only("pk", "phone", "merged_into").first()
        if nik_value
        else None
    )
    # Constant time, and a comparison also when no owner was found.
    registered_phone = owner.phone if owner is not None and owner.phone else _NO_PHONE
    matched = bool(phone_value) and hmac.compare_digest(
        registered_phone.encode(), phone_value.encode()
    )
    if matched and owner is not None:
        participant, _new = participant_register(
            activity=activity, owner=owner, channel=Participant.Channel.PUBLIC
        )
        return PublicRegistration(participant=participant)
    details = (full_name, ktp_address, business_name, sector)
    if not nik_value or not phone_value or any(identifiers.is_blank(v) for v in details):
        raise RegistrationRefused
    pending = PendingRegistration.objects.create(
        activity=activity,
        nik=nik_value,
        phone=phone_value,
        full_name=" ".join(full_name.split())[:150],
        ktp_address=" ".join(ktp_address.split())[:255],
        business_name=" ".join(business_name.split())[:150],
        sector=" ".join(sector.split())[:100],
        kecamatan=kecamatan,
        channel=PendingRegistration.Channel.PUBLIC,
        client_ip=client_ip or None,
        user_agent=(user_agent or "")[:255],
    )
    pending_notice(pending=pending)
    return PublicRegistration(pending=pending)


def pending_notice(*, pending: PendingRegistration) -> None:
    """Queue the "your registration waits for staff" message to the number typed, once the
    claim commits. The outbox sends it only within its rules for a number the registry does
    not hold for that NIK (once a day per number, a daily cap over all)."""
    events.send_on_commit(events.pending_registration_recorded, pending_id=pending.pk)


# --- staff decisions --------------------------------------------------------------------


@transaction.atomic
def pending_registration_confirm(
    *, pending: PendingRegistration, by, at_door: bool = False, **corrections
) -> PendingRegistration:
    """Staff checked the KTP: create the owner and business from the claim (``corrections``
    override what was typed: full_name, ktp_address, phone, business_name, sector,
    kecamatan) through :mod:`registry.services`, with their checks, and register them for
    the activity. Refused (ValidationError) when an owner has this NIK by now: link the
    claim to them instead, since a claim never changes a registered owner. ``at_door``:
    decided at the activity's door with the person there, so registered as at the door
    (no confirmation asking them to come and bring their KTP)."""
    values = {
        "full_name": pending.full_name,
        "ktp_address": pending.ktp_address,
        "phone": pending.phone,
        "business_name": pending.business_name,
        "sector": pending.sector,
        "kecamatan": pending.kecamatan,
        **corrections,
    }
    if Owner.objects.select_for_update().filter(nik=pending.nik).exists():
        raise ValidationError(
            _(
                "NIK ini sudah terdaftar di registri. Tautkan pendaftaran ini ke pemilik "
                "terdaftar itu; data pemilik terdaftar tidak diubah dari pendaftaran daring."
            ),
            code="registered",
        )
    owner = registry_services.owner_upsert(
        nik=pending.nik,
        full_name=values["full_name"],
        ktp_address=values["ktp_address"],
        phone=values["phone"],
        by=by,
    )
    registry_services.business_create(
        owner=owner,
        name=values["business_name"],
        sector=values["sector"],
        kecamatan=values["kecamatan"],
        by=by,
    )
    participant = _register_claimant(pending=pending, owner=owner, by=by, at_door=at_door)
    return pending_states.move(
        pending,
        PendingRegistration.State.CONFIRMED,
        by=by,
        note=_("Pemilik baru dibuat dari pendaftaran daring."),
        owner=owner,
        participant=participant,
    )


@transaction.atomic
def pending_registration_link(
    *, pending: PendingRegistration, owner: Owner, by, note: str = "", at_door: bool = False
) -> PendingRegistration:
    """Staff found the claimant in the registry (the same person, maybe with a mistyped NIK
    or a new number): register that owner for the activity, changing nothing of theirs.
    The confirmation goes to the number the registry holds; none when decided ``at_door``
    (as :func:`pending_registration_confirm`)."""
    participant = _register_claimant(pending=pending, owner=owner, by=by, at_door=at_door)
    return pending_states.move(
        pending,
        PendingRegistration.State.LINKED,
        by=by,
        note=note,
        owner=owner,
        participant=participant,
    )


def _register_claimant(
    *, pending: PendingRegistration, owner: Owner, by, at_door: bool
) -> Participant:
    """Register a decided claim's owner, over capacity (staff decided). A claim decided at
    the door is a door registration: the person is there, so no confirmation is sent."""
    participant, _new = participant_register(
        activity=pending.activity,
        owner=owner,
        channel=Participant.Channel.DOOR if at_door else Participant.Channel.PUBLIC,
        enforce_capacity=False,
        by=by,
    )
    return participant


@transaction.atomic
def pending_registration_refuse(
    *, pending: PendingRegistration, by, note: str
) -> PendingRegistration:
    """Staff refuse the claim (not the person, a prank, a duplicate), with the reason."""
    if not (note or "").strip():
        raise ValidationError({"note": _("Tulis alasannya.")})
    return pending_states.move(pending, PendingRegistration.State.REFUSED, by=by, note=note)


def pending_registrations_link_registered() -> int:
    """Link every waiting claim whose NIK *and* phone are now an owner's in the registry
    (a proposal list registered them since, with the same number): the claimant is the
    owner. A claim whose number differs keeps waiting for staff, who see the registered
    owner beside it. Called after a proposal list is merged; returns the claims linked."""
    waiting = list(
        PendingRegistration.objects.filter(state=PendingRegistration.State.PENDING)
        .select_related("activity")
        .order_by("pk")
    )
    if not waiting:
        return 0
    owners = {
        (o.nik, o.phone): o
        for o in Owner.objects.filter(nik__in={p.nik for p in waiting}).exclude(phone="")
    }
    linked = 0
    for pending in waiting:
        owner = owners.get((pending.nik, pending.phone))
        if owner is None or pending.activity.ends_on < timezone.localdate():
            continue
        pending_registration_link(
            pending=pending,
            owner=owner,
            by=None,
            note=_("Ditautkan otomatis: NIK dan nomor HP sama dengan daftar usulan."),
        )
        linked += 1
    return linked
