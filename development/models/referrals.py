"""Capital referrals and the record of each move (moved only by development.transitions)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from development.models.activities import Activity
from development.models.cooperatives import Cooperative
from registry.models import Bank, Business
from umkm_portal.models import ChangeRecord


class ReferralStatus(models.TextChoices):
    REFERRED = "dirujuk", _("Dirujuk")
    PROCESSING = "diproses", _("Diproses")
    APPROVED = "disetujui", _("Disetujui")
    REJECTED = "ditolak", _("Ditolak")
    DISBURSED = "dicairkan", _("Dicairkan")
    CANCELLED = "dibatalkan", _("Dibatalkan")


class Referral(models.Model):
    """A business referred to a source of capital. Its status moves only through
    :mod:`development.transitions`."""

    class Channel(models.TextChoices):
        KUR = "kur", _("KUR melalui bank")
        COOPERATIVE = "koperasi", _("Pinjaman koperasi")
        REVOLVING = "dana_bergulir", _("Dana bergulir")

    business = models.ForeignKey(
        Business, verbose_name=_("usaha"), on_delete=models.PROTECT, related_name="referrals"
    )
    channel = models.CharField(_("saluran"), max_length=14, choices=Channel.choices)
    bank = models.ForeignKey(
        Bank,
        verbose_name=_("bank penyalur"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    cooperative = models.ForeignKey(
        Cooperative,
        verbose_name=_("koperasi"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    activity = models.ForeignKey(
        Activity,
        verbose_name=_("dari temu usaha"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals",
        limit_choices_to={"kind": "temu_usaha"},
        help_text=_("Isi bila rujukan ini lahir dari kegiatan temu usaha."),
    )
    amount_asked = models.PositiveBigIntegerField(_("nilai diajukan (Rp)"))
    amount_approved = models.PositiveBigIntegerField(
        _("nilai disetujui (Rp)"), null=True, blank=True
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ReferralStatus.choices,
        default=ReferralStatus.REFERRED,
        editable=False,
    )
    referred_on = models.DateField(_("tanggal rujukan"))
    note = models.TextField(_("catatan"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dirujuk oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("diubah"), default=timezone.now)

    class Meta:
        verbose_name = _("rujukan permodalan")
        verbose_name_plural = _("rujukan permodalan")
        ordering = ["-referred_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_asked__gt=0), name="referral_amount_asked_positive"
            ),
            models.CheckConstraint(
                condition=Q(amount_approved__isnull=True) | Q(amount_approved__gt=0),
                name="referral_amount_approved_positive",
            ),
            models.CheckConstraint(
                condition=~Q(channel="kur") | Q(bank__isnull=False),
                name="referral_kur_names_a_bank",
            ),
            models.CheckConstraint(
                condition=~Q(channel="koperasi") | Q(cooperative__isnull=False),
                name="referral_cooperative_loan_names_a_cooperative",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ReferralStatus.values), name="referral_status_known"
            ),
        ]
        permissions = [("move_referral", _("Dapat mengubah status rujukan permodalan"))]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} – {self.business}"

    @property
    def lender(self) -> str:
        if self.bank_id:
            return self.bank.short_name
        if self.cooperative_id:
            return self.cooperative.name
        return ""


class ReferralChange(ChangeRecord):
    """The record of one referral status move: who, when, from, to and why."""

    referral = models.ForeignKey(
        Referral, verbose_name=_("rujukan"), on_delete=models.PROTECT, related_name="changes"
    )
    from_status = models.CharField(
        _("dari"), max_length=10, choices=ReferralStatus.choices, blank=True
    )
    to_status = models.CharField(_("menjadi"), max_length=10, choices=ReferralStatus.choices)
    note = models.TextField(_("alasan / catatan"), blank=True)

    class Meta(ChangeRecord.Meta):
        verbose_name = _("perubahan status rujukan")
        verbose_name_plural = _("perubahan status rujukan")

    def __str__(self) -> str:
        return self.summary

    @property
    def summary(self) -> str:
        """The move in words: "dibuat: Dirujuk", "Dirujuk → Diproses", "dikoreksi (Dirujuk)"."""
        to = ReferralStatus(self.to_status).label
        if not self.from_status:
            return gettext("dibuat: %(to)s") % {"to": to}
        if self.from_status == self.to_status:
            return gettext("dikoreksi (%(status)s)") % {"status": to}
        return f"{ReferralStatus(self.from_status).label} → {to}"
