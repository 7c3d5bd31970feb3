"""Who and what: regions, banks, UMKM owners, their businesses and bank accounts."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from registry import identifiers


class Region(models.Model):
    """A kecamatan or kelurahan of Kota Bekasi, with its Kemendagri code."""

    class Level(models.TextChoices):
        KECAMATAN = "kecamatan", _("Kecamatan")
        KELURAHAN = "kelurahan", _("Kelurahan")

    code = models.CharField(_("kode Kemendagri"), max_length=13, unique=True)
    name = models.CharField(_("nama"), max_length=100)
    level = models.CharField(_("tingkat"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("kecamatan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = _("wilayah")
        verbose_name_plural = _("wilayah")
        ordering = ["code"]

    def __str__(self) -> str:
        if self.level == self.Level.KELURAHAN and self.parent_id:
            return f"{self.name}, {self.parent.name}"
        return self.name

    @property
    def kecamatan(self) -> "Region":
        return self.parent if self.level == self.Level.KELURAHAN else self


class Bank(models.Model):
    """A bank by its 3-digit interbank (ATM/SKN) code."""

    code = models.CharField(_("kode bank"), max_length=3, unique=True)
    name = models.CharField(_("nama"), max_length=120)
    short_name = models.CharField(_("nama singkat"), max_length=40)

    class Meta:
        verbose_name = _("bank")
        verbose_name_plural = _("bank")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.short_name} ({self.code})"


class Sex(models.TextChoices):
    MALE = "M", _("Laki-laki")
    FEMALE = "F", _("Perempuan")


# History tables are read by record (``id``) and date only: the indexes simple-history would
# copy from the model (NIK, regions, owner, bank, users) are left out, and the acting user is
# not a database foreign key (users are deactivated, never deleted; Django still applies
# on_delete). A list's merge writes one history row per new owner, business and account, and
# each copied index and key check cost it time (docs/performance.md).


class Owner(models.Model):
    """A UMKM owner, identified by NIK. Sex and birth date come from the NIK itself."""

    # Unique by a constraint in Meta rather than unique=True, which on PostgreSQL also builds
    # a pattern-matching (LIKE) twin of the index that every new owner pays for; NIK prefix
    # searches use a range on the unique index instead (registry.selectors.owner_search).
    nik = models.CharField(_("NIK"), max_length=16, validators=[identifiers.validate_nik])
    full_name = models.CharField(_("nama lengkap"), max_length=150)
    sex = models.CharField(_("jenis kelamin"), max_length=1, choices=Sex.choices, editable=False)
    birth_date = models.DateField(_("tanggal lahir"), editable=False)
    kk_number = models.CharField(
        _("nomor KK"), max_length=16, blank=True, validators=[identifiers.validate_kk]
    )
    phone = models.CharField(
        _("nomor HP"),
        max_length=16,
        blank=True,
        validators=[identifiers.validate_phone],
        help_text=_("Disimpan dalam bentuk +628…"),
    )
    ktp_address = models.CharField(_("alamat KTP"), max_length=255)
    rt = models.CharField(_("RT"), max_length=3, blank=True)
    rw = models.CharField(_("RW"), max_length=3, blank=True)
    kelurahan = models.ForeignKey(
        Region,
        verbose_name=_("kelurahan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": Region.Level.KELURAHAN},
    )
    lives_in_bekasi = models.BooleanField(_("ber-KTP Kota Bekasi"), default=True)
    # Set when this owner was found to be the same person as another and merged into them
    # (registry.merges): the row is kept, inactive, so its NIK still finds the survivor.
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("digabung ke"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_owners",
        editable=False,
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    history = HistoricalRecords(
        verbose_name=_("riwayat pemilik"),
        no_db_index=["nik", "kelurahan", "merged_into"],
        user_db_constraint=False,
    )

    class Meta:
        verbose_name = _("pemilik usaha")
        verbose_name_plural = _("pemilik usaha")
        indexes = [
            models.Index(fields=["full_name", "birth_date"], name="owner_name_birth_idx"),
            models.Index(fields=["phone"], name="owner_phone_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["nik"], name="owner_nik_unique"),
            models.CheckConstraint(
                condition=Q(nik__regex=r"^[0-9]{16}$"), name="owner_nik_16_digits"
            ),
        ]
        permissions = [
            ("view_full_identity", _("Dapat melihat NIK dan nomor rekening lengkap")),
            ("merge_owner", _("Dapat menggabungkan pemilik ganda")),
        ]

    def __str__(self) -> str:
        return self.full_name


class Business(models.Model):
    """A micro, small or medium enterprise run by an owner."""

    class SizeClass(models.TextChoices):
        # PP 7/2021 article 35: by capital (excluding land and buildings) or annual sales.
        MIKRO = "mikro", _("Mikro")
        KECIL = "kecil", _("Kecil")
        MENENGAH = "menengah", _("Menengah")

    owner = models.ForeignKey(
        Owner, verbose_name=_("pemilik"), on_delete=models.PROTECT, related_name="businesses"
    )
    name = models.CharField(_("nama usaha"), max_length=150)
    sector = models.CharField(_("bidang usaha"), max_length=100)
    nib = models.CharField(
        _("NIB"), max_length=13, blank=True, validators=[identifiers.validate_nib]
    )
    address = models.CharField(_("alamat usaha"), max_length=255, blank=True)
    # Lists name the kecamatan far more often than the kelurahan, so the business keeps the
    # kecamatan on its own; when a kelurahan is known it is the kelurahan's kecamatan.
    kecamatan = models.ForeignKey(
        Region,
        verbose_name=_("kecamatan usaha"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": Region.Level.KECAMATAN},
    )
    kelurahan = models.ForeignKey(
        Region,
        verbose_name=_("kelurahan usaha"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": Region.Level.KELURAHAN},
    )
    size_class = models.CharField(
        _("skala usaha"), max_length=10, choices=SizeClass.choices, default=SizeClass.MIKRO
    )
    workers = models.PositiveIntegerField(_("jumlah tenaga kerja"), default=0)
    year_started = models.PositiveSmallIntegerField(_("tahun mulai"), null=True, blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    history = HistoricalRecords(
        verbose_name=_("riwayat usaha"),
        no_db_index=["owner", "kecamatan", "kelurahan"],
        user_db_constraint=False,
    )

    class Meta:
        verbose_name = _("usaha")
        verbose_name_plural = _("usaha")
        constraints = [
            models.CheckConstraint(
                condition=Q(year_started__isnull=True) | Q(year_started__gte=1900),
                name="business_year_started_plausible",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class BankAccount(models.Model):
    """An owner's bank account. At most one is active: the one a grant is paid into."""

    owner = models.ForeignKey(
        Owner, verbose_name=_("pemilik"), on_delete=models.PROTECT, related_name="bank_accounts"
    )
    bank = models.ForeignKey(Bank, verbose_name=_("bank"), on_delete=models.PROTECT)
    account_number = models.CharField(
        _("nomor rekening"), max_length=20, validators=[identifiers.validate_account_number]
    )
    holder_name = models.CharField(_("nama pemilik rekening"), max_length=150)
    is_active = models.BooleanField(_("aktif"), default=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dicatat oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # read from the account, never searched by user
    )
    # Set when the account replaces another while the owner has a verified application:
    # money goes there only once a second person confirmed it (aid.services.
    # disbursement_record). db_default, since the import inserts accounts in SQL.
    confirmation_required = models.BooleanField(
        _("perlu konfirmasi"), default=False, db_default=False, editable=False
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dikonfirmasi oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # read from the account, never searched by user
    )
    confirmed_at = models.DateTimeField(_("dikonfirmasi"), null=True, blank=True)

    history = HistoricalRecords(
        verbose_name=_("riwayat rekening"),
        no_db_index=["owner", "bank", "created_by", "confirmed_by"],
        user_db_constraint=False,
    )

    class Meta:
        verbose_name = _("rekening bank")
        verbose_name_plural = _("rekening bank")
        indexes = [models.Index(fields=["bank", "account_number"], name="account_bank_number_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["owner"], condition=Q(is_active=True), name="one_active_account_per_owner"
            ),
            models.CheckConstraint(
                condition=Q(confirmed_by__isnull=True, confirmed_at__isnull=True)
                | Q(confirmed_by__isnull=False, confirmed_at__isnull=False),
                name="account_confirmation_complete",
            ),
            # Separation of duties: whoever entered the account cannot confirm it.
            models.CheckConstraint(
                condition=Q(confirmed_by__isnull=True)
                | Q(created_by__isnull=True)
                | ~Q(confirmed_by=F("created_by")),
                name="account_confirmed_by_another",
            ),
        ]
        permissions = [
            ("confirm_bankaccount", _("Dapat mengonfirmasi rekening yang diganti")),
        ]

    def __str__(self) -> str:
        return f"{self.bank.short_name} ••••{self.account_number[-4:]}"


class NikCorrection(models.Model):
    """A request to correct an owner's NIK, approved or rejected by a second person.

    The NIK of an owner who has applications is never edited in the owner form: the
    one-time rule counts applications by owner, so a changed NIK would free the old one for a
    second grant. The correction records the old and new NIK, why, who asked and who decided.
    """

    class State(models.TextChoices):
        REQUESTED = "requested", _("Menunggu persetujuan")
        APPROVED = "approved", _("Disetujui")
        REJECTED = "rejected", _("Ditolak")

    owner = models.ForeignKey(
        Owner, verbose_name=_("pemilik"), on_delete=models.PROTECT, related_name="nik_corrections"
    )
    old_nik = models.CharField(_("NIK lama"), max_length=16)
    new_nik = models.CharField(_("NIK baru"), max_length=16)
    reason = models.TextField(_("alasan perbaikan"))
    state = models.CharField(
        _("status"), max_length=10, choices=State.choices, default=State.REQUESTED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diminta oleh"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("waktu permintaan"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diputuskan oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("waktu keputusan"), null=True, blank=True)
    decision_note = models.TextField(_("catatan keputusan"), blank=True)

    history = HistoricalRecords(verbose_name=_("riwayat perbaikan NIK"))

    class Meta:
        verbose_name = _("perbaikan NIK")
        verbose_name_plural = _("perbaikan NIK")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(new_nik__regex=r"^[0-9]{16}$") & ~Q(new_nik=F("old_nik")),
                name="nik_correction_new_nik_valid_and_different",
            ),
            # Separation of duties: whoever asked cannot decide.
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("requested_by")),
                name="nik_correction_decided_by_another",
            ),
            models.CheckConstraint(
                condition=(
                    Q(state="requested", decided_by__isnull=True, decided_at__isnull=True)
                    | (
                        Q(state__in=["approved", "rejected"])
                        & Q(decided_by__isnull=False, decided_at__isnull=False)
                    )
                ),
                name="nik_correction_decision_recorded",
            ),
            # One open request per owner: a second one waits for the first decision.
            models.UniqueConstraint(
                fields=["owner"],
                condition=Q(state="requested"),
                name="nik_correction_one_open_per_owner",
            ),
        ]
        permissions = [
            ("approve_nikcorrection", _("Dapat menyetujui atau menolak perbaikan NIK")),
        ]

    def __str__(self) -> str:
        return f"{self.old_nik} → {self.new_nik}"


class OwnerMerge(models.Model):
    """The record of one merge of two owners found to be the same person: who survived, the
    merged owner's NIK and name as they were, why, who merged them, when, and how many rows
    of each table moved (``counts``: model label -> rows, e.g. ``{"aid.application": 1}``).
    Written by :func:`registry.merges.owner_merge` only; never changed."""

    survivor = models.ForeignKey(
        Owner,
        verbose_name=_("pemilik yang dipertahankan"),
        on_delete=models.PROTECT,
        related_name="merges",
    )
    merged = models.OneToOneField(
        Owner,
        verbose_name=_("pemilik yang digabungkan"),
        on_delete=models.PROTECT,
        related_name="merged_by",
    )
    merged_nik = models.CharField(_("NIK yang digabungkan"), max_length=16)
    merged_name = models.CharField(_("nama yang digabungkan"), max_length=150)
    rules = models.CharField(_("alasan kecocokan"), max_length=100, blank=True)
    reason = models.TextField(_("alasan penggabungan"))
    counts = models.JSONField(_("data yang dipindahkan"), default=dict)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("digabungkan oleh"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("waktu penggabungan"), auto_now_add=True)

    class Meta:
        verbose_name = _("penggabungan pemilik")
        verbose_name_plural = _("penggabungan pemilik")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["merged_nik"], name="ownermerge_merged_nik_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(survivor=F("merged")), name="ownermerge_two_owners"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="ownermerge_reason_given"),
        ]

    def __str__(self) -> str:
        return f"{self.merged_name} ({self.merged_nik}) → {self.survivor}"


class OwnerPairDismissal(models.Model):
    """Staff decided that two owners the duplicate queue paired are not the same person:
    the pair stays out of the queue (registry.selectors.owner_merge_candidates)."""

    first = models.ForeignKey(
        Owner, verbose_name=_("pemilik pertama"), on_delete=models.PROTECT, related_name="+"
    )
    second = models.ForeignKey(
        Owner, verbose_name=_("pemilik kedua"), on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("catatan"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diputuskan oleh"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("waktu keputusan"), auto_now_add=True)

    class Meta:
        verbose_name = _("bukan orang yang sama")
        verbose_name_plural = _("bukan orang yang sama")
        ordering = ["-at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="owner_pair_dismissed_once"),
            # The lower id first, so (a, b) and (b, a) cannot both exist.
            models.CheckConstraint(
                condition=Q(first__lt=F("second")), name="owner_pair_lower_first"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first} ≠ {self.second}"
