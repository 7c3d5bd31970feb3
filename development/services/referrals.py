"""Capital referrals (KUR and other lenders); their status moves through development.transitions."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aid import money
from development.models import (
    Activity,
    Cooperative,
    Referral,
    ReferralChange,
)
from development.transitions import CORRECTABLE
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


@transaction.atomic
def referral_correct(
    *,
    referral: Referral,
    reason: str,
    business: Business | None = None,
    amount_asked: int | None = None,
    by=None,
) -> Referral:
    """Correct a referral made for the wrong business or with the wrong amount, while the
    lender has not decided (dirujuk or diproses). The status stays; the correction is
    recorded as a :class:`ReferralChange` from and to the same status, whose note says what
    changed and why. Later than that, cancel it (``transitions.move`` to dibatalkan, with a
    reason) and refer again."""
    reason = (reason or "").strip()
    locked = Referral.objects.select_for_update().select_related("business").get(pk=referral.pk)
    errors = {}
    if locked.status not in CORRECTABLE:
        errors["__all__"] = _(
            "Rujukan yang sudah %(status)s tidak dapat dikoreksi; batalkan dengan alasan "
            "lalu buat rujukan baru."
        ) % {"status": locked.get_status_display().lower()}
    if not reason:
        errors["reason"] = _("Tuliskan alasan koreksi.")
    if amount_asked is not None and amount_asked <= 0:
        errors["amount_asked"] = _("Nilai yang diajukan harus lebih dari nol.")
    changed = []
    if business is not None and business.pk != locked.business_id:
        changed.append(
            _("usaha %(old)s → %(new)s") % {"old": locked.business.name, "new": business.name}
        )
    if amount_asked is not None and amount_asked != locked.amount_asked:
        changed.append(
            _("nilai diajukan %(old)s → %(new)s")
            % {"old": money.rupiah(locked.amount_asked), "new": money.rupiah(amount_asked)}
        )
    if not changed and not errors:
        errors["__all__"] = _("Tidak ada yang dikoreksi: ubah usaha atau nilai yang diajukan.")
    if errors:
        raise ValidationError(errors)
    if business is not None:
        locked.business = business
    if amount_asked is not None:
        locked.amount_asked = amount_asked
    locked.updated_at = timezone.now()
    locked.save(update_fields=["business", "amount_asked", "updated_at"])
    ReferralChange.objects.create(
        referral=locked,
        from_status=locked.status,
        to_status=locked.status,
        note=_("Dikoreksi: %(what)s. Alasan: %(reason)s")
        % {"what": "; ".join(str(c) for c in changed), "reason": reason},
        by=by,
        at=locked.updated_at,
    )
    return locked
