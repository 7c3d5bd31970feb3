"""Payment verification by sampling: staff call a random sample of paid owners and record
whether the money arrived (as UNICEF HOPE does). "Not received" opens a pengaduan."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Sample(models.Model):
    program = models.ForeignKey(
        "aid.Program", verbose_name=_("program"), on_delete=models.PROTECT, related_name="+"
    )
    kecamatan = models.ForeignKey(
        "registry.Region",
        verbose_name=_("kecamatan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposer = models.ForeignKey(
        "proposers.Proposer",
        verbose_name=_("lembaga pengusul"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    confidence = models.DecimalField(
        _("tingkat kepercayaan"), max_digits=4, decimal_places=3, null=True, blank=True
    )
    margin = models.DecimalField(
        _("batas kesalahan"), max_digits=4, decimal_places=3, null=True, blank=True
    )
    population = models.PositiveIntegerField(_("jumlah yang ditransfer"))
    size = models.PositiveIntegerField(_("ukuran sampel"))
    seed = models.BigIntegerField(_("benih acak"))
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diambil oleh"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    drawn_at = models.DateTimeField(_("diambil"), default=timezone.now)

    class Meta:
        verbose_name = _("sampel verifikasi pembayaran")
        verbose_name_plural = _("sampel verifikasi pembayaran")
        ordering = ["-drawn_at", "-pk"]
        permissions = [
            ("draw_sample", _("Mengambil sampel dan mencatat hasil verifikasi pembayaran"))
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(size__lte=models.F("population")),
                name="sample_not_above_population",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.program} ({self.size}/{self.population})"


class PaymentCheck(models.Model):
    class Outcome(models.TextChoices):
        RECEIVED = "received", _("Sudah diterima")
        NOT_RECEIVED = "not_received", _("Belum diterima")
        PROBLEM = "problem", _("Diterima, ada masalah")

    sample = models.ForeignKey(
        Sample, verbose_name=_("sampel"), on_delete=models.CASCADE, related_name="checks"
    )
    application = models.ForeignKey(
        "aid.Application", verbose_name=_("permohonan"), on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(
        _("hasil panggilan"), max_length=12, choices=Outcome.choices, blank=True
    )
    note = models.TextField(_("catatan"), blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dicek oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    checked_at = models.DateTimeField(_("dicek"), null=True, blank=True)
    complaint = models.ForeignKey(
        "complaints.Complaint",
        verbose_name=_("pengaduan yang dibuka"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("verifikasi pembayaran")
        verbose_name_plural = _("verifikasi pembayaran")
        ordering = ["sample", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["sample", "application"], name="paymentcheck_once_per_sample"
            ),
            models.CheckConstraint(
                condition=models.Q(outcome="") | models.Q(checked_at__isnull=False),
                name="paymentcheck_outcome_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sample_id}:{self.application_id} {self.outcome or '-'}"
