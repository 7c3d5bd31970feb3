"""Development of businesses beyond the grant (pembinaan UMKM): activities and who attended,
cooperatives and their members, capital referrals, and what owners report about their
business over time.

A referral's ``status`` is changed only by :mod:`development.transitions`, which writes the
:class:`ReferralChange` record of who moved it, when and why. A :class:`BusinessReport` is
never changed or deleted once written (a database trigger refuses it).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from development.profiles import KBLI_PATTERN, SizeClass
from proposers.models import Proposer
from registry.models import Bank, Business, Owner, Region
from umkm_portal.models import ChangeRecord

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


class Activity(models.Model):
    """A training, mentoring visit, business-matching or marketing event."""

    class Kind(models.TextChoices):
        TRAINING = "pelatihan", _("Pelatihan")
        MENTORING = "pendampingan", _("Pendampingan")
        MATCHING = "temu_usaha", _("Temu usaha")
        MARKETING = "pameran", _("Pameran / bazar")

    kind = models.CharField(_("jenis kegiatan"), max_length=12, choices=Kind.choices)
    topic = models.CharField(_("topik"), max_length=200)
    description = models.TextField(_("keterangan"), blank=True)
    starts_on = models.DateField(_("tanggal mulai"))
    ends_on = models.DateField(_("tanggal selesai"))
    starts_at = models.TimeField(
        _("jam mulai"),
        null=True,
        blank=True,
        help_text=_("Disebut di pesan konfirmasi pendaftaran dan pengingat H-1."),
    )
    kecamatan = models.ForeignKey(
        Region,
        verbose_name=_("kecamatan tempat"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to=KECAMATAN_ONLY,
    )
    venue = models.CharField(_("tempat"), max_length=200, blank=True)
    facilitator = models.CharField(_("fasilitator / narasumber"), max_length=150, blank=True)
    capacity = models.PositiveIntegerField(
        _("kapasitas peserta"), null=True, blank=True, help_text=_("Kosong: tanpa batas.")
    )
    target_kecamatan = models.ForeignKey(
        Region,
        verbose_name=_("sasaran kecamatan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to=KECAMATAN_ONLY,
    )
    target_sector = models.CharField(_("sasaran bidang usaha"), max_length=100, blank=True)
    target_size_class = models.CharField(
        _("sasaran skala usaha"),
        max_length=10,
        blank=True,
        choices=Business.SizeClass.choices,
    )
    organisations = models.ManyToManyField(
        "PartnerOrganisation",
        verbose_name=_("penyelenggara dan mitra"),
        through="ActivityPartner",
        related_name="activities",
        blank=True,
    )
    registration_open = models.BooleanField(
        _("pendaftaran daring dibuka"),
        default=False,
        help_text=_("Tampil di halaman /kegiatan/ dan dapat didaftari pelaku usaha sendiri."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dibuat oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    history = HistoricalRecords(verbose_name=_("riwayat kegiatan"))

    class Meta:
        verbose_name = _("kegiatan pembinaan")
        verbose_name_plural = _("kegiatan pembinaan")
        ordering = ["-starts_on", "pk"]
        indexes = [models.Index(fields=["starts_on"], name="activity_starts_on_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="activity_ends_after_it_starts"
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gt=0),
                name="activity_capacity_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.topic} ({date_format(self.starts_on, 'j F Y')})"

    @property
    def dates_label(self) -> str:
        """The day or days, in the portal's one date format, as short as reads well:
        "27 Desember 2026", "27–28 Desember 2026", "30 November – 2 Desember 2026"."""
        start, end = self.starts_on, self.ends_on
        if not end or end == start:
            return date_format(start, "j F Y")
        if (start.year, start.month) == (end.year, end.month):
            return f"{start.day}–{date_format(end, 'j F Y')}"
        if start.year == end.year:
            return f"{date_format(start, 'j F')} – {date_format(end, 'j F Y')}"
        return f"{date_format(start, 'j F Y')} – {date_format(end, 'j F Y')}"

    @property
    def target_label(self) -> str:
        """Whom the activity is for, as one translated phrase ("usaha mikro bidang kuliner di
        Kec. Bekasi Timur"; "micro businesses in kuliner in Kec. Bekasi Timur"), not words
        strung in Indonesian order. Blank without a target."""
        size = self.get_target_size_class_display().lower() if self.target_size_class else ""
        kecamatan = self.target_kecamatan.name if self.target_kecamatan_id else ""
        values = {"size": size, "sector": self.target_sector, "kecamatan": kecamatan}
        phrases = {
            (True, True): gettext("usaha %(size)s bidang %(sector)s"),
            (True, False): gettext("usaha %(size)s"),
            (False, True): gettext("usaha bidang %(sector)s"),
        }
        parts = []
        if size or self.target_sector:
            parts.append(phrases[(bool(size), bool(self.target_sector))] % values)
        if kecamatan:
            parts.append(gettext("di Kec. %(kecamatan)s") % values)
        return " ".join(parts)

    def organisers(self) -> list[PartnerOrganisation]:
        """The organising partners (prefetch ``activity_partners__organisation`` for lists)."""
        return [
            link.organisation
            for link in self.activity_partners.all()
            if link.role == ActivityPartner.Role.ORGANISER
        ]

    def supporting_partners(self) -> list[PartnerOrganisation]:
        return [
            link.organisation
            for link in self.activity_partners.all()
            if link.role == ActivityPartner.Role.PARTNER
        ]

    @property
    def organiser_label(self) -> str:
        """The organisers' names, or the Dinas when it organises alone."""
        names = [organisation.name for organisation in self.organisers()]
        return ", ".join(names) if names else str(_("Dinas Koperasi dan UKM"))

    @property
    def partner_label(self) -> str:
        return ", ".join(organisation.name for organisation in self.supporting_partners())


class PartnerOrganisation(models.Model):
    """An organisation that organises activities with the Dinas or supports them: a
    cooperative, a bank, a BUMN, an association, a company."""

    class Kind(models.TextChoices):
        COOPERATIVE = "koperasi", _("Koperasi")
        BANK = "bank", _("Bank")
        BUMN = "bumn", _("BUMN / BUMD")
        GOVERNMENT = "pemerintah", _("Instansi pemerintah")
        COMPANY = "swasta", _("Perusahaan swasta")
        ASSOCIATION = "asosiasi", _("Asosiasi / komunitas")
        CAMPUS = "kampus", _("Perguruan tinggi")

    name = models.CharField(_("nama lembaga"), max_length=150, unique=True)
    kind = models.CharField(_("jenis lembaga"), max_length=10, choices=Kind.choices)
    cooperative = models.OneToOneField(
        Cooperative,
        verbose_name=_("koperasi"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="partner",
        help_text=_("Untuk lembaga berjenis koperasi: koperasi yang terdaftar di portal."),
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    class Meta:
        verbose_name = _("lembaga mitra")
        verbose_name_plural = _("lembaga mitra")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="partner_name_present"),
            models.CheckConstraint(
                condition=Q(
                    kind__in=[
                        "koperasi",
                        "bank",
                        "bumn",
                        "pemerintah",
                        "swasta",
                        "asosiasi",
                        "kampus",
                    ]
                ),
                name="partner_kind_known",
            ),
            models.CheckConstraint(
                condition=Q(cooperative__isnull=True) | Q(kind="koperasi"),
                name="partner_cooperative_is_a_cooperative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"


class ActivityPartner(models.Model):
    """An organisation's part in an activity: it organises it, or supports it as a partner."""

    class Role(models.TextChoices):
        ORGANISER = "penyelenggara", _("Penyelenggara")
        PARTNER = "mitra", _("Mitra")

    activity = models.ForeignKey(
        Activity,
        verbose_name=_("kegiatan"),
        on_delete=models.CASCADE,
        related_name="activity_partners",
    )
    organisation = models.ForeignKey(
        PartnerOrganisation,
        verbose_name=_("lembaga"),
        on_delete=models.PROTECT,
        related_name="activity_links",
    )
    role = models.CharField(_("peran"), max_length=13, choices=Role.choices)

    class Meta:
        verbose_name = _("penyelenggara / mitra kegiatan")
        verbose_name_plural = _("penyelenggara dan mitra kegiatan")
        ordering = ["activity", "role", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "organisation"], name="one_part_per_organisation_activity"
            ),
            models.CheckConstraint(
                condition=Q(role__in=["penyelenggara", "mitra"]), name="activity_partner_role_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation.name} – {self.get_role_display()}"


class Attendance(models.TextChoices):
    PRESENT = "hadir", _("Hadir")
    EXCUSED = "izin", _("Izin")
    ABSENT = "tidak_hadir", _("Tidak hadir")


class Participant(models.Model):
    """An owner registered for an activity, and whether they came (blank: not yet taken)."""

    class Channel(models.TextChoices):
        STAFF = "petugas", _("Didaftarkan petugas")
        PUBLIC = "daring", _("Daftar sendiri (daring)")
        IMPORT = "impor", _("Impor daftar hadir")
        DOOR = "pintu", _("Didaftarkan di lokasi")

    activity = models.ForeignKey(
        Activity, verbose_name=_("kegiatan"), on_delete=models.PROTECT, related_name="participants"
    )
    owner = models.ForeignKey(
        Owner, verbose_name=_("pemilik"), on_delete=models.PROTECT, related_name="participations"
    )
    business = models.ForeignKey(
        Business,
        verbose_name=_("usaha"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="participations",
    )
    channel = models.CharField(_("cara daftar"), max_length=8, choices=Channel.choices)
    registered_at = models.DateTimeField(_("terdaftar"), default=timezone.now)
    attendance = models.CharField(
        _("kehadiran"), max_length=12, choices=Attendance.choices, blank=True
    )
    attendance_at = models.DateTimeField(_("kehadiran dicatat"), null=True, blank=True)
    attendance_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("kehadiran dicatat oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    pre_test_score = models.PositiveSmallIntegerField(_("nilai pre-test"), null=True, blank=True)
    post_test_score = models.PositiveSmallIntegerField(_("nilai post-test"), null=True, blank=True)

    class Meta:
        verbose_name = _("peserta kegiatan")
        verbose_name_plural = _("peserta kegiatan")
        ordering = ["activity", "registered_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "owner"], name="one_participation_per_owner_activity"
            ),
            models.CheckConstraint(
                condition=Q(attendance="") | Q(attendance__in=Attendance.values),
                name="participant_attendance_known",
            ),
            models.CheckConstraint(
                condition=Q(pre_test_score__isnull=True) | Q(pre_test_score__lte=100),
                name="participant_pre_test_0_100",
            ),
            models.CheckConstraint(
                condition=Q(post_test_score__isnull=True) | Q(post_test_score__lte=100),
                name="participant_post_test_0_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.owner} – {self.activity}"


class ActivityReport(models.Model):
    """The activity's report for the SPJ: what happened, in the organiser's words. Photos are
    :class:`ActivityPhoto`; the test scores are on each :class:`Participant`."""

    activity = models.OneToOneField(
        Activity, verbose_name=_("kegiatan"), on_delete=models.PROTECT, related_name="report"
    )
    summary = models.TextField(_("ringkasan kegiatan"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diubah oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("diubah"), default=timezone.now)

    history = HistoricalRecords(verbose_name=_("riwayat laporan kegiatan"))

    class Meta:
        verbose_name = _("laporan kegiatan")
        verbose_name_plural = _("laporan kegiatan")
        constraints = [
            models.CheckConstraint(condition=~Q(summary=""), name="activity_report_has_summary")
        ]

    def __str__(self) -> str:
        return str(self.activity)


class ActivityPhoto(models.Model):
    """A photo of the activity for its report, kept in private storage (never served by URL;
    staff download it through a permission-checked view)."""

    activity = models.ForeignKey(
        Activity, verbose_name=_("kegiatan"), on_delete=models.PROTECT, related_name="photos"
    )
    file = models.FileField(_("foto"), upload_to="activity-photos/%Y/%m/")
    content_type = models.CharField(_("jenis berkas"), max_length=20)
    caption = models.CharField(_("keterangan foto"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diunggah oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("diunggah"), default=timezone.now)

    class Meta:
        verbose_name = _("foto kegiatan")
        verbose_name_plural = _("foto kegiatan")
        ordering = ["activity", "uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(content_type__in=["image/jpeg", "image/png"]),
                name="activity_photo_jpeg_or_png",
            )
        ]

    def __str__(self) -> str:
        return self.caption or self.file.name.rsplit("/", 1)[-1]


class ReferralStatus(models.TextChoices):
    REFERRED = "dirujuk", _("Dirujuk")
    PROCESSING = "diproses", _("Diproses")
    APPROVED = "disetujui", _("Disetujui")
    REJECTED = "ditolak", _("Ditolak")
    DISBURSED = "dicairkan", _("Dicairkan")
    CANCELLED = "dibatalkan", _("Dibatalkan")


class Referral(models.Model):
    """A business referred to a source of capital. Its status moves only through
    :mod:`development.transitions`."""

    class Channel(models.TextChoices):
        KUR = "kur", _("KUR melalui bank")
        COOPERATIVE = "koperasi", _("Pinjaman koperasi")
        REVOLVING = "dana_bergulir", _("Dana bergulir")

    business = models.ForeignKey(
        Business, verbose_name=_("usaha"), on_delete=models.PROTECT, related_name="referrals"
    )
    channel = models.CharField(_("saluran"), max_length=14, choices=Channel.choices)
    bank = models.ForeignKey(
        Bank,
        verbose_name=_("bank penyalur"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    cooperative = models.ForeignKey(
        Cooperative,
        verbose_name=_("koperasi"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    activity = models.ForeignKey(
        Activity,
        verbose_name=_("dari temu usaha"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals",
        limit_choices_to={"kind": "temu_usaha"},
        help_text=_("Isi bila rujukan ini lahir dari kegiatan temu usaha."),
    )
    amount_asked = models.PositiveBigIntegerField(_("nilai diajukan (Rp)"))
    amount_approved = models.PositiveBigIntegerField(
        _("nilai disetujui (Rp)"), null=True, blank=True
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ReferralStatus.choices,
        default=ReferralStatus.REFERRED,
        editable=False,
    )
    referred_on = models.DateField(_("tanggal rujukan"))
    note = models.TextField(_("catatan"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dirujuk oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("diubah"), default=timezone.now)

    class Meta:
        verbose_name = _("rujukan permodalan")
        verbose_name_plural = _("rujukan permodalan")
        ordering = ["-referred_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_asked__gt=0), name="referral_amount_asked_positive"
            ),
            models.CheckConstraint(
                condition=Q(amount_approved__isnull=True) | Q(amount_approved__gt=0),
                name="referral_amount_approved_positive",
            ),
            models.CheckConstraint(
                condition=~Q(channel="kur") | Q(bank__isnull=False),
                name="referral_kur_names_a_bank",
            ),
            models.CheckConstraint(
                condition=~Q(channel="koperasi") | Q(cooperative__isnull=False),
                name="referral_cooperative_loan_names_a_cooperative",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ReferralStatus.values), name="referral_status_known"
            ),
        ]
        permissions = [("move_referral", _("Dapat mengubah status rujukan permodalan"))]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} – {self.business}"

    @property
    def lender(self) -> str:
        if self.bank_id:
            return self.bank.short_name
        if self.cooperative_id:
            return self.cooperative.name
        return ""


class ReferralChange(ChangeRecord):
    """The record of one referral status move: who, when, from, to and why."""

    referral = models.ForeignKey(
        Referral, verbose_name=_("rujukan"), on_delete=models.PROTECT, related_name="changes"
    )
    from_status = models.CharField(
        _("dari"), max_length=10, choices=ReferralStatus.choices, blank=True
    )
    to_status = models.CharField(_("menjadi"), max_length=10, choices=ReferralStatus.choices)
    note = models.TextField(_("alasan / catatan"), blank=True)

    class Meta(ChangeRecord.Meta):
        verbose_name = _("perubahan status rujukan")
        verbose_name_plural = _("perubahan status rujukan")

    def __str__(self) -> str:
        return self.summary

    @property
    def summary(self) -> str:
        """The move in words: "dibuat: Dirujuk", "Dirujuk → Diproses", "dikoreksi (Dirujuk)"."""
        to = ReferralStatus(self.to_status).label
        if not self.from_status:
            return gettext("dibuat: %(to)s") % {"to": to}
        if self.from_status == self.to_status:
            return gettext("dikoreksi (%(status)s)") % {"status": to}
        return f"{ReferralStatus(self.from_status).label} → {to}"


class BusinessReport(models.Model):
    """What an owner reported about the business on a date: capital, annual sales, workers,
    NIB and KBLI codes, with the PP 7/2021 class they give. Append-only."""

    business = models.ForeignKey(
        Business, verbose_name=_("usaha"), on_delete=models.PROTECT, related_name="reports"
    )
    reported_on = models.DateField(_("tanggal laporan"))
    capital = models.PositiveBigIntegerField(
        _("modal usaha (Rp)"), help_text=_("Tidak termasuk tanah dan bangunan tempat usaha.")
    )
    annual_sales = models.PositiveBigIntegerField(_("hasil penjualan tahunan (Rp)"))
    workers = models.PositiveIntegerField(_("jumlah tenaga kerja"))
    nib = models.CharField(_("NIB"), max_length=13, blank=True)
    kbli = models.CharField(
        _("kode KBLI"), max_length=200, blank=True, help_text=_("5 angka, pisahkan dengan koma.")
    )
    size_class = models.CharField(
        _("skala usaha (PP 7/2021)"), max_length=10, choices=SizeClass.choices, editable=False
    )
    # The class the registry held for the business when this report was written: the
    # baseline a first report is compared with ("naik kelas" from the registry's class).
    # Nullable so that adding it keeps SQLite's append-only trigger (no table rebuild);
    # reports written before it was kept have none.
    registry_class = models.CharField(  # noqa: DJ001 (null: none kept, and no rebuild)
        _("skala di registri sebelumnya"),
        max_length=10,
        choices=SizeClass.choices,
        null=True,
        blank=True,
        editable=False,
    )
    note = models.TextField(_("catatan"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dicatat oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("dicatat"), default=timezone.now)

    class Meta:
        verbose_name = _("laporan usaha")
        verbose_name_plural = _("laporan usaha")
        ordering = ["business", "reported_on", "pk"]
        indexes = [
            models.Index(fields=["business", "reported_on"], name="report_business_date_idx")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(nib="") | Q(nib__regex=r"^[0-9]{13}$"), name="report_nib_13_digits"
            ),
            models.CheckConstraint(
                condition=Q(kbli__regex=KBLI_PATTERN), name="report_kbli_format"
            ),
            models.CheckConstraint(
                condition=Q(size_class__in=SizeClass.values), name="report_size_class_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.business} – {date_format(self.reported_on, 'j F Y')}"


class CaseAssignment(models.Model):
    """The pendamping (a member of staff) who follows a business: one at a time; a change of
    pendamping is kept in the history."""

    business = models.OneToOneField(
        Business, verbose_name=_("usaha"), on_delete=models.PROTECT, related_name="case"
    )
    pendamping = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pendamping"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    assigned_on = models.DateField(_("ditugaskan sejak"), default=timezone.localdate)
    note = models.TextField(_("catatan"), blank=True)

    history = HistoricalRecords(verbose_name=_("riwayat penugasan pendamping"))

    class Meta:
        verbose_name = _("pendampingan usaha")
        verbose_name_plural = _("pendampingan usaha")
        ordering = ["-assigned_on", "pk"]

    def __str__(self) -> str:
        return f"{self.business} – {self.pendamping}"


class Visit(models.Model):
    """A visit (or call) of the pendamping to a business: what was done, and the next action
    with its date, which the list of overdue follow-ups watches."""

    business = models.ForeignKey(
        Business, verbose_name=_("usaha"), on_delete=models.PROTECT, related_name="visits"
    )
    visited_on = models.DateField(_("tanggal kunjungan"))
    done = models.TextField(_("yang dilakukan"))
    next_action = models.CharField(_("tindak lanjut berikutnya"), max_length=255, blank=True)
    next_action_on = models.DateField(_("tanggal tindak lanjut"), null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dicatat oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("dicatat"), default=timezone.now)

    class Meta:
        verbose_name = _("kunjungan pendampingan")
        verbose_name_plural = _("kunjungan pendampingan")
        ordering = ["-visited_on", "-pk"]
        indexes = [
            models.Index(fields=["business", "visited_on"], name="visit_business_date_idx"),
            models.Index(fields=["next_action_on"], name="visit_next_action_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(next_action_on__isnull=True) | Q(next_action_on__gte=F("visited_on")),
                name="visit_next_action_after_visit",
            ),
            models.CheckConstraint(
                condition=Q(next_action_on__isnull=True) | ~Q(next_action=""),
                name="visit_next_action_dated_has_words",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.business} – {date_format(self.visited_on, 'j F Y')}"


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


class YearlyTarget(models.Model):
    """The department's pembinaan plan for one year: what it means to reach (UMKM coached,
    businesses moving up a class, KUR referred and disbursed), against which the dashboard
    shows progress and the annual performance report (LKjIP / IKU) its figures. One per year.
    How each figure is counted: docs/pembinaan.md."""

    year = models.PositiveSmallIntegerField(_("tahun"))
    coached = models.PositiveIntegerField(
        _("target UMKM dibina (orang)"),
        help_text=_("Pelaku usaha berbeda yang hadir di kegiatan atau dikunjungi pendamping."),
    )
    naik_kelas = models.PositiveIntegerField(_("target usaha naik kelas"))
    kur_referred = models.PositiveIntegerField(_("target rujukan KUR"))
    kur_disbursed = models.PositiveIntegerField(_("target KUR cair (rujukan)"))
    kur_disbursed_amount = models.PositiveBigIntegerField(
        _("target nilai KUR cair (Rp)"), null=True, blank=True, help_text=_("Kosong: tanpa target.")
    )
    note = models.TextField(_("catatan"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diubah oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    history = HistoricalRecords(verbose_name=_("riwayat target tahunan"))

    class Meta:
        verbose_name = _("target tahunan pembinaan")
        verbose_name_plural = _("target tahunan pembinaan")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["year"],
                name="one_yearly_target_per_year",
                violation_error_message=_(
                    "Target tahun ini sudah ada. Ubah target itu, jangan membuat yang kedua."
                ),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2100),
                name="yearly_target_year_sane",
                violation_error_message=_("Tahun harus antara 2000 dan 2100."),
            ),
        ]

    def __str__(self) -> str:
        return str(_("Target pembinaan %(year)s") % {"year": self.year})
