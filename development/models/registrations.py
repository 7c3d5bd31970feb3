"""Registrations from /kegiatan/ that matched no registered owner: claims, not registry records."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from development.models.activities import Activity, Participant
from development.models.cooperatives import KECAMATAN_ONLY
from registry.models import Owner, Region


class PendingRegistration(models.Model):
    """A registration for an activity from the public page whose NIK and phone did not
    match a registered owner (an unknown NIK, or a known one with another number): a claim
    kept apart from the registry, with what was typed and where it came from. Staff confirm
    it (a new owner, through :mod:`registry.services`), link it to a registered owner, or
    refuse it; a later proposal list that registers the NIK with the same phone links it.
    Nothing here ever changes an owner. ``state`` moves only through
    :mod:`development.pending`."""

    class State(models.TextChoices):
        PENDING = "menunggu", _("Menunggu pemeriksaan")
        CONFIRMED = "pemilik_baru", _("Dikonfirmasi sebagai pemilik baru")
        LINKED = "ditautkan", _("Ditautkan ke pemilik terdaftar")
        REFUSED = "ditolak", _("Ditolak")

    class Channel(models.TextChoices):
        PUBLIC = "daring", _("Halaman pendaftaran kegiatan (/kegiatan/)")

    activity = models.ForeignKey(
        Activity,
        verbose_name=_("kegiatan"),
        on_delete=models.PROTECT,
        related_name="pending_registrations",
    )
    nik = models.CharField(_("NIK yang diketik"), max_length=16)
    phone = models.CharField(_("nomor HP yang diketik"), max_length=16)
    full_name = models.CharField(_("nama yang diketik"), max_length=150, blank=True)
    ktp_address = models.CharField(_("alamat yang diketik"), max_length=255, blank=True)
    business_name = models.CharField(_("nama usaha yang diketik"), max_length=150, blank=True)
    sector = models.CharField(_("bidang usaha yang diketik"), max_length=100, blank=True)
    kecamatan = models.ForeignKey(
        Region,
        verbose_name=_("kecamatan tempat usaha"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to=KECAMATAN_ONLY,
    )
    channel = models.CharField(
        _("asal"), max_length=8, choices=Channel.choices, default=Channel.PUBLIC
    )
    # The address as the lookup log keeps it (umkm_portal.client_address), and the browser.
    client_ip = models.GenericIPAddressField(_("alamat IP"), null=True, blank=True)
    user_agent = models.CharField(_("peramban"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("diterima"), default=timezone.now)
    state = models.CharField(
        _("status"), max_length=12, choices=State.choices, default=State.PENDING, editable=False
    )
    owner = models.ForeignKey(
        Owner,
        verbose_name=_("pemilik"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pending_registrations",
    )
    participant = models.OneToOneField(
        Participant,
        verbose_name=_("peserta"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pending_registration",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diputuskan oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("diputuskan"), null=True, blank=True)
    note = models.TextField(_("catatan"), blank=True)

    class Meta:
        verbose_name = _("pendaftaran menunggu pemeriksaan")
        verbose_name_plural = _("pendaftaran menunggu pemeriksaan")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["state", "created_at"], name="pending_state_created_idx"),
            models.Index(fields=["nik"], name="pending_nik_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["menunggu", "pemilik_baru", "ditautkan", "ditolak"]),
                name="pending_state_known",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["pemilik_baru", "ditautkan"]) | Q(owner__isnull=False),
                name="pending_decided_names_owner",
            ),
        ]
        permissions = [
            ("decide_pendingregistration", _("Dapat memutuskan pendaftaran yang menunggu"))
        ]

    def __str__(self) -> str:
        return f"{self.full_name or '–'} – {self.activity}"
