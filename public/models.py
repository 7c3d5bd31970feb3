"""The record of status checks made on the public page, for the data-protection record.

A row never holds the NIK: only a keyed hash of it (see :func:`public.services.nik_digest`),
so the log can answer "was this NIK looked up, when, from where" for someone who has the NIK,
without becoming a list of NIKs itself.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class StatusLookup(models.Model):
    class Outcome(models.TextChoices):
        FOUND = "found", _("Ditemukan")
        NOT_FOUND = "not_found", _("Tidak ditemukan atau tidak cocok")
        RATE_LIMITED = "rate_limited", _("Dibatasi (terlalu banyak percobaan)")
        INVALID = "invalid", _("Isian tidak valid")

    at = models.DateTimeField(_("waktu"), default=timezone.now, db_index=True)
    nik_hash = models.CharField(
        _("hash NIK"),
        max_length=64,
        blank=True,
        help_text=_("HMAC-SHA256 dari NIK dengan kunci rahasia; NIK sendiri tidak disimpan."),
    )
    client_ip = models.GenericIPAddressField(_("alamat IP"), null=True, blank=True)
    outcome = models.CharField(_("hasil"), max_length=12, choices=Outcome.choices)

    class Meta:
        verbose_name = _("log cek status")
        verbose_name_plural = _("log cek status")
        ordering = ["-at"]
        # Written on every status check: a plain index only. db_index=True on a CharField
        # adds a second, pattern-matching index on PostgreSQL, which nothing uses for a hash.
        indexes = [models.Index(fields=["nik_hash"], name="statuslookup_nik_hash_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.client_ip} {self.outcome}"


class RefusedProposal(models.Model):
    """What the status page keeps about a proposal row refused by the import's check, so an
    owner who was never registered can learn who proposed them, when, why, and where to go.

    Minimised: no NIK (its keyed hash, as in :class:`StatusLookup`), no name, only the last
    four digits of the phone in the row, and a message cut down to what names nobody else
    (:func:`public.services.safe_refusal_message`). Written set-based when a list is merged,
    replacing the records of the proposer's earlier versions of that list; it outlives the
    staged rows (purged with the list's file) until ``REFUSED_PROPOSAL_RETENTION_DAYS``.
    """

    nik_hash = models.CharField(_("hash NIK"), max_length=64, db_index=True)
    phone_last4 = models.CharField(_("4 digit terakhir nomor HP"), max_length=4)
    proposal_list = models.ForeignKey(
        "aid.ProposalList",
        verbose_name=_("daftar usulan"),
        on_delete=models.CASCADE,
        related_name="refused_proposals",
    )
    proposer = models.ForeignKey(
        "proposers.Proposer",
        verbose_name=_("lembaga pengusul"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposer_name = models.CharField(_("nama pengusul"), max_length=150)
    # The kelurahan the row named (or the one chosen at upload for the whole file): the owner
    # is sent to that kelurahan's office, not to whoever collected the list.
    kelurahan = models.ForeignKey(
        "registry.Region",
        verbose_name=_("kelurahan baris"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposed_on = models.DateField(_("tanggal diusulkan"))
    reason_code = models.CharField(_("kode alasan"), max_length=20)
    message = models.CharField(_("keterangan aman"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("dicatat"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("usulan yang ditolak")
        verbose_name_plural = _("usulan yang ditolak")
        constraints = [
            # One refusal per NIK per list: the first refused row of that NIK.
            models.UniqueConstraint(
                fields=["proposal_list", "nik_hash"], name="refusedproposal_one_per_list"
            ),
            # Only records the page can match: a full HMAC and four phone digits.
            models.CheckConstraint(
                condition=models.Q(phone_last4__regex=r"^[0-9]{4}$"),
                name="refusedproposal_phone_last4_digits",
            ),
            models.CheckConstraint(
                condition=models.Q(nik_hash__regex=r"^[0-9a-f]{64}$"),
                name="refusedproposal_nik_hash_hex",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposer_name} {self.proposed_on} {self.reason_code}"
