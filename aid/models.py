"""Programs and money: grant programs, proposal lists, applications and disbursements.

About 800 lines, past the ~500 the other modules keep to, on purpose and not split by
sub-domain: these eleven tables refer to each other across any split one could draw (a list's
rows and versions, an application's status changes, flags naming two applications,
disbursements, submissions and the files that answer them), and most of the length is the
constraints the database enforces, which a reader checks side by side, as in Django's own
apps. No behaviour lives here (transitions, services and selectors hold it). When a table is
added, the split to a package ``aid/models/`` (imports, importing, grants, files) comes first.

An application's ``status`` is changed only by :mod:`aid.transitions`, which also writes the
:class:`StatusChange` record of who moved it, when, from what, to what and why.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from proposers.models import Proposer
from registry.models import Business, Owner
from umkm_portal.models import ChangeRecord


class Status(models.TextChoices):
    PROPOSED = "proposed", _("Diusulkan")
    VERIFIED = "verified", _("Terverifikasi")
    SUBMITTED = "submitted", _("Diajukan ke Kementerian")
    APPROVED = "approved", _("Ditetapkan sebagai penerima")
    TRANSFERRED = "transferred", _("Ditransfer")
    WITHDRAWN = "withdrawn", _("Dicairkan")
    RETURNED = "returned", _("Dikembalikan ke kas negara")
    TRANSFER_FAILED = "transfer_failed", _("Transfer gagal")
    REJECTED = "rejected", _("Ditolak")


class Reason(models.TextChoices):
    DUPLICATE_IN_LIST = "duplicate_in_list", _("Data ganda dalam satu daftar usulan")
    DUPLICATE_EXISTING = "duplicate_existing", _("Sudah diusulkan dalam daftar lain")
    ALREADY_RECEIVED = "already_received", _("Sudah pernah menerima bantuan ini")
    INVALID_NIK = "invalid_nik", _("NIK tidak valid")
    INCOMPLETE = "incomplete", _("Data kurang lengkap")
    INVALID_FIELD = "invalid_field", _("Data tidak sesuai format")
    INELIGIBLE = "ineligible", _("Tidak memenuhi syarat")
    NOT_APPROVED = "not_approved", _("Tidak ditetapkan oleh Kementerian")
    OTHER = "other", _("Alasan lain")


# What the owner should do next, by reason. Shown on the status page and in outcome files.
REASON_ADVICE = {
    Reason.DUPLICATE_IN_LIST: _(
        "NIK Anda tercantum lebih dari sekali dalam daftar yang sama. Satu usulan tetap "
        "diproses; Anda tidak perlu mendaftar ulang."
    ),
    Reason.DUPLICATE_EXISTING: _(
        "Anda sudah diusulkan lewat daftar lain untuk program ini. Hubungi kelurahan Anda bila "
        "data di usulan tersebut perlu diperbaiki."
    ),
    Reason.ALREADY_RECEIVED: _(
        "Bantuan ini hanya diberikan satu kali untuk setiap NIK, dan Anda sudah menerimanya."
    ),
    Reason.INVALID_NIK: _(
        "NIK dalam usulan tidak sesuai KTP. Bawa KTP Anda ke kelurahan agar data usulan diperbaiki."
    ),
    Reason.INCOMPLETE: _(
        "Data usulan Anda kurang lengkap. Lengkapi alamat, nomor HP dan data usaha melalui "
        "kelurahan Anda."
    ),
    Reason.INVALID_FIELD: _(
        "Sebagian data (nomor HP, wilayah atau rekening) tidak sesuai format. Hubungi kelurahan "
        "Anda untuk memperbaikinya."
    ),
    Reason.INELIGIBLE: _(
        "Penerima harus WNI pelaku usaha mikro, bukan ASN, TNI, Polri atau pegawai BUMN/BUMD, "
        "dan tidak sedang menerima kredit bank atau KUR."
    ),
    Reason.NOT_APPROVED: _(
        "Kementerian tidak menetapkan Anda sebagai penerima pada tahap ini. Hubungi Dinas "
        "Koperasi dan UKM bila ada tahap berikutnya."
    ),
    Reason.OTHER: _("Hubungi Dinas Koperasi dan UKM Kota Bekasi untuk penjelasan."),
}


class Program(models.Model):
    """A grant program, such as BPUM 2020 (Rp2.400.000, once per NIK)."""

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama"), max_length=150)
    amount = models.PositiveBigIntegerField(_("nilai bantuan (Rp)"))
    one_time = models.BooleanField(
        _("hanya sekali per NIK"),
        default=True,
        help_text=_("Penerima yang sudah ditransfer tidak dapat diusulkan lagi dalam program ini."),
    )
    withdrawal_days = models.PositiveSmallIntegerField(
        _("batas pencairan (hari)"),
        default=90,
        help_text=_("Dana yang tidak dicairkan dalam jangka ini dikembalikan ke kas negara."),
    )
    starts_on = models.DateField(_("mulai"), null=True, blank=True)
    ends_on = models.DateField(_("selesai"), null=True, blank=True)
    # Optional: when proposers may send lists, and how many accepted rows one proposer may
    # have in the program. Blank: no window, no ceiling.
    proposals_open_on = models.DateField(_("usulan dibuka"), null=True, blank=True)
    proposals_close_on = models.DateField(_("usulan ditutup"), null=True, blank=True)
    quota_per_proposer = models.PositiveIntegerField(
        _("kuota per pengusul"),
        null=True,
        blank=True,
        help_text=_(
            "Jumlah usulan diterima paling banyak per lembaga pengusul (kosong: tanpa batas)."
        ),
    )

    history = HistoricalRecords(verbose_name=_("riwayat program"))

    class Meta:
        verbose_name = _("program bantuan")
        verbose_name_plural = _("program bantuan")
        ordering = ["-starts_on", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="program_amount_positive"),
            models.CheckConstraint(
                condition=Q(withdrawal_days__gt=0), name="program_withdrawal_days_positive"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="program_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ImportPhase(models.TextChoices):
    """What the check of a list is doing, shown with its progress; the last phase stays."""

    WAITING = "waiting", _("menunggu pemeriksa")
    READING = "reading", _("membaca dan memeriksa baris")
    DUPLICATES = "duplicates", _("memeriksa data ganda")
    SUMMARY = "summary", _("menyiapkan ringkasan")


class ImportStatus(models.TextChoices):
    """Where a proposal list is in its import. Blank: entered by hand, never imported."""

    UPLOADED = "uploaded", _("Diunggah")
    PROCESSING = "processing", _("Sedang diperiksa")
    STAGED = "staged", _("Siap ditinjau")
    # Lists sent through a proposer's workspace: sent to the Dinas with the SPTJM, or sent
    # back to the proposer with a note.
    SUBMITTED = "submitted", _("Dikirim ke Dinas")
    RETURNED = "returned", _("Dikembalikan ke pengusul")
    MERGED = "merged", _("Digabungkan")
    CANCELLED = "cancelled", _("Dibatalkan")
    REFUSED = "refused", _("Ditolak")
    FAILED = "failed", _("Gagal")


class ProposalList(models.Model):
    """A list of proposed owners sent by a kelurahan, cooperative or other proposer."""

    # One declaration of the kinds of proposer, on the organisation.
    ProposerKind = Proposer.Kind

    program = models.ForeignKey(
        Program, verbose_name=_("program"), on_delete=models.PROTECT, related_name="proposal_lists"
    )
    # The organisation that sent the list (lists entered before proposers were records, and
    # lists typed in by the Dinas, may have none); ``proposer_name`` is the name as sent.
    proposer = models.ForeignKey(
        Proposer,
        verbose_name=_("lembaga pengusul"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposal_lists",
    )
    # The earlier list of the same proposer for the same program that this one resends.
    previous = models.ForeignKey(
        "self",
        verbose_name=_("versi sebelumnya"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    version = models.PositiveSmallIntegerField(_("versi"), default=1)
    # Uploaded by the proposer in its workspace: the Dinas merges it only once the proposer
    # has submitted it with its statement of responsibility (SPTJM).
    sent_by_proposer = models.BooleanField(_("dikirim lewat ruang kerja pengusul"), default=False)
    submitted_at = models.DateTimeField(_("dikirim ke Dinas"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dikirim oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sptjm_name = models.CharField(_("nama penanda tangan SPTJM"), max_length=150, blank=True)
    sptjm_position = models.CharField(_("jabatan penanda tangan SPTJM"), max_length=150, blank=True)
    sptjm_file = models.FileField(
        _("SPTJM bertanda tangan (PDF)"), upload_to="sptjm/%Y/%m/", blank=True
    )
    returned_note = models.TextField(_("catatan pengembalian"), blank=True)
    returned_at = models.DateTimeField(_("dikembalikan ke pengusul"), null=True, blank=True)
    proposer_name = models.CharField(_("nama pengusul"), max_length=150)
    proposer_kind = models.CharField(
        _("jenis pengusul"), max_length=10, choices=ProposerKind.choices
    )
    received_on = models.DateField(_("tanggal diterima"), default=timezone.localdate)
    file = models.FileField(_("berkas asli"), upload_to="proposal-lists/%Y/%m/", blank=True)
    original_filename = models.CharField(_("nama berkas asli"), max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diunggah oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    # Import state, written only by aid.services / aid.importing as the list moves through
    # read -> check -> stage -> deduplicate -> review -> merge.
    import_status = models.CharField(
        _("status impor"), max_length=12, choices=ImportStatus.choices, blank=True
    )
    import_phase = models.CharField(
        _("tahap pemeriksaan"),
        max_length=12,
        choices=ImportPhase.choices,
        default=ImportPhase.WAITING,
    )
    rows_total = models.PositiveIntegerField(_("perkiraan jumlah baris"), default=0)
    rows_read = models.PositiveIntegerField(_("baris terbaca"), default=0)
    counts = models.JSONField(
        _("jumlah per hasil"),
        default=dict,
        blank=True,
        help_text=_("Jumlah baris per hasil pemeriksaan, misalnya accepted, invalid_nik."),
    )
    import_error = models.TextField(_("pesan impor"), blank=True)
    # Heartbeat of the import: set on every status move and every progress write, so a list
    # that nobody claims, or whose worker died while checking it, can be told apart from one
    # that is merely large.
    import_updated_at = models.DateTimeField(_("impor terakhir diperbarui"), null=True, blank=True)
    headers = models.JSONField(_("judul kolom berkas"), default=list, blank=True)
    merged_at = models.DateTimeField(_("digabungkan"), null=True, blank=True)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("digabungkan oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    history = HistoricalRecords(verbose_name=_("riwayat daftar usulan"))

    class Meta:
        verbose_name = _("daftar usulan")
        verbose_name_plural = _("daftar usulan")
        ordering = ["-received_on", "-pk"]
        permissions = [
            ("merge_proposallist", _("Dapat menggabungkan daftar usulan ke registri")),
        ]

    def __str__(self) -> str:
        return f"{self.proposer_name} ({self.received_on:%d-%m-%Y})"


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

    def describe(self) -> str:
        """The move as staff read it in the history: "Diusulkan → Ditolak, oleh verifikator,
        alasan: Data kurang lengkap (catatan: …), sumber: admin: verifikasi"."""
        parts = [str(self)]
        if self.by_id:
            parts.append(_("oleh %(user)s") % {"user": self.by.get_full_name() or self.by})
        if self.reason_code:
            reason = _("alasan: %(reason)s") % {"reason": self.get_reason_code_display()}
            if self.note:
                reason += " " + _("(catatan: %(note)s)") % {"note": self.note}
            parts.append(reason)
        elif self.note:
            parts.append(_("catatan: %(note)s") % {"note": self.note})
        if self.source:
            parts.append(_("sumber: %(source)s") % {"source": self.source})
        return ", ".join(parts)


class Disbursement(models.Model):
    """A transfer of a grant to an owner's account, with a snapshot of the account paid to."""

    class Outcome(models.TextChoices):
        SUCCESS = "success", _("Berhasil")
        FAILED = "failed", _("Gagal")

    application = models.ForeignKey(
        Application,
        verbose_name=_("permohonan"),
        on_delete=models.PROTECT,
        related_name="disbursements",
    )
    amount = models.PositiveBigIntegerField(_("nilai (Rp)"))
    bank_code = models.CharField(_("kode bank"), max_length=3)
    account_number = models.CharField(_("nomor rekening"), max_length=20)
    holder_name = models.CharField(_("nama pemilik rekening"), max_length=150)
    transferred_at = models.DateTimeField(_("waktu transfer"))
    bank_reference = models.CharField(_("referensi bank"), max_length=64, unique=True)
    outcome = models.CharField(_("hasil"), max_length=8, choices=Outcome.choices)
    failure_reason = models.CharField(_("alasan gagal"), max_length=255, blank=True)
    withdrawn_at = models.DateTimeField(_("waktu pencairan"), null=True, blank=True)
    source = models.CharField(_("sumber"), max_length=120, blank=True)
    bank_report = models.ForeignKey(
        "BankReport",
        verbose_name=_("laporan bank"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="disbursements",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dicatat oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("dicatat"), auto_now_add=True)

    class Meta:
        verbose_name = _("penyaluran")
        verbose_name_plural = _("penyaluran")
        ordering = ["-transferred_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="disbursement_amount_positive"),
            # At most one successful transfer per application; with one live application per
            # owner and program this is the one-grant rule for money.
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(outcome="success"),
                name="one_successful_disbursement_per_application",
            ),
            models.CheckConstraint(
                condition=Q(outcome="success") | Q(withdrawn_at__isnull=True),
                name="disbursement_withdrawn_only_if_success",
            ),
        ]
        permissions = [
            ("reconcile_disbursement", _("Dapat mengimpor laporan transfer bank")),
        ]

    def __str__(self) -> str:
        return self.bank_reference


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


class SubmissionBatch(models.Model):
    """One submission to the ministry: the verified applications exported and marked
    ``submitted`` together. The exact file sent is kept; it can be exported again at any time
    without submitting anything a second time."""

    program = models.ForeignKey(
        Program, verbose_name=_("program"), on_delete=models.PROTECT, related_name="+"
    )
    proposal_list = models.ForeignKey(
        ProposalList,
        verbose_name=_("daftar usulan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Kosong bila semua daftar usulan program ini diajukan."),
    )
    file = models.FileField(_("berkas yang dikirim"), upload_to="submissions/%Y/%m/", blank=True)
    rows = models.PositiveIntegerField(_("jumlah permohonan"), default=0)
    # Verified applications left out because an open possible duplicate held them back.
    held_back = models.PositiveIntegerField(_("ditahan (data ganda)"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diajukan oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("waktu pengajuan"), default=timezone.now)

    class Meta:
        verbose_name = _("pengajuan ke Kementerian")
        verbose_name_plural = _("pengajuan ke Kementerian")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return _("Pengajuan #%(id)s") % {"id": self.pk}

    @property
    def source(self) -> str:
        """How status changes and exports of this batch name it."""
        return f"ekspor pengajuan #{self.pk}"


class ImportedFile(models.Model):
    """What every imported reconciliation file records: the file itself, who, when, counts.

    ``problems`` keeps each refused row (row number, NIK, reason) as shown to the user. A big
    file is kept first and applied in the background (``state``); a small one is applied in
    the request and recorded ``done``.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("Menunggu diproses")
        PROCESSING = "processing", _("Sedang diproses")
        DONE = "done", _("Selesai")
        FAILED = "failed", _("Gagal")

    program = models.ForeignKey(
        Program, verbose_name=_("program"), on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(_("berkas"), upload_to="reconciliation/%Y/%m/")
    state = models.CharField(
        _("status proses"), max_length=10, choices=State.choices, default=State.DONE
    )
    error = models.TextField(_("pesan proses"), blank=True)
    original_filename = models.CharField(_("nama berkas asli"), max_length=255)
    sha256 = models.CharField(_("sidik berkas (SHA-256)"), max_length=64, db_index=True)
    rows = models.PositiveIntegerField(_("jumlah baris"), default=0)
    applied = models.PositiveIntegerField(_("baris diterapkan"), default=0)
    unchanged = models.PositiveIntegerField(_("baris sudah tercatat"), default=0)
    refused = models.PositiveIntegerField(_("baris ditolak"), default=0)
    problems = models.JSONField(_("baris bermasalah"), default=list, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diunggah oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("waktu impor"), default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.original_filename}"


class DecisionFile(ImportedFile):
    """A ministry decision (SK) file: the NIKs decided as recipients."""

    reject_missing = models.BooleanField(
        _("tolak yang tidak tercantum"),
        default=False,
        help_text=_(
            "Permohonan berstatus diajukan yang tidak tercantum dalam berkas ditolak dengan "
            'alasan "Tidak ditetapkan oleh Kementerian".'
        ),
    )
    not_approved = models.PositiveIntegerField(_("ditolak karena tidak tercantum"), default=0)

    class Meta(ImportedFile.Meta):
        verbose_name = _("berkas keputusan Kementerian")
        verbose_name_plural = _("berkas keputusan Kementerian")

    @property
    def source(self) -> str:
        return f"keputusan Kementerian #{self.pk} ({self.original_filename})"[:120]


class BankReport(ImportedFile):
    """A bank's transfer report: transfers, failures and withdrawals, one row each."""

    class Meta(ImportedFile.Meta):
        verbose_name = _("laporan transfer bank")
        verbose_name_plural = _("laporan transfer bank")

    @property
    def source(self) -> str:
        return f"laporan bank #{self.pk} ({self.original_filename})"[:120]


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
    message = models.TextField(_("keterangan"), blank=True)
    flags = models.JSONField(_("tanda"), default=list, blank=True)
    note = models.TextField(_("catatan"), blank=True)
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
    def remarks(self) -> str:
        """The note and the possible-duplicate flags in words, in the reader's language."""
        from aid.importing.flags import remarks

        return remarks(self.note, self.flags)


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
