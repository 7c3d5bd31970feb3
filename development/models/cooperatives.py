"""Cooperatives and their members (pembinaan UMKM)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from proposers.models import Proposer
from registry.models import Owner, Region

KECAMATAN_ONLY = {"level": Region.Level.KECAMATAN}


class Cooperative(models.Model):
    """A koperasi: a legal entity that may propose lists (through its Proposer record) and
    organise activities."""

    name = models.CharField(_("nama koperasi"), max_length=150, unique=True)
    legal_number = models.CharField(
        _("nomor badan hukum"),
        max_length=100,
        unique=True,
        help_text=_("Misalnya AHU-0001234.AH.01.26.TAHUN 2019 atau 518/BH/XVIII.3/2010."),
    )
    kecamatan = models.ForeignKey(
        Region,
        verbose_name=_("kecamatan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to=KECAMATAN_ONLY,
    )
    is_active = models.BooleanField(_("aktif"), default=True)
    proposer = models.OneToOneField(
        Proposer,
        verbose_name=_("lembaga pengusul"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cooperative",
        limit_choices_to={"kind": Proposer.Kind.KOPERASI},
        help_text=_("Isi bila koperasi ini juga mengusulkan daftar penerima bantuan."),
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    history = HistoricalRecords(verbose_name=_("riwayat koperasi"))

    class Meta:
        verbose_name = _("koperasi")
        verbose_name_plural = _("koperasi")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(legal_number=""), name="cooperative_legal_number_present"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """An owner's membership of a cooperative, from ``since`` until ``ended_on`` (if ever)."""

    class Role(models.TextChoices):
        MEMBER = "anggota", _("Anggota")
        BOARD = "pengurus", _("Pengurus")
        SUPERVISOR = "pengawas", _("Pengawas")

    cooperative = models.ForeignKey(
        Cooperative,
        verbose_name=_("koperasi"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    owner = models.ForeignKey(
        Owner, verbose_name=_("pemilik"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("peran"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    since = models.DateField(_("anggota sejak"))
    ended_on = models.DateField(_("berhenti"), null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dicatat oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("dicatat"), auto_now_add=True)

    class Meta:
        verbose_name = _("keanggotaan koperasi")
        verbose_name_plural = _("keanggotaan koperasi")
        ordering = ["cooperative", "since"]
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "owner"],
                condition=Q(ended_on__isnull=True),
                name="one_open_membership_per_owner_cooperative",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("since")),
                name="membership_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.owner} – {self.cooperative}"
