"""The dashboard's summary of applications, rebuilt set-based from aid and registry.

Counting a million applications joined to their businesses' regions on each page view is too
slow for a dashboard, so :func:`dashboard.services.summary_refresh` condenses them, with two
``INSERT … SELECT … GROUP BY``, into two small tables: applications per program, proposal
list, kecamatan, status, reason and day proposed (:class:`ApplicationSummary`), and successful
transfers per the same filter dimensions and day transferred (:class:`TransferSummary`). The
day of transfer lives in its own table because crossing it with status and reason would
triple the rows every other table of the page has to read. The same refresh condenses the
lists' rows at import (:class:`ImportSummary`) and the paid owners who were coached
(:class:`RecipientSummary`). The dashboard's tables read these summaries only, apart from the
pembinaan section's small tables (activities, referrals, reports), which it reads live.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from aid.models import ImportRow, Program, ProposalList, Reason, Status
from registry.models import Region


class ApplicationSummary(models.Model):
    """Applications counted by every dimension the dashboard filters or groups on."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    proposal_list = models.ForeignKey(
        ProposalList, null=True, on_delete=models.CASCADE, related_name="+"
    )
    # Kecamatan of the business's kelurahan; null when the business has no kelurahan.
    kecamatan = models.ForeignKey(Region, null=True, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=16, choices=Status.choices)
    reason_code = models.CharField(max_length=20, choices=Reason.choices, blank=True)
    proposed_on = models.DateField()
    applications = models.PositiveIntegerField()
    transferred_amount = models.PositiveBigIntegerField()
    withdrawn_amount = models.PositiveBigIntegerField()
    returned_amount = models.PositiveBigIntegerField()

    class Meta:
        verbose_name = _("ringkasan permohonan")
        verbose_name_plural = _("ringkasan permohonan")
        default_permissions = ()
        permissions = [("view_dashboard", _("Dapat melihat dasbor dan mengunduh tabelnya"))]

    def __str__(self) -> str:
        return f"{self.program_id}/{self.status}: {self.applications}"


class TransferSummary(models.Model):
    """Successful transfers counted by the dashboard's filter dimensions and day transferred."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    proposal_list = models.ForeignKey(
        ProposalList, null=True, on_delete=models.CASCADE, related_name="+"
    )
    kecamatan = models.ForeignKey(Region, null=True, on_delete=models.CASCADE, related_name="+")
    proposed_on = models.DateField()
    # Day of the successful transfer (Asia/Jakarta).
    transferred_on = models.DateField()
    transfers = models.PositiveIntegerField()
    amount = models.PositiveBigIntegerField()

    class Meta:
        verbose_name = _("ringkasan transfer")
        verbose_name_plural = _("ringkasan transfer")
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.program_id}/{self.transferred_on}: {self.transfers}"


class ImportSummary(models.Model):
    """Rows of checked proposal lists (staged or merged), accepted or refused at import, by
    list, kecamatan written in the row and reason: what the department is asked about when
    it is asked "why were they rejected", most of which never became an application."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    proposal_list = models.ForeignKey(ProposalList, on_delete=models.CASCADE, related_name="+")
    # Kecamatan the row named (null: none, or a name outside Kota Bekasi).
    kecamatan = models.ForeignKey(Region, null=True, on_delete=models.CASCADE, related_name="+")
    outcome = models.CharField(max_length=8, choices=ImportRow.Outcome.choices)
    reason_code = models.CharField(max_length=20, choices=Reason.choices, blank=True)
    # The day the list was received, as the application summary's day proposed.
    proposed_on = models.DateField()
    rows = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("ringkasan impor")
        verbose_name_plural = _("ringkasan impor")
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.proposal_list_id}/{self.outcome}/{self.reason_code}: {self.rows}"


class KelurahanSummary(models.Model):
    """Applications and rows refused at import per kelurahan, by the dashboard's filter
    dimensions: the kecamatan table's figures one level down.

    Its own table, so the application summary keeps its size (a kelurahan dimension there
    would multiply every other table's rows): the kelurahan of the business (applications) or
    the one the row named or was given at upload (rows refused at import; their figures are
    0 elsewhere and the reverse).
    """

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    proposal_list = models.ForeignKey(
        ProposalList, null=True, on_delete=models.CASCADE, related_name="+"
    )
    kecamatan = models.ForeignKey(Region, null=True, on_delete=models.CASCADE, related_name="+")
    # Null: no kelurahan known.
    kelurahan = models.ForeignKey(Region, null=True, on_delete=models.CASCADE, related_name="+")
    proposed_on = models.DateField()
    applications = models.PositiveIntegerField()
    rejected = models.PositiveIntegerField()
    received = models.PositiveIntegerField()
    transferred_amount = models.PositiveBigIntegerField()
    refused_at_import = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("ringkasan per kelurahan")
        verbose_name_plural = _("ringkasan per kelurahan")
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.program_id}/{self.kelurahan_id or '-'}: {self.applications}"


class RecipientSummary(models.Model):
    """Owners paid a grant (any program), and how many of them attended a coaching activity:
    one row per kecamatan of the paid businesses, and one row for the whole city.

    Distinct owners do not add up (an owner may have paid businesses in two kecamatan), so
    the city's figure is its own row rather than a sum of the kecamatan rows.
    """

    # Kecamatan of the paid business; null: the whole city (every paid owner once).
    kecamatan = models.ForeignKey(Region, null=True, on_delete=models.CASCADE, related_name="+")
    recipients = models.PositiveIntegerField()
    coached = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("ringkasan penerima yang dibina")
        verbose_name_plural = _("ringkasan penerima yang dibina")
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.kecamatan_id or '*'}: {self.coached}/{self.recipients}"


class SummaryRefresh(models.Model):
    """When the summary was last rebuilt, so the page can say how fresh its figures are."""

    finished_at = models.DateTimeField(_("selesai"), db_index=True)
    rows = models.PositiveIntegerField(_("baris ringkasan"))
    applications = models.PositiveIntegerField(_("permohonan"))
    duration_ms = models.PositiveIntegerField(_("lama (ms)"))

    class Meta:
        verbose_name = _("pembaruan ringkasan")
        verbose_name_plural = _("pembaruan ringkasan")
        default_permissions = ()
        ordering = ["-finished_at"]

    def __str__(self) -> str:
        return f"{self.finished_at:%Y-%m-%d %H:%M} ({self.rows} baris)"
