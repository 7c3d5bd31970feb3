"""Messages to owners' phones: templates per event, the outbox, and opt-outs.

One message per occurrence of an event on an object (an application moved, a request
answered; a second failed transfer of the same application is a new occurrence), enforced by
the database; texts never carry a NIK or an account number (:mod:`notifications.services` checks
every rendered text); delivery is retried with backoff by the background worker.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Event(models.TextChoices):
    TRANSFERRED = "transferred", _("Dana ditransfer")
    TRANSFER_FAILED = "transfer_failed", _("Transfer gagal")
    TRANSFER_SENT_AGAIN = "transfer_sent_again", _("Transfer dikirim ulang")
    REJECTED = "rejected", _("Usulan ditolak")
    RETURNED = "returned", _("Dana dikembalikan ke kas negara")
    WITHDRAWAL_DEADLINE = "withdrawal_deadline", _("Batas pencairan 14 hari lagi")
    COMPLAINT_ANSWERED = "complaint_answered", _("Pengaduan dijawab")
    ACTIVITY_REGISTERED = "activity_registered", _("Terdaftar di kegiatan pembinaan")
    ACTIVITY_REMINDER = "activity_reminder", _("Pengingat kegiatan pembinaan (H-1)")
    ACTIVITY_PENDING = "activity_pending", _("Pendaftaran kegiatan menunggu pemeriksaan")
    REFERRAL_APPROVED = "referral_approved", _("Pengajuan KUR disetujui bank")
    REFERRAL_REFUSED = "referral_refused", _("Pengajuan KUR ditolak bank")
    LIST_MERGED = "list_merged", _("Daftar usulan digabungkan (ke pengusul)")
    LIST_RETURNED = "list_returned", _("Daftar usulan dikembalikan (ke pengusul)")


class MessageTemplate(models.Model):
    """The Indonesian text sent for an event, editable by staff. Placeholders: see
    :data:`notifications.services.PLACEHOLDERS`."""

    event = models.CharField(_("peristiwa"), max_length=24, choices=Event.choices, unique=True)
    text = models.TextField(_("isi pesan"), max_length=480)
    is_active = models.BooleanField(_("aktif"), default=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        verbose_name = _("templat pesan")
        verbose_name_plural = _("templat pesan")
        ordering = ["event"]

    def __str__(self) -> str:
        return self.get_event_display()


class OutboxMessage(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Antre")
        SENT = "sent", _("Terkirim")
        RETRYING = "retrying", _("Gagal, dicoba lagi")
        FAILED = "failed", _("Gagal (berhenti mencoba)")
        OPTED_OUT = "opted_out", _("Tidak dikirim (pemilik berhenti berlangganan)")
        REFUSED = "refused", _("Tidak dikirim (ditolak aturan pengiriman)")

    class Refusal(models.TextChoices):
        """Why the outbox refused a message (:func:`notifications.services.outbox._store`)."""

        NEW_NUMBER_TODAY = (
            "new_number_today",
            _("Nomor di luar registri sudah menerima pesan hari ini"),
        )
        DAILY_CAP = "daily_cap", _("Batas harian pesan ke nomor di luar registri tercapai")

    event = models.CharField(_("peristiwa"), max_length=24, choices=Event.choices)
    # The application (for complaint_answered, the complaint; for activity_registered and
    # activity_reminder, the development.Participant; for activity_pending, the
    # development.PendingRegistration; for referral_approved and referral_refused, the
    # development.Referral; for list_merged and list_returned, the aid.ProposalList, told to
    # its proposer's contact number) the event is about.
    object_id = models.BigIntegerField(_("objek"))
    # Which occurrence of the event on the object this message tells, for events an object
    # can have more than once: the failed transfer (``disbursement-<id>``) a transfer_failed
    # or transfer_sent_again message is about, the moment a list was returned
    # (``returned-<UTC time>``). Empty where an object has the event once. A retry or a
    # double click of the same occurrence finds its message; a new occurrence gets its own.
    occurrence = models.CharField(_("kejadian"), max_length=40, blank=True, default="")
    phone = models.CharField(_("nomor HP"), max_length=16)
    nik_hash = models.CharField(_("hash NIK"), max_length=64, blank=True, db_index=True)
    text = models.TextField(_("isi pesan"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("percobaan"), default=0)
    next_attempt_at = models.DateTimeField(_("percobaan berikutnya"), default=timezone.now)
    last_error = models.CharField(_("galat terakhir"), max_length=255, blank=True)
    gateway_id = models.CharField(_("id gateway"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)
    sent_at = models.DateTimeField(_("terkirim"), null=True, blank=True)
    # A number the registry does not hold for this NIK (typed on a public form): such
    # messages are bounded per number and per day (notifications.services.outbox._store).
    to_new_number = models.BooleanField(_("ke nomor di luar registri"), default=False)
    refusal = models.CharField(
        _("alasan ditolak"), max_length=20, choices=Refusal.choices, blank=True
    )

    class Meta:
        verbose_name = _("pesan keluar")
        verbose_name_plural = _("pesan keluar")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One message per occurrence: a move recorded twice, or a task run twice, sends
            # once; the same event again on the same object, later, is told again.
            models.UniqueConstraint(
                fields=["event", "object_id", "occurrence"], name="outbox_one_per_occurrence"
            ),
            models.CheckConstraint(
                condition=models.Q(phone__regex=r"^\+628[0-9]{7,11}$"), name="outbox_phone_e164"
            ),
            # A refused message says why; no other message carries a refusal.
            models.CheckConstraint(
                condition=(models.Q(status="refused") & ~models.Q(refusal=""))
                | (~models.Q(status="refused") & models.Q(refusal="")),
                name="outbox_refusal_iff_refused",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx"),
            # The bounds on numbers outside the registry: per number, and per day overall.
            models.Index(fields=["phone", "created_at"], name="outbox_phone_created_idx"),
            models.Index(
                fields=["created_at"],
                condition=models.Q(to_new_number=True),
                name="outbox_new_number_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_event_display()} #{self.object_id}"

    @property
    def reference(self) -> str:
        """The message's reference at the gateway: one per event, object and occurrence."""
        return "-".join(str(part) for part in (self.event, self.object_id, self.occurrence) if part)


class OptOut(models.Model):
    """An owner who asked for no more messages: by replying STOP (their phone) or on the
    status page (the keyed hash of their NIK)."""

    class Source(models.TextChoices):
        SMS_STOP = "sms_stop", _("Balasan STOP")
        STATUS_PAGE = "status_page", _("Halaman cek status")

    phone = models.CharField(_("nomor HP"), max_length=16, blank=True)
    nik_hash = models.CharField(_("hash NIK"), max_length=64, blank=True)
    source = models.CharField(_("sumber"), max_length=12, choices=Source.choices)
    at = models.DateTimeField(_("waktu"), default=timezone.now)

    class Meta:
        verbose_name = _("berhenti berlangganan")
        verbose_name_plural = _("berhenti berlangganan")
        constraints = [
            models.UniqueConstraint(
                fields=["phone"], condition=~models.Q(phone=""), name="optout_unique_phone"
            ),
            models.UniqueConstraint(
                fields=["nik_hash"], condition=~models.Q(nik_hash=""), name="optout_unique_nik"
            ),
            models.CheckConstraint(
                condition=~models.Q(phone="", nik_hash=""), name="optout_names_someone"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.at:%Y-%m-%d}"
