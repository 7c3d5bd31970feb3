"""Applications, their status changes and the possible duplicates that hold them.

An application's ``status`` is changed only by :mod:`aid.transitions`, which also writes the
:class:`StatusChange` record of who moved it, when, from what, to what and why.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from aid.models.choices import Reason, Status
from aid.models.programs import Program, ProposalList
from registry.models import Business, Owner
from umkm_portal.models import ChangeRecord


class Application(models.Model):
    """One owner's application to one program. Its status moves only through transitions."""

    owner = models.ForeignKey(
        Owner, verbose_name=_("pemilik"), on_delete=models.PROTECT, related_name="applications"
    )
    business = models.ForeignKey(
        Business, verbose_name=_("usaha"), on_delete=models.PROTECT, related_name="applications"
    )
    program = models.ForeignKey(
        Program,
        verbose_name=_("program"),
        on_delete=models.PROTECT,
        related_name="applications",
        db_index=False,  # application_program_status_idx (program, status) serves it
    )
    proposal_list = models.ForeignKey(
        ProposalList,
        verbose_name=_("daftar usulan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    submission_batch = models.ForeignKey(
        "SubmissionBatch",
        verbose_name=_("pengajuan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PROPOSED
    )
    reason_code = models.CharField(
        _("kode alasan"), max_length=20, choices=Reason.choices, blank=True
    )
    reason_note = models.TextField(_("catatan alasan"), blank=True)
    # A note the portal wrote itself, as a code and its values (aid.notes), put into words
    # when shown; reason_note keeps what staff typed.
    reason_note_code = models.CharField(
        _("kode catatan alasan"), max_length=30, blank=True, default="", db_default=""
    )
    reason_note_params = models.JSONField(_("nilai catatan alasan"), null=True, blank=True)
    # The phone the application was proposed with (the list's, normalised +628…), kept even
    # when the registry's owner has another: the public status check accepts its digits.
    proposed_phone = models.CharField(
        _("nomor HP saat diusulkan"), max_length=16, blank=True, default="", db_default=""
    )

    proposed_at = models.DateTimeField(_("diusulkan"), default=timezone.now)
    verified_at = models.DateTimeField(_("diverifikasi"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("diajukan"), null=True, blank=True)
    approved_at = models.DateTimeField(_("ditetapkan"), null=True, blank=True)
    transferred_at = models.DateTimeField(_("ditransfer"), null=True, blank=True)
    transfer_failed_at = models.DateTimeField(_("transfer gagal"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("dicairkan"), null=True, blank=True)
    returned_at = models.DateTimeField(_("dikembalikan"), null=True, blank=True)
    rejected_at = models.DateTimeField(_("ditolak"), null=True, blank=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        verbose_name = _("permohonan")
        verbose_name_plural = _("permohonan")
        ordering = ["-pk"]
        indexes = [
            models.Index(fields=["program", "status"], name="application_program_status_idx"),
            models.Index(fields=["status", "transferred_at"], name="application_status_transf_idx"),
        ]
        constraints = [
            # The one-grant rule: an owner has at most one live application per program.
            # Rejected applications do not count, so a rejected owner can be proposed again;
            # a transferred, withdrawn or returned one stays live forever.
            models.UniqueConstraint(
                fields=["owner", "program"],
                condition=~Q(status=Status.REJECTED),
                name="one_live_application_per_owner_program",
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="application_status_known"
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.REJECTED) | ~Q(reason_code=""),
                name="application_rejection_has_reason",
            ),
        ]
        permissions = [
            ("verify_application", _("Dapat memverifikasi atau menolak permohonan")),
            ("submit_application", _("Dapat mengajukan permohonan ke Kementerian")),
            ("record_decision", _("Dapat mencatat keputusan Kementerian")),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.owner} – {self.program.code}"

    @property
    def reason_note_text(self) -> str:
        """The reason's note in the reader's language (aid.notes)."""
        from aid.notes import words

        return words(self.reason_note_code, self.reason_note_params, self.reason_note)


class StatusChange(ChangeRecord):
    """The record of one status move: who, when, from, to, why, and from which source."""

    application = models.ForeignKey(
        Application,
        verbose_name=_("permohonan"),
        on_delete=models.PROTECT,
        related_name="status_changes",
    )
    from_status = models.CharField(_("dari"), max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(_("menjadi"), max_length=16, choices=Status.choices)
    reason_code = models.CharField(
        _("kode alasan"), max_length=20, choices=Reason.choices, blank=True
    )
    note = models.TextField(_("catatan"), blank=True)
    # As on Application: a note the portal wrote itself, in words when read (aid.notes).
    note_code = models.CharField(
        _("kode catatan"), max_length=30, blank=True, default="", db_default=""
    )
    note_params = models.JSONField(_("nilai catatan"), null=True, blank=True)
    source = models.CharField(
        _("sumber"),
        max_length=120,
        blank=True,
        help_text=_("Misalnya admin, impor daftar usulan, laporan bank."),
    )

    class Meta(ChangeRecord.Meta):
        verbose_name = _("perubahan status")
        verbose_name_plural = _("perubahan status")

    def __str__(self) -> str:
        """ "Diusulkan → Terverifikasi"; the first record, with no status before, names only
        the status the application started in."""
        if not self.from_status:
            return str(self.get_to_status_display())
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"

    @property
    def note_text(self) -> str:
        """The note in the reader's language: the portal's own (a code) and what staff typed."""
        from aid.notes import words

        return words(self.note_code, self.note_params, self.note)

    def describe(self) -> str:
        """The move as staff read it in the history: "Diusulkan → Ditolak, oleh verifikator,
        alasan: Data kurang lengkap (catatan: …), sumber: admin: verifikasi"."""
        parts = [str(self)]
        if self.by_id:
            parts.append(_("oleh %(user)s") % {"user": self.by.get_full_name() or self.by})
        note = self.note_text
        if self.reason_code:
            reason = _("alasan: %(reason)s") % {"reason": self.get_reason_code_display()}
            if note:
                reason += " " + _("(catatan: %(note)s)") % {"note": note}
            parts.append(reason)
        elif note:
            parts.append(_("catatan: %(note)s") % {"note": note})
        if self.source:
            parts.append(_("sumber: %(source)s") % {"source": self.source})
        return ", ".join(parts)


class PossibleDuplicate(models.Model):
    """Two applications that may be the same person under different NIKs, for a verifier.

    One row per unordered pair (``application`` is the lower id, ``other`` the higher; the
    database refuses anything else), with every rule that matched the pair in ``rules``. An
    empty ``decision`` means the pair is open. Decisions and reopenings are kept in
    ``history`` (django-simple-history; a reopening's reason is its change reason).
    """

    class Rule(models.TextChoices):
        NAME_BIRTH_DATE = "name_birth_date", _("Nama dan tanggal lahir sama")
        PHONE = "phone", _("Nomor HP sama")
        BANK_ACCOUNT = "bank_account", _("Rekening bank sama")

    class Decision(models.TextChoices):
        SAME_PERSON = "same_person", _("Orang yang sama")
        DIFFERENT_PEOPLE = "different_people", _("Orang yang berbeda")

    application = models.ForeignKey(
        Application,
        verbose_name=_("permohonan"),
        on_delete=models.PROTECT,
        related_name="possible_duplicates",
    )
    other = models.ForeignKey(
        Application,
        verbose_name=_("permohonan lain"),
        on_delete=models.PROTECT,
        related_name="possible_duplicates_as_other",
    )
    # The matched rules, comma-separated in ``Rule`` order ("name_birth_date,phone"): a plain
    # string filters with LIKE on SQLite and PostgreSQL alike, and no rule name contains
    # another.
    rules = models.CharField(_("aturan"), max_length=64)
    decision = models.CharField(_("keputusan"), max_length=20, choices=Decision.choices, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diputuskan oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("diputuskan"), null=True, blank=True)
    note = models.TextField(_("catatan keputusan"), blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    # A reopening's reason is free text of any length: the change reason is a text column.
    history = HistoricalRecords(
        verbose_name=_("riwayat kemungkinan data ganda"),
        history_change_reason_field=models.TextField(null=True),
    )

    class Meta:
        verbose_name = _("kemungkinan data ganda")
        verbose_name_plural = _("kemungkinan data ganda")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "other"], name="possible_duplicate_one_per_pair"
            ),
            # The lower id first, so (a, b) and (b, a) cannot both exist.
            models.CheckConstraint(
                condition=Q(application__lt=F("other")), name="possible_duplicate_ordered_pair"
            ),
            models.CheckConstraint(condition=~Q(rules=""), name="possible_duplicate_has_rule"),
        ]

    def __str__(self) -> str:
        return f"#{self.application_id} ~ #{self.other_id}"

    @staticmethod
    def join_rules(rules) -> str:
        """The stored form of a set of rules: comma-separated, in ``Rule`` order."""
        chosen = set(rules)
        return ",".join(rule for rule in PossibleDuplicate.Rule.values if rule in chosen)

    @property
    def rule_list(self) -> list["PossibleDuplicate.Rule"]:
        return [PossibleDuplicate.Rule(rule) for rule in self.rules.split(",") if rule]

    def get_rules_display(self) -> str:
        return ", ".join(str(rule.label) for rule in self.rule_list)


class RegistryConflict(models.Model):
    """A list row accepted for an owner already in the registry under another name (beyond
    spelling and titles, :func:`registry.names.same_person_name`) or another phone: "berbeda
    dengan data registry". The application is held like one with an open possible duplicate
    until a verifier keeps the registry's values or takes the list's (which updates the owner,
    with history). One per application; an empty ``decision`` means open. Decisions are kept
    in ``history`` (who, when, which, and the note)."""

    class Decision(models.TextChoices):
        KEEP_REGISTRY = "keep_registry", _("Pakai data registry")
        TAKE_LIST = "take_list", _("Pakai data daftar")

    application = models.OneToOneField(
        Application,
        verbose_name=_("permohonan"),
        on_delete=models.PROTECT,
        related_name="registry_conflict",
    )
    list_name = models.CharField(_("nama di daftar"), max_length=150)
    list_phone = models.CharField(_("nomor HP di daftar"), max_length=16, blank=True)
    registry_name = models.CharField(_("nama di registry"), max_length=150)
    registry_phone = models.CharField(_("nomor HP di registry"), max_length=16, blank=True)
    name_differs = models.BooleanField(_("nama berbeda"), default=False)
    phone_differs = models.BooleanField(_("nomor HP berbeda"), default=False)
    decision = models.CharField(_("keputusan"), max_length=20, choices=Decision.choices, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diputuskan oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("diputuskan"), null=True, blank=True)
    note = models.TextField(_("catatan keputusan"), blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    history = HistoricalRecords(verbose_name=_("riwayat data berbeda dengan registry"))

    class Meta:
        verbose_name = _("data berbeda dengan registry")
        verbose_name_plural = _("data berbeda dengan registry")
        indexes = [
            # The open ones are few and read often (held applications, the to-do panel).
            models.Index(
                fields=["application"],
                condition=Q(decision=""),
                name="registryconflict_open_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(name_differs=True) | Q(phone_differs=True),
                name="registryconflict_something_differs",
            ),
            models.CheckConstraint(
                condition=Q(decision__in=["", "keep_registry", "take_list"]),
                name="registryconflict_decision_known",
            ),
            models.CheckConstraint(
                condition=Q(decision="") | Q(decided_at__isnull=False),
                name="registryconflict_decision_dated",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.application_id}: {self.list_name} / {self.registry_name}"
