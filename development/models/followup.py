"""What owners report about their business over time (append-only), the pendamping assigned to a business and their visits."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from development.profiles import KBLI_PATTERN, SizeClass
from registry.models import Business


class BusinessReport(models.Model):
    """What an owner reported about the business on a date: capital, annual sales, workers,
    NIB and KBLI codes, with the PP 7/2021 class they give. Append-only."""

    business = models.ForeignKey(
        Business, verbose_name=_("usaha"), on_delete=models.PROTECT, related_name="reports"
    )
    reported_on = models.DateField(_("tanggal laporan"))
    capital = models.PositiveBigIntegerField(
        _("modal usaha (Rp)"), help_text=_("Tidak termasuk tanah dan bangunan tempat usaha.")
    )
    annual_sales = models.PositiveBigIntegerField(_("hasil penjualan tahunan (Rp)"))
    workers = models.PositiveIntegerField(_("jumlah tenaga kerja"))
    nib = models.CharField(_("NIB"), max_length=13, blank=True)
    kbli = models.CharField(
        _("kode KBLI"), max_length=200, blank=True, help_text=_("5 angka, pisahkan dengan koma.")
    )
    size_class = models.CharField(
        _("skala usaha (PP 7/2021)"), max_length=10, choices=SizeClass.choices, editable=False
    )
    # The class the registry held for the business when this report was written: the
    # baseline a first report is compared with ("naik kelas" from the registry's class).
    # Nullable so that adding it keeps SQLite's append-only trigger (no table rebuild);
    # reports written before it was kept have none.
    registry_class = models.CharField(  # noqa: DJ001 (null: none kept, and no rebuild)
        _("skala di registri sebelumnya"),
        max_length=10,
        choices=SizeClass.choices,
        null=True,
        blank=True,
        editable=False,
    )
    note = models.TextField(_("catatan"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dicatat oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("dicatat"), default=timezone.now)

    class Meta:
        verbose_name = _("laporan usaha")
        verbose_name_plural = _("laporan usaha")
        ordering = ["business", "reported_on", "pk"]
        indexes = [
            models.Index(fields=["business", "reported_on"], name="report_business_date_idx")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(nib="") | Q(nib__regex=r"^[0-9]{13}$"), name="report_nib_13_digits"
            ),
            models.CheckConstraint(
                condition=Q(kbli__regex=KBLI_PATTERN), name="report_kbli_format"
            ),
            models.CheckConstraint(
                condition=Q(size_class__in=SizeClass.values), name="report_size_class_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.business} – {date_format(self.reported_on, 'j F Y')}"


class CaseAssignment(models.Model):
    """The pendamping (a member of staff) who follows a business: one at a time; a change of
    pendamping is kept in the history."""

    business = models.OneToOneField(
        Business, verbose_name=_("usaha"), on_delete=models.PROTECT, related_name="case"
    )
    pendamping = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pendamping"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    assigned_on = models.DateField(_("ditugaskan sejak"), default=timezone.localdate)
    note = models.TextField(_("catatan"), blank=True)

    history = HistoricalRecords(verbose_name=_("riwayat penugasan pendamping"))

    class Meta:
        verbose_name = _("pendampingan usaha")
        verbose_name_plural = _("pendampingan usaha")
        ordering = ["-assigned_on", "pk"]

    def __str__(self) -> str:
        return f"{self.business} – {self.pendamping}"


class Visit(models.Model):
    """A visit (or call) of the pendamping to a business: what was done, and the next action
    with its date, which the list of overdue follow-ups watches."""

    business = models.ForeignKey(
        Business, verbose_name=_("usaha"), on_delete=models.PROTECT, related_name="visits"
    )
    visited_on = models.DateField(_("tanggal kunjungan"))
    done = models.TextField(_("yang dilakukan"))
    next_action = models.CharField(_("tindak lanjut berikutnya"), max_length=255, blank=True)
    next_action_on = models.DateField(_("tanggal tindak lanjut"), null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dicatat oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("dicatat"), default=timezone.now)

    class Meta:
        verbose_name = _("kunjungan pendampingan")
        verbose_name_plural = _("kunjungan pendampingan")
        ordering = ["-visited_on", "-pk"]
        indexes = [
            models.Index(fields=["business", "visited_on"], name="visit_business_date_idx"),
            models.Index(fields=["next_action_on"], name="visit_next_action_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(next_action_on__isnull=True) | Q(next_action_on__gte=F("visited_on")),
                name="visit_next_action_after_visit",
            ),
            models.CheckConstraint(
                condition=Q(next_action_on__isnull=True) | ~Q(next_action=""),
                name="visit_next_action_dated_has_words",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.business} – {date_format(self.visited_on, 'j F Y')}"
