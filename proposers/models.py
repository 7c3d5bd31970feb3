"""Proposing organisations (kelurahan offices, cooperatives, others) and their staff.

A proposer sends proposal lists for a program, fixes the rows the portal refuses and sends
them again; its staff (role Pengusul) work in their own pages at /pengusul/ and see only
their organisation's lists, rows and applications (:mod:`workspace.selectors`).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from registry.models import Region


class Proposer(models.Model):
    class Kind(models.TextChoices):
        KELURAHAN = "kelurahan", _("Kelurahan")
        KOPERASI = "koperasi", _("Koperasi")
        DINAS = "dinas", _("Dinas")
        BANK = "bank", _("Bank / lembaga keuangan")
        OTHER = "other", _("Lainnya")

    name = models.CharField(_("nama lembaga"), max_length=150, unique=True)
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)
    # The area served: a kelurahan office its kelurahan; a cooperative a kecamatan, or none.
    kelurahan = models.ForeignKey(
        Region,
        verbose_name=_("kelurahan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": Region.Level.KELURAHAN},
    )
    kecamatan = models.ForeignKey(
        Region,
        verbose_name=_("kecamatan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": Region.Level.KECAMATAN},
    )
    contact_name = models.CharField(
        _("nama petugas yang dapat dihubungi"), max_length=150, blank=True
    )
    phone = models.CharField(_("telepon / WhatsApp"), max_length=20, blank=True)
    address = models.CharField(_("alamat kantor"), max_length=255, blank=True)
    opening_hours = models.CharField(_("jam layanan"), max_length=100, blank=True)
    is_active = models.BooleanField(_("aktif"), default=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    history = HistoricalRecords(verbose_name=_("riwayat pengusul"))

    class Meta:
        verbose_name = _("lembaga pengusul")
        verbose_name_plural = _("lembaga pengusul")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ProposerMember(models.Model):
    """A staff account of a proposer. One organisation per account, enforced by the database."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("akun"),
        on_delete=models.CASCADE,
        related_name="proposer_membership",
    )
    proposer = models.ForeignKey(
        Proposer, verbose_name=_("lembaga"), on_delete=models.PROTECT, related_name="members"
    )
    position = models.CharField(_("jabatan"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("petugas pengusul")
        verbose_name_plural = _("petugas pengusul")

    def __str__(self) -> str:
        return f"{self.user} ({self.proposer})"
