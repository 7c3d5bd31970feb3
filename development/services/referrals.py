"""Capital referrals (KUR and other lenders); their status moves through development.transitions."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from development.models import (
    Activity,
    Cooperative,
    Referral,
    ReferralChange,
)
from registry.models import Bank, Business

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
    activity: Activity | None = None,
    note: str = "",
    by=None,
) -> Referral:
    """Refer a business to a source of capital; the referral starts as dirujuk, recorded as
    the first :class:`ReferralChange`. KUR names the bank, a cooperative loan the
    cooperative; ``activity`` is the temu usaha it came from, if any."""
    errors = {}
    if activity is not None and activity.kind != Activity.Kind.MATCHING:
        errors["activity"] = _("Pilih kegiatan berjenis temu usaha, atau kosongkan.")
    if channel == Referral.Channel.KUR and bank is None:
        errors["bank"] = _("Rujukan KUR harus menyebut bank penyalurnya.")
    if channel == Referral.Channel.COOPERATIVE and cooperative is None:
        errors["cooperative"] = _("Pinjaman koperasi harus menyebut koperasinya.")
    if not amount_asked or amount_asked <= 0:
        errors["amount_asked"] = _("Nilai yang diajukan harus lebih dari nol.")
    if referred_on and referred_on > timezone.localdate():
        errors["referred_on"] = _(
            "Tanggal rujukan tidak boleh di masa depan: catat rujukan pada hari dikirim."
        )
    if errors:
        raise ValidationError(errors)
    referral = Referral.objects.create(
        business=business,
        channel=channel,
        amount_asked=amount_asked,
        referred_on=referred_on,
        bank=bank if channel == Referral.Channel.KUR else None,
        cooperative=cooperative if channel == Referral.Channel.COOPERATIVE else None,
        activity=activity,
        note=(note or "").strip(),
        created_by=by,
    )
    at = timezone.make_aware(datetime.datetime.combine(referred_on, datetime.time(9)))
    ReferralChange.objects.create(
        referral=referral, from_status="", to_status=referral.status, note=note, by=by, at=at
    )
    return referral


@transaction.atomic
def referral_activity_set(*, referral: Referral, activity: Activity | None, by=None) -> Referral:
    """Link the referral to the temu usaha it came from (or unlink it: ``None``)."""
    if activity is not None and activity.kind != Activity.Kind.MATCHING:
        raise ValidationError(
            {"activity": _("Pilih kegiatan berjenis temu usaha, atau kosongkan.")}
        )
    if referral.activity_id != (activity.pk if activity else None):
        Referral.objects.filter(pk=referral.pk).update(activity=activity)
        referral.activity = activity
    return referral
