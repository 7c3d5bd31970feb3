"""Money and the files that move it: disbursements, submissions to the ministry, and the
ministry's decision files and the bank's reports."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aid.models.applications import Application
from aid.models.programs import Program, ProposalList


class Disbursement(models.Model):
    """A transfer of a grant to an owner's account, with a snapshot of the account paid to."""

    class Outcome(models.TextChoices):
        SUCCESS = "success", _("Berhasil")
        FAILED = "failed", _("Gagal")

    application = models.ForeignKey(
        Application,
        verbose_name=_("permohonan"),
        on_delete=models.PROTECT,
        related_name="disbursements",
    )
    amount = models.PositiveBigIntegerField(_("nilai (Rp)"))
    bank_code = models.CharField(_("kode bank"), max_length=3)
    account_number = models.CharField(_("nomor rekening"), max_length=20)
    holder_name = models.CharField(_("nama pemilik rekening"), max_length=150)
    transferred_at = models.DateTimeField(_("waktu transfer"))
    bank_reference = models.CharField(_("referensi bank"), max_length=64, unique=True)
    outcome = models.CharField(_("hasil"), max_length=8, choices=Outcome.choices)
    failure_reason = models.CharField(_("alasan gagal"), max_length=255, blank=True)
    withdrawn_at = models.DateTimeField(_("waktu pencairan"), null=True, blank=True)
    source = models.CharField(_("sumber"), max_length=120, blank=True)
    bank_report = models.ForeignKey(
        "BankReport",
        verbose_name=_("laporan bank"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="disbursements",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dicatat oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("dicatat"), auto_now_add=True)

    class Meta:
        verbose_name = _("penyaluran")
        verbose_name_plural = _("penyaluran")
        ordering = ["-transferred_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="disbursement_amount_positive"),
            # At most one successful transfer per application; with one live application per
            # owner and program this is the one-grant rule for money.
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(outcome="success"),
                name="one_successful_disbursement_per_application",
            ),
            models.CheckConstraint(
                condition=Q(outcome="success") | Q(withdrawn_at__isnull=True),
                name="disbursement_withdrawn_only_if_success",
            ),
        ]
        permissions = [
            ("reconcile_disbursement", _("Dapat mengimpor laporan transfer bank")),
        ]

    def __str__(self) -> str:
        return self.bank_reference

    @property
    def failure_reason_text(self) -> str:
        """The bank's reason for a failed transfer, or that it gave none (aid.notes)."""
        if self.failure_reason or self.outcome != self.Outcome.FAILED:
            return self.failure_reason
        from aid.notes import words

        return words("no_reason_given", {})


class SubmissionBatch(models.Model):
    """One submission to the ministry: the verified applications exported and marked
    ``submitted`` together. The exact file sent is kept; it can be exported again at any time
    without submitting anything a second time."""

    program = models.ForeignKey(
        Program, verbose_name=_("program"), on_delete=models.PROTECT, related_name="+"
    )
    proposal_list = models.ForeignKey(
        ProposalList,
        verbose_name=_("daftar usulan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Kosong bila semua daftar usulan program ini diajukan."),
    )
    file = models.FileField(_("berkas yang dikirim"), upload_to="submissions/%Y/%m/", blank=True)
    rows = models.PositiveIntegerField(_("jumlah permohonan"), default=0)
    # Verified applications left out because an open possible duplicate held them back.
    held_back = models.PositiveIntegerField(_("ditahan (data ganda)"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diajukan oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("waktu pengajuan"), default=timezone.now)

    class Meta:
        verbose_name = _("pengajuan ke Kementerian")
        verbose_name_plural = _("pengajuan ke Kementerian")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return _("Pengajuan #%(id)s") % {"id": self.pk}

    @property
    def source(self) -> str:
        """How status changes and exports of this batch name it."""
        return f"ekspor pengajuan #{self.pk}"


class ImportedFile(models.Model):
    """What every imported reconciliation file records: the file itself, who, when, counts.

    ``problems`` keeps each refused row (row number, NIK, reason) as shown to the user. A big
    file is kept first and applied in the background (``state``); a small one is applied in
    the request and recorded ``done``.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("Menunggu diproses")
        PROCESSING = "processing", _("Sedang diproses")
        DONE = "done", _("Selesai")
        FAILED = "failed", _("Gagal")

    program = models.ForeignKey(
        Program, verbose_name=_("program"), on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(_("berkas"), upload_to="reconciliation/%Y/%m/")
    state = models.CharField(
        _("status proses"), max_length=10, choices=State.choices, default=State.DONE
    )
    error = models.TextField(_("pesan proses"), blank=True)
    original_filename = models.CharField(_("nama berkas asli"), max_length=255)
    sha256 = models.CharField(_("sidik berkas (SHA-256)"), max_length=64, db_index=True)
    rows = models.PositiveIntegerField(_("jumlah baris"), default=0)
    applied = models.PositiveIntegerField(_("baris diterapkan"), default=0)
    unchanged = models.PositiveIntegerField(_("baris sudah tercatat"), default=0)
    refused = models.PositiveIntegerField(_("baris ditolak"), default=0)
    problems = models.JSONField(_("baris bermasalah"), default=list, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diunggah oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("waktu impor"), default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.original_filename}"


class DecisionFile(ImportedFile):
    """A ministry decision (SK) file: the NIKs decided as recipients."""

    reject_missing = models.BooleanField(
        _("tolak yang tidak tercantum"),
        default=False,
        help_text=_(
            "Permohonan berstatus diajukan yang tidak tercantum dalam berkas ditolak dengan "
            'alasan "Tidak ditetapkan oleh Kementerian".'
        ),
    )
    not_approved = models.PositiveIntegerField(_("ditolak karena tidak tercantum"), default=0)

    class Meta(ImportedFile.Meta):
        verbose_name = _("berkas keputusan Kementerian")
        verbose_name_plural = _("berkas keputusan Kementerian")

    @property
    def source(self) -> str:
        return f"keputusan Kementerian #{self.pk} ({self.original_filename})"[:120]


class BankReport(ImportedFile):
    """A bank's transfer report: transfers, failures and withdrawals, one row each."""

    class Meta(ImportedFile.Meta):
        verbose_name = _("laporan transfer bank")
        verbose_name_plural = _("laporan transfer bank")

    @property
    def source(self) -> str:
        return f"laporan bank #{self.pk} ({self.original_filename})"[:120]


class RetransferBatch(models.Model):
    """One export of the re-transfer queue for the bank: failed transfers whose owner now has
    another active account (aid.selectors.ready_to_transfer_again), sent again. The file as
    sent is kept; each application in it is recorded (:class:`RetransferItem`) with the
    account it went to, so a second export leaves it out unless staff ask for it again."""

    program = models.ForeignKey(
        Program, verbose_name=_("program"), on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(_("berkas untuk bank"), upload_to="retransfers/%Y/%m/", blank=True)
    rows = models.PositiveIntegerField(_("jumlah permohonan"), default=0)
    # Of ``rows``, those already in an earlier export to the same account (asked for again).
    repeated = models.PositiveIntegerField(_("diekspor ulang"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diekspor oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("waktu ekspor"), default=timezone.now)

    class Meta:
        verbose_name = _("kiriman ulang ke bank")
        verbose_name_plural = _("kiriman ulang ke bank")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return _("Kiriman ulang #%(id)s") % {"id": self.pk}

    @property
    def source(self) -> str:
        return f"kiriman ulang #{self.pk}"


class RetransferItem(models.Model):
    """An application in a re-transfer export, with the account it was sent to."""

    batch = models.ForeignKey(
        RetransferBatch,
        verbose_name=_("kiriman ulang"),
        on_delete=models.PROTECT,
        related_name="items",
    )
    application = models.ForeignKey(
        Application,
        verbose_name=_("permohonan"),
        on_delete=models.PROTECT,
        related_name="retransfers",
    )
    bank_code = models.CharField(_("kode bank"), max_length=3)
    account_number = models.CharField(_("nomor rekening"), max_length=20)
    holder_name = models.CharField(_("nama pemilik rekening"), max_length=150)

    class Meta:
        verbose_name = _("permohonan dalam kiriman ulang")
        verbose_name_plural = _("permohonan dalam kiriman ulang")
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "application"], name="retransfer_item_once_per_batch"
            )
        ]

    def __str__(self) -> str:
        return f"{self.batch} – #{self.application_id}"
