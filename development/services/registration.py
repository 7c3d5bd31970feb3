"""Registration for an activity from the public page, and its confirmation."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from development import selectors
from development.models import (
    Activity,
    Participant,
)
from development.services.activities import participant_register
from registry import identifiers
from registry import services as registry_services
from registry.models import Owner, Region

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
