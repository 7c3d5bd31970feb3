"""Activities (training, mentoring, business matching, fairs), their organisers and partners, who took part, and the report filed for the SPJ."""

from __future__ import annotations

import simple_history
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from development.models.cooperatives import KECAMATAN_ONLY, Cooperative
from registry.models import Business, Owner, Region


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
        through="development.ActivityPartner",
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

    # history: registered below ActivityPartner (simple_history.register), which it needs.

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


# The activity's history; each record also keeps its organisers and partners (the
# ActivityPartner rows, with their role) as they were, so it shows who joined or left.
# Registered here, not in the class body: the through model must exist by then.
simple_history.register(Activity, verbose_name=_("riwayat kegiatan"), m2m_fields=["organisations"])


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
    scores_at = models.DateTimeField(_("nilai dicatat"), null=True, blank=True)
    scores_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("nilai dicatat oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

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
