"""Requests and complaints (pengaduan) owners send from the status page, worked by staff.

A complaint is tied to the owner by the keyed hash of their NIK (never the NIK), carried from
a successful status check in a signed token. It never changes registry data itself: staff
apply a correction through the registry and aid services and link it here (``application``,
``reference``). Its state moves only through :mod:`complaints.transitions`.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from umkm_portal.models import ChangeRecord


class Category(models.TextChoices):
    NOT_RECEIVED = "not_received", _("Belum menerima dana")
    DATA_WRONG = "data_wrong", _("Data saya salah")
    ACCOUNT_CHANGED = "account_changed", _("Rekening berubah")
    PROPOSAL_REFUSED = "proposal_refused", _("Usulan ditolak")
    OTHER = "other", _("Lainnya")


class State(models.TextChoices):
    NEW = "new", _("Baru")
    IN_PROGRESS = "in_progress", _("Sedang ditangani")
    WAITING_FOR_OWNER = "waiting_owner", _("Menunggu pemilik usaha")
    CLOSED = "closed", _("Selesai")


# The answer staff start from, per category (editable before it is sent).
ANSWER_TEMPLATES = {
    Category.ACCOUNT_CHANGED: _(
        "Untuk mengganti rekening, datang ke Dinas Koperasi dan UKM Kota Bekasi dengan membawa "
        "KTP asli dan buku tabungan rekening yang baru atas nama Anda sendiri. Perubahan "
        "rekening dikonfirmasi oleh Bendahara sebelum dipakai."
    ),
    Category.NOT_RECEIVED: _(
        "Kami sedang memeriksa penyaluran dana Anda bersama bank penyalur. Mohon siapkan KTP "
        "dan buku tabungan bila kami hubungi."
    ),
}


class Complaint(models.Model):
    class Source(models.TextChoices):
        OWNER = "owner", _("Pemilik usaha (halaman cek status)")
        PAYMENT_CHECK = "payment_check", _("Verifikasi pembayaran (sampel)")
        STAFF = "staff", _("Dicatat petugas")
        # A status check matched the phone a list proposed the NIK with, not the registered
        # owner's (issue 24.3): maybe another person; the owner's page does not show it.
        LIST_PHONE = "list_phone", _("Cek status dengan nomor HP dari daftar usulan")

    nik_hash = models.CharField(
        _("hash NIK"),
        max_length=64,
        db_index=True,
        help_text=_("HMAC-SHA256 dari NIK dengan kunci rahasia; NIK sendiri tidak disimpan."),
    )
    category = models.CharField(_("kategori"), max_length=20, choices=Category.choices)
    message = models.TextField(_("pesan"), max_length=2000)
    contact_phone = models.CharField(_("nomor yang dapat dihubungi"), max_length=16, blank=True)
    source = models.CharField(
        _("sumber"), max_length=16, choices=Source.choices, default=Source.OWNER
    )
    state = models.CharField(_("status"), max_length=16, choices=State.choices, default=State.NEW)
    answer = models.TextField(_("jawaban untuk pemilik usaha"), blank=True)
    answered_at = models.DateTimeField(_("dijawab"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dijawab oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Where the correction staff made lives (the request itself changes nothing).
    application = models.ForeignKey(
        "aid.Application",
        verbose_name=_("permohonan terkait"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    reference = models.CharField(
        _("rujukan perbaikan"),
        max_length=200,
        blank=True,
        help_text=_("Misalnya nomor permohonan, rekening baru yang dicatat, atau nomor surat."),
    )
    created_at = models.DateTimeField(_("diterima"), default=timezone.now, db_index=True)
    due_at = models.DateTimeField(_("target selesai"))
    closed_at = models.DateTimeField(_("ditutup"), null=True, blank=True)

    class Meta:
        verbose_name = _("pengaduan")
        verbose_name_plural = _("pengaduan")
        ordering = ["due_at", "pk"]
        permissions = [
            (
                "close_account_change",
                _("Mengonfirmasi dan menutup pengaduan rekening berubah (Bendahara)"),
            ),
        ]
        indexes = [models.Index(fields=["state", "due_at"], name="complaint_state_due_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=State.values), name="complaint_state_known"
            ),
            models.CheckConstraint(
                condition=models.Q(category__in=Category.values), name="complaint_category_known"
            ),
            # A closed request has been answered: the owner always learns the outcome.
            models.CheckConstraint(
                condition=~models.Q(state=State.CLOSED) | ~models.Q(answer=""),
                name="complaint_closed_has_answer",
            ),
            models.CheckConstraint(
                condition=models.Q(due_at__gte=models.F("created_at")),
                name="complaint_due_after_created",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_category_display()}"

    @property
    def is_overdue(self) -> bool:
        return self.state != State.CLOSED and self.due_at < timezone.now()


class ComplaintChange(ChangeRecord):
    """One move of a complaint's state: who, when, from, to and why."""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("pengaduan"), on_delete=models.CASCADE, related_name="changes"
    )
    from_state = models.CharField(_("dari"), max_length=16, choices=State.choices, blank=True)
    to_state = models.CharField(_("menjadi"), max_length=16, choices=State.choices)
    note = models.TextField(_("catatan"), blank=True)

    class Meta(ChangeRecord.Meta):
        verbose_name = _("riwayat pengaduan")
        verbose_name_plural = _("riwayat pengaduan")

    def __str__(self) -> str:
        return f"{self.complaint_id}: {self.from_state} → {self.to_state}"
