"""The staging rows of a proposal list's import and the corrections a proposer makes to them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aid.models.choices import Reason
from aid.models.programs import ProposalList


class ImportRow(models.Model):
    """One row of an uploaded proposal list, staged for review before anything is merged.

    Written in bulk by :mod:`aid.importing` (COPY on PostgreSQL); ``outcome`` is ``accepted``
    or ``rejected`` with a :class:`Reason` code and an Indonesian ``message``. Accepted rows
    may carry ``flags`` (possible duplicates under another NIK, as data: see
    :mod:`aid.importing.flags`) and a ``note`` (check warnings, the registered owner).
    """

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", _("Diterima")
        REJECTED = "rejected", _("Ditolak")
        # A resent list: this NIK was accepted from an earlier version of the proposer's
        # list; not an error, and no new application.
        PREVIOUS = "previous", _("Sudah diterima pada versi sebelumnya")
        REMOVED = "removed", _("Dihapus oleh pengusul")

    proposal_list = models.ForeignKey(
        ProposalList,
        verbose_name=_("daftar usulan"),
        on_delete=models.CASCADE,
        related_name="import_rows",
        # The indexes below all start with the list, so a separate one on it alone would
        # only slow down staging (one more index per COPY'd and updated row).
        db_index=False,
    )
    row_number = models.PositiveIntegerField(_("baris"))
    raw = models.JSONField(_("isi asli"), default=list)
    nik = models.CharField(_("NIK"), max_length=16, blank=True)
    full_name = models.CharField(_("nama lengkap"), max_length=150, blank=True)
    name_key = models.CharField(_("nama (dibakukan)"), max_length=150, blank=True)
    birth_date = models.DateField(_("tanggal lahir"), null=True, blank=True)
    kk = models.CharField(_("nomor KK"), max_length=16, blank=True, default="", db_default="")
    sex = models.CharField(_("jenis kelamin"), max_length=1, blank=True)
    phone = models.CharField(_("nomor HP"), max_length=16, blank=True)
    ktp_address = models.CharField(_("alamat KTP"), max_length=255, blank=True)
    rt = models.CharField(_("RT"), max_length=3, blank=True)
    rw = models.CharField(_("RW"), max_length=3, blank=True)
    kecamatan_id = models.BigIntegerField(_("kecamatan"), null=True, blank=True)
    kelurahan_id = models.BigIntegerField(_("kelurahan"), null=True, blank=True)
    business_name = models.CharField(_("nama usaha"), max_length=150, blank=True)
    sector = models.CharField(_("bidang usaha"), max_length=100, blank=True)
    bank_id = models.BigIntegerField(_("bank"), null=True, blank=True)
    account_number = models.CharField(_("nomor rekening"), max_length=20, blank=True)
    outcome = models.CharField(_("hasil"), max_length=8, choices=Outcome.choices)
    reason_code = models.CharField(
        _("kode alasan"), max_length=20, choices=Reason.choices, blank=True
    )
    # A refused row's other reasons (space-separated codes, in the check's order): the row
    # is counted once, under ``reason_code``, and the outcome file's summary names these.
    other_reasons = models.CharField(
        _("alasan lain"), max_length=60, blank=True, default="", db_default=""
    )
    message = models.TextField(_("keterangan"), blank=True)
    # Why a set-based rule refused the row, as a code and values (aid.importing.row_messages),
    # put into words when shown; ``message`` keeps the check's own text.
    message_code = models.CharField(
        _("kode keterangan"), max_length=30, blank=True, default="", db_default=""
    )
    message_params = models.JSONField(_("nilai keterangan"), null=True, blank=True)
    flags = models.JSONField(_("tanda"), default=list, blank=True)
    note = models.TextField(_("catatan"), blank=True)
    # Notes the rules add after the check's warnings, as codes (aid.importing.row_messages).
    note_codes = models.JSONField(_("kode catatan"), null=True, blank=True)
    # The row as first sent, kept when the proposer corrects it in the browser.
    original_raw = models.JSONField(_("isi asli sebelum diperbaiki"), null=True, blank=True)
    # Set while checking and merging: the registered owner with this NIK, and that owner's
    # business of the same name, when they already exist.
    owner_id = models.BigIntegerField(null=True, blank=True)
    business_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("baris impor")
        verbose_name_plural = _("baris impor")
        ordering = ["proposal_list", "row_number"]
        indexes = [
            models.Index(fields=["proposal_list", "nik"], name="importrow_list_nik_idx"),
            models.Index(fields=["proposal_list", "outcome"], name="importrow_list_outcome_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal_list", "row_number"], name="importrow_unique_row"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposal_list_id}:{self.row_number}"

    @property
    def explanation(self) -> str:
        """Why the row was refused (or passed over), in the reader's language."""
        from aid.importing.row_messages import text

        return text(self.message_code, self.message_params, self.message)

    @property
    def remarks(self) -> str:
        """The note and the possible-duplicate flags in words, in the reader's language."""
        from aid.importing.flags import remarks

        return remarks(self.note, self.flags, self.note_codes)

    # What the proposer who sent the list reads of the row (the workspace, the outcome
    # files): nothing the registry holds, no other application (aid.importing.row_messages).
    @property
    def proposer_explanation(self) -> str:
        from aid.importing.row_messages import text

        return text(self.message_code, self.message_params, self.message, for_proposer=True)

    @property
    def proposer_remarks(self) -> str:
        from aid.importing.flags import remarks

        return remarks(self.note, self.flags, self.note_codes, proposer=True)

    @property
    def proposer_flags(self) -> list[dict]:
        from aid.importing.flags import for_proposer

        return for_proposer(self.flags)


class ImportRowCorrection(models.Model):
    """A proposer's correction (or removal) of a staged row, kept with who and when.

    The row as sent stays in ``ImportRow.original_raw``; each correction records the cells
    before and after and the outcome it led to. A row whose outcome changed because another
    row was corrected or removed (a copy of the same NIK, checked again) gets a record too.
    """

    class Action(models.TextChoices):
        CORRECTED = "corrected", _("Diperbaiki")
        REMOVED = "removed", _("Dihapus")
        RECHECKED = "rechecked", _("Diperiksa ulang")

    row = models.ForeignKey(
        ImportRow, verbose_name=_("baris"), on_delete=models.CASCADE, related_name="corrections"
    )
    action = models.CharField(_("tindakan"), max_length=10, choices=Action.choices)
    raw_before = models.JSONField(_("isi sebelum"), default=list)
    raw_after = models.JSONField(_("isi sesudah"), default=list)
    outcome_after = models.CharField(_("hasil sesudah"), max_length=8, blank=True)
    # The row's explanation as the proposer reads it (ImportRow.proposer_explanation).
    message_after = models.TextField(_("keterangan sesudah"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("oleh"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("waktu"), auto_now_add=True)

    class Meta:
        verbose_name = _("perbaikan baris")
        verbose_name_plural = _("perbaikan baris")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.row_id} {self.action} {self.at:%Y-%m-%d %H:%M}"
