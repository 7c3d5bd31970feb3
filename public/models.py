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
        db_index=True,
        help_text=_("HMAC-SHA256 dari NIK dengan kunci rahasia; NIK sendiri tidak disimpan."),
    )
    client_ip = models.GenericIPAddressField(_("alamat IP"), null=True, blank=True)
    outcome = models.CharField(_("hasil"), max_length=12, choices=Outcome.choices)

    class Meta:
        verbose_name = _("log cek status")
        verbose_name_plural = _("log cek status")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.client_ip} {self.outcome}"
