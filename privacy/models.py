"""The record UU PDP 27/2022 asks for: who saw or exported which personal data, and when."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AccessLog(models.Model):
    class Action(models.TextChoices):
        VIEW_IDENTITY = "view_identity", _("Melihat identitas lengkap")
        EXPORT = "export", _("Ekspor data")
        DOWNLOAD = "download", _("Unduh berkas")

    at = models.DateTimeField(_("waktu"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pengguna"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("tindakan"), max_length=20, choices=Action.choices)
    subject = models.CharField(
        _("data"), max_length=100, help_text=_("Misalnya registry.owner atau aid.application.")
    )
    object_id = models.CharField(_("ID objek"), max_length=64, blank=True)
    rows = models.PositiveIntegerField(_("jumlah baris"), default=0)
    full_identity = models.BooleanField(_("identitas lengkap"), default=False)
    detail = models.CharField(_("keterangan"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("log akses data pribadi")
        verbose_name_plural = _("log akses data pribadi")
        ordering = ["-at"]
        permissions = [
            # Bulk export of unmasked NIKs, phones and accounts; granted to no role, only to
            # a named user by an administrator for a stated need (docs/roles-and-duties.md).
            ("export_identities", _("Dapat mengekspor identitas lengkap secara massal")),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.action} {self.subject}"
