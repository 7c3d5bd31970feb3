"""The yearly plan of pembinaan that the dashboard measures against."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class YearlyTarget(models.Model):
    """The department's pembinaan plan for one year: what it means to reach (UMKM coached,
    businesses moving up a class, KUR referred and disbursed), against which the dashboard
    shows progress and the annual performance report (LKjIP / IKU) its figures. One per year.
    How each figure is counted: docs/pembinaan.md."""

    year = models.PositiveSmallIntegerField(_("tahun"))
    coached = models.PositiveIntegerField(
        _("target UMKM dibina (orang)"),
        help_text=_("Pelaku usaha berbeda yang hadir di kegiatan atau dikunjungi pendamping."),
    )
    naik_kelas = models.PositiveIntegerField(_("target usaha naik kelas"))
    kur_referred = models.PositiveIntegerField(_("target rujukan KUR"))
    kur_disbursed = models.PositiveIntegerField(_("target KUR cair (rujukan)"))
    kur_disbursed_amount = models.PositiveBigIntegerField(
        _("target nilai KUR cair (Rp)"), null=True, blank=True, help_text=_("Kosong: tanpa target.")
    )
    note = models.TextField(_("catatan"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diubah oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    history = HistoricalRecords(verbose_name=_("riwayat target tahunan"))

    class Meta:
        verbose_name = _("target tahunan pembinaan")
        verbose_name_plural = _("target tahunan pembinaan")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["year"],
                name="one_yearly_target_per_year",
                violation_error_message=_(
                    "Target tahun ini sudah ada. Ubah target itu, jangan membuat yang kedua."
                ),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2100),
                name="yearly_target_year_sane",
                violation_error_message=_("Tahun harus antara 2000 dan 2100."),
            ),
        ]

    def __str__(self) -> str:
        return str(_("Target pembinaan %(year)s") % {"year": self.year})
