"""Admin of activities, their partners and participants."""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from aid.money import rupiah
from development import services
from development.models import (
    Activity,
    ActivityPartner,
    Participant,
    PartnerOrganisation,
    Referral,
)
from privacy.admin import MaskedIdentityMixin
from registry.admin_filters import NikOrNameSearchMixin
from umkm_portal.admin import LargeTableAdmin, RecordInline
from umkm_portal.service_admin import ServiceSaveMixin


class ParticipantInline(RecordInline):
    model = Participant
    fields = ["owner", "business", "channel", "attendance", "attendance_at"]


class ReferralFromActivityInline(admin.TabularInline):
    """The referrals that came from this temu usaha (chosen on the referral's page)."""

    model = Referral
    fields = ["business", "channel", "bank", "amount_asked_shown", "status", "referred_on"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = _("rujukan permodalan dari temu usaha ini")

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("nilai diajukan"))
    def amount_asked_shown(self, obj):
        return rupiah(obj.amount_asked)


@admin.register(PartnerOrganisation)
class PartnerOrganisationAdmin(ServiceSaveMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "cooperative"]
    list_filter = ["kind"]
    search_fields = ["name"]
    fields = ["name", "kind", "cooperative"]
    autocomplete_fields = ["cooperative"]

    def save_with_service(self, request, obj, data, change):
        original = PartnerOrganisation.objects.get(pk=obj.pk) if change else None
        return services.partner_organisation_save(organisation=original, by=request.user, **data)


def _organisations_field(label, help_text):
    return forms.ModelMultipleChoiceField(
        label=label,
        queryset=PartnerOrganisation.objects.order_by("name"),
        required=False,
        widget=FilteredSelectMultiple(label, is_stacked=False),
        help_text=help_text,
    )


class ActivityForm(forms.ModelForm):
    """The activity's fields, with its organisers and partners as two lists of
    organisations (saved through development.services as ActivityPartner rows)."""

    organisers = _organisations_field(
        _("Penyelenggara"), _("Kosongkan bila diselenggarakan Dinas sendiri.")
    )
    partners = _organisations_field(
        _("Mitra"), _("Lembaga pendukung, misalnya bank penyalur KUR atau BUMN.")
    )

    class Meta:
        model = Activity
        fields = ["kind"]  # the admin gives the whole list (ACTIVITY_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            links = self.instance.activity_partners.all()
            self.initial.setdefault(
                "organisers",
                [
                    link.organisation_id
                    for link in links
                    if link.role == ActivityPartner.Role.ORGANISER
                ],
            )
            self.initial.setdefault(
                "partners",
                [
                    link.organisation_id
                    for link in links
                    if link.role == ActivityPartner.Role.PARTNER
                ],
            )


ACTIVITY_FIELDS = [
    "kind",
    "topic",
    "description",
    "starts_on",
    "ends_on",
    "starts_at",
    "kecamatan",
    "venue",
    "organisers",
    "partners",
    "facilitator",
    "capacity",
    "target_kecamatan",
    "target_sector",
    "target_size_class",
    "registration_open",
]


class ActivityHistoryHelper(HistoricalRecordContextHelper):
    """The history's "Perubahan" column: organisers and partners by name and role
    ("Koperasi Maju Jaya (Penyelenggara)"), where simple-history would list the
    organisations alone and a changed role would read as no change."""

    def prepare_delta_change_value(self, change, value):
        if change.field != "organisations":
            return super().prepare_delta_change_value(change, value)
        parts = sorted(
            # An organisation deleted since is simple-history's DeletedObject, without a name.
            (row["role"] != ActivityPartner.Role.ORGANISER, _organisation_name(row), row["role"])
            for row in value
        )
        shown = [f"{name} ({ActivityPartner.Role(role).label})" for _, name, role in parts]
        return ", ".join(shown) or "–"


def _organisation_name(row) -> str:
    organisation = row["organisation"]
    return getattr(organisation, "name", None) or str(organisation)


@admin.register(Activity)
class ActivityAdmin(ServiceSaveMixin, SimpleHistoryAdmin):
    list_display = [
        "topic",
        "kind",
        "dates",
        "kecamatan",
        "organisers_shown",
        "capacity",
    ]
    list_filter = ["kind", "kecamatan", "registration_open"]
    search_fields = ["topic", "venue", "facilitator"]
    date_hierarchy = "starts_on"
    form = ActivityForm
    fields = ACTIVITY_FIELDS
    inlines = [ParticipantInline, ReferralFromActivityInline]
    change_form_template = "admin/development/activity/change_form.html"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("activity_partners__organisation")

    @admin.display(description=_("penyelenggara"))
    def organisers_shown(self, obj):
        return obj.organiser_label

    def get_inlines(self, request, obj):
        if obj is None or obj.kind != Activity.Kind.MATCHING:
            return [ParticipantInline]
        return self.inlines

    @admin.display(description=_("tanggal"), ordering="starts_on")
    def dates(self, obj):
        return obj.dates_label  # one column: the dates written out fit the list at 1366 px

    def get_historical_record_context_helper(self, request, historical_record):
        return ActivityHistoryHelper(self.model, historical_record)

    def save_with_service(self, request, obj, data, change):
        data = {**data, "organisers": list(data["organisers"]), "partners": list(data["partners"])}
        if change:
            original = Activity.objects.get(pk=obj.pk)
            return services.activity_update(activity=original, by=request.user, **data)
        return services.activity_create(by=request.user, **data)


@admin.register(Participant)
class ParticipantAdmin(
    ServiceSaveMixin, MaskedIdentityMixin, NikOrNameSearchMixin, LargeTableAdmin
):
    list_display = ["owner", "owner__nik", "activity", "attendance"]
    masked_fields = {"owner__nik": "nik"}
    identity_owner_path = "owner"
    nik_field = "owner__nik"
    name_field = "owner__full_name"
    list_filter = ["attendance", "channel", "activity__kind"]
    list_select_related = ["owner", "activity"]
    search_fields = ["=owner__nik", "owner__full_name"]
    search_help_text = _("Cari dengan NIK lengkap (16 digit) atau sebagian nama.")
    autocomplete_fields = ["activity", "owner"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["activity", "owner"]
        return super().get_fields(request, obj)

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if obj is None:
            return fields
        return [
            *fields,
            "activity",
            "owner",
            "business",
            "channel",
            "registered_at",
            "attendance_at",
            "attendance_by",
            # Scores are entered on the activity's report page, which records who did it.
            "pre_test_score",
            "post_test_score",
            "scores_at",
            "scores_by",
        ]

    def save_with_service(self, request, obj, data, change):
        if change:
            original = Participant.objects.get(pk=obj.pk)
            if data.get("attendance") and data["attendance"] != original.attendance:
                return services.attendance_record(
                    participant=original, attendance=data["attendance"], by=request.user
                )
            return original
        participant, _created = services.participant_register(
            activity=data["activity"], owner=data["owner"], by=request.user
        )
        return participant
