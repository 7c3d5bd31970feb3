"""Programs and their proposal lists (the lists' import status and phase)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from proposers.models import Proposer
from registry.models import Region


class RequiredColumn(models.TextChoices):
    """What a program may require of every proposal row on top of what every row must carry
    (NIK, name, KTP address, phone, business name or sector: the registry and the status
    page need them). A row missing one is refused as *data kurang lengkap*."""

    KK = "kk", _("Nomor KK")
    KELURAHAN = "kelurahan", _("Kelurahan")
    ACCOUNT = "account", _("Bank dan No Rekening")


# Every row of every program: NIK, name, KTP address, business sector and phone (BPUM 2020,
# Permenkop UKM 6/2020). BPUM 2021 (Permen KUKM 2/2021) adds the Nomor KK.
BPUM_2020_REQUIRED: list[str] = []
BPUM_2021_REQUIRED = [RequiredColumn.KK.value]


def bpum_2020_required() -> list[str]:
    return list(BPUM_2020_REQUIRED)


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
    # What every proposal row must carry besides NIK and name (RequiredColumn values); the
    # ministry file carries the program's columns (NO_KK when the KK is required).
    required_columns = models.JSONField(
        _("kolom wajib"),
        default=bpum_2020_required,
        blank=True,
        help_text=_(
            "Yang wajib diisi di setiap baris daftar usulan, selain NIK, nama, alamat KTP, No HP "
            "dan nama atau bidang usaha (selalu wajib). Baris yang tidak mengisinya ditolak "
            "sebagai data kurang lengkap."
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

    def clean(self):
        super().clean()
        unknown = set(self.required_columns or []) - set(RequiredColumn.values)
        if not isinstance(self.required_columns, list) or unknown:
            raise ValidationError(
                {"required_columns": _("Pilih kolom wajib dari daftar yang tersedia.")}
            )

    def requires(self, column: str) -> bool:
        """Whether every row of this program's lists must carry ``column``."""
        return column in (self.required_columns or ())


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
    # Being merged in batches, each its own short transaction (the embedded SQLite stays
    # writable for everyone else); what is merged so far is not yet part of the round.
    MERGING = "merging", _("Sedang digabungkan")
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
    # Chosen at upload for a file whose rows name no kelurahan (a kelurahan office's own
    # list): every such row is read as being of this kelurahan.
    kelurahan = models.ForeignKey(
        Region,
        verbose_name=_("kelurahan seluruh berkas"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": Region.Level.KELURAHAN},
        help_text=_(
            "Bila baris-baris berkas tidak menyebut kelurahannya: semua baris tanpa kelurahan "
            "dibaca sebagai kelurahan ini."
        ),
    )
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
    # The workbook's closing block (a total row, place and date, signatures) below the last
    # person: recognised and skipped by the reader, counted here, never refused as people.
    closing_rows = models.PositiveIntegerField(_("baris penutup dilewati"), default=0)
    # Their numbers in the file, as ranges ("13, 15–17, 19–20"), so staff can find them.
    closing_row_numbers = models.CharField(
        _("nomor baris penutup"), max_length=200, blank=True, default=""
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
