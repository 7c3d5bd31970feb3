"""Staff admin for pembinaan UMKM. Declarative; every save goes through development.services
(and a referral's status through development.transitions)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from aid.money import rupiah
from development import selectors, services, transitions

# Case follow-up (pendamping, visits, overdue lists) registers its admin in its own module.
from development.admin_cases import StaleReferralFilter
from development.admin_targets import YearlyTargetAdmin  # noqa: F401 (registers the admin)
from development.models import (
    Activity,
    ActivityPartner,
    BusinessReport,
    Cooperative,
    Membership,
    Participant,
    PartnerOrganisation,
    PendingRegistration,
    Referral,
    ReferralChange,
    ReferralStatus,
)
from privacy import masking
from privacy.admin import MaskedIdentityMixin
from registry.admin_filters import NikOrNameSearchMixin
from registry.models import Owner
from umkm_portal.admin import LargeTableAdmin
from umkm_portal.service_admin import ServiceSaveMixin
from umkm_portal.states import TransitionRefused


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ["owner", "role", "since", "ended_on"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Cooperative)
class CooperativeAdmin(ServiceSaveMixin, SimpleHistoryAdmin):
    list_display = ["name", "legal_number", "kecamatan", "is_active", "proposer"]
    list_filter = ["is_active", "kecamatan"]
    search_fields = ["name", "legal_number"]
    fields = ["name", "legal_number", "kecamatan", "is_active", "proposer"]
    inlines = [MembershipInline]

    def save_with_service(self, request, obj, data, change):
        if change:
            original = Cooperative.objects.get(pk=obj.pk)
            return services.cooperative_update(cooperative=original, by=request.user, **data)
        return services.cooperative_create(by=request.user, **data)


@admin.register(Membership)
class MembershipAdmin(ServiceSaveMixin, MaskedIdentityMixin, LargeTableAdmin):
    list_display = ["owner", "owner__nik", "cooperative", "role", "since", "ended_on"]
    masked_fields = {"owner__nik": "nik"}
    identity_owner_path = "owner"
    list_filter = ["cooperative", "role"]
    list_select_related = ["owner", "cooperative"]
    search_fields = ["=owner__nik", "owner__full_name", "cooperative__name"]
    autocomplete_fields = ["owner", "cooperative"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["cooperative", "owner", "role", "since"]
        return super().get_fields(request, obj)

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if obj is None:
            return fields
        return [*fields, "cooperative", "owner", "role", "since", "by"]

    def save_with_service(self, request, obj, data, change):
        if change:
            if data.get("ended_on") and data["ended_on"] != obj.ended_on:
                original = Membership.objects.get(pk=obj.pk)
                return services.membership_end(
                    membership=original, ended_on=data["ended_on"], by=request.user
                )
            return Membership.objects.get(pk=obj.pk)
        return services.membership_add(by=request.user, **data)


class ParticipantInline(admin.TabularInline):
    model = Participant
    fields = ["owner", "business", "channel", "attendance", "attendance_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


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


@admin.register(Activity)
class ActivityAdmin(ServiceSaveMixin, SimpleHistoryAdmin):
    list_display = [
        "topic",
        "kind",
        "starts_on",
        "ends_on",
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


class ReferralChangeInline(admin.TabularInline):
    model = ReferralChange
    fields = ["at", "from_status", "to_status", "note", "by"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class ReferralMoveForm(forms.Form):
    to_status = forms.ChoiceField(label=_("Status baru"))
    amount_approved = forms.IntegerField(
        label=_("Nilai disetujui (Rp)"),
        required=False,
        min_value=1,
        help_text=_("Hanya saat disetujui; kosong: sama dengan nilai yang diajukan."),
    )
    note = forms.CharField(
        label=_("Alasan / catatan"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Wajib untuk penolakan: tulis alasan dari lembaga penyalur."),
    )

    def __init__(self, *args, referral: Referral, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = [
            (s, ReferralStatus(s).label) for s in transitions.targets(referral)
        ]


@admin.register(Referral)
class ReferralAdmin(ServiceSaveMixin, LargeTableAdmin):
    list_display = ["business", "channel", "lender", "amount_asked", "status", "referred_on"]
    list_filter = ["status", StaleReferralFilter, "channel", "bank"]
    list_select_related = ["business", "bank", "cooperative"]
    search_fields = ["business__name", "=business__owner__nik", "=business__nib"]
    autocomplete_fields = ["business", "cooperative", "activity"]
    inlines = [ReferralChangeInline]
    change_form_template = "admin/development/referral/change_form.html"
    add_fields = [
        "business",
        "channel",
        "bank",
        "cooperative",
        "amount_asked",
        "referred_on",
        "activity",
        "note",
    ]

    @admin.display(description=_("penyalur"))
    def lender(self, obj):
        return obj.lender

    def get_fields(self, request, obj=None):
        if obj is None:
            return self.add_fields
        return [*self.add_fields, "status", "amount_approved", "created_by"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        # The temu usaha it came from may be chosen later (a referral recorded before).
        return [f for f in self.get_fields(request, obj) if f != "activity"]

    def save_with_service(self, request, obj, data, change):
        if change:
            original = Referral.objects.get(pk=obj.pk)
            return services.referral_activity_set(
                referral=original, activity=data.get("activity"), by=request.user
            )
        return services.referral_create(by=request.user, **data)

    def get_urls(self):
        move = self.admin_site.admin_view(self.move_view)
        return [
            path("<int:pk>/status/", move, name="development_referral_move"),
            *super().get_urls(),
        ]

    def move_view(self, request, pk: int):
        """Change a referral's status, with the reason, through transitions.move."""
        if not request.user.has_perm("development.move_referral"):
            raise PermissionDenied
        referral = get_object_or_404(Referral, pk=pk)
        form = ReferralMoveForm(request.POST or None, referral=referral)
        if request.method == "POST" and form.is_valid():
            try:
                transitions.move(
                    referral,
                    form.cleaned_data["to_status"],
                    by=request.user,
                    note=form.cleaned_data["note"],
                    amount_approved=form.cleaned_data["amount_approved"],
                )
            except transitions.TransitionRefused as refused:
                form.add_error(None, refused.message)
            else:
                messages.success(request, _("Status rujukan diubah."))
                return redirect(reverse("admin:development_referral_change", args=[pk]))
        return TemplateResponse(
            request,
            "admin/aid/form_page.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": _("Ubah status rujukan: %(referral)s") % {"referral": referral},
                "form": form,
                "intro": _("Status sekarang: %(status)s.")
                % {"status": referral.get_status_display()},
                "submit_label": _("Simpan status"),
            },
        )

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        can_move = request.user.has_perm("development.move_referral")
        if obj is not None and can_move and transitions.targets(obj):
            context["move_url"] = reverse("admin:development_referral_move", args=[obj.pk])
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)


@admin.register(BusinessReport)
class BusinessReportAdmin(ServiceSaveMixin, LargeTableAdmin):
    """Reports are added, never changed or deleted: a correction is a new report."""

    list_display = ["business", "reported_on", "size_class", "capital", "annual_sales", "workers"]
    list_filter = ["size_class"]
    list_select_related = ["business"]
    search_fields = ["business__name", "=business__owner__nik", "=business__nib"]
    autocomplete_fields = ["business"]
    date_hierarchy = "reported_on"
    fields = [
        "business",
        "reported_on",
        "capital",
        "annual_sales",
        "workers",
        "nib",
        "kbli",
        "note",
    ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [*self.fields, "size_class", "by", "created_at"]

    def get_fields(self, request, obj=None):
        return self.fields if obj is None else self.get_readonly_fields(request, obj)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_with_service(self, request, obj, data, change):
        return services.business_report_add(by=request.user, **data)


DECIDE_PERMISSION = "development.decide_pendingregistration"


@admin.register(PendingRegistration)
class PendingRegistrationAdmin(MaskedIdentityMixin, LargeTableAdmin):
    """The queue of registrations from /kegiatan/ that matched no registered owner: read
    only; "Periksa" shows the registry's possible matches beside the claim and decides it
    through development.services (new owner, link to a registered owner, or refuse)."""

    list_display = ["created_at", "activity", "full_name", "nik", "phone", "state"]
    list_filter = ["state", "activity"]
    list_select_related = ["activity"]
    search_fields = ["=nik", "=phone", "full_name"]
    masked_fields = {"nik": "nik", "phone": "phone"}
    readonly_fields = [
        "activity",
        "nik",
        "phone",
        "full_name",
        "ktp_address",
        "business_name",
        "sector",
        "kecamatan",
        "channel",
        "client_ip",
        "user_agent",
        "created_at",
        "state",
        "owner",
        "participant",
        "decided_by",
        "decided_at",
        "note",
    ]
    fields = readonly_fields
    change_form_template = "admin/development/pendingregistration/change_form.html"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        decide = self.admin_site.admin_view(self.decide_view)
        return [
            path("<int:pk>/periksa/", decide, name="development_pendingregistration_decide"),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        if (
            obj is not None
            and obj.state == PendingRegistration.State.PENDING
            and request.user.has_perm(DECIDE_PERMISSION)
        ):
            context["decide_url"] = reverse(
                "admin:development_pendingregistration_decide", args=[obj.pk]
            )
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)

    def decide_view(self, request, pk: int):
        """The claim, the registry's possible matches beside it, and the three decisions."""
        if not request.user.has_perm(DECIDE_PERMISSION):
            raise PermissionDenied
        pending = get_object_or_404(PendingRegistration.objects.select_related("activity"), pk=pk)
        matches = selectors.pending_matches(pending)
        error = ""
        if request.method == "POST" and pending.state == PendingRegistration.State.PENDING:
            decision = request.POST.get("decision", "")
            try:
                if decision == "confirm":
                    services.pending_registration_confirm(pending=pending, by=request.user)
                    done = _("Pemilik baru dibuat dan didaftarkan sebagai peserta.")
                elif decision == "link":
                    owner = get_object_or_404(Owner, pk=request.POST.get("owner"))
                    services.pending_registration_link(
                        pending=pending, owner=owner, by=request.user
                    )
                    done = _("Pemilik terdaftar didaftarkan sebagai peserta; datanya tidak diubah.")
                elif decision == "refuse":
                    services.pending_registration_refuse(
                        pending=pending, by=request.user, note=request.POST.get("note", "")
                    )
                    done = _("Pendaftaran ditolak.")
                else:
                    raise ValidationError(_("Pilih salah satu keputusan."))
            except ValidationError as refused:
                error = " ".join(refused.messages)
            except TransitionRefused as refused:
                error = refused.message
            else:
                messages.success(request, done)
                return redirect(reverse("admin:development_pendingregistration_changelist"))
        user = request.user
        for match in matches:
            match.nik_shown = masking.nik_for(user, match.owner.nik)
            match.phone_shown = masking.value_for(user, "phone", match.owner.phone or "")
        return TemplateResponse(
            request,
            "admin/development/pendingregistration/decide.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": _("Periksa pendaftaran: %(name)s") % {"name": pending.full_name},
                "pending": pending,
                "nik_shown": masking.nik_for(user, pending.nik),
                "phone_shown": masking.value_for(user, "phone", pending.phone),
                "matches": matches,
                "is_pending": pending.state == PendingRegistration.State.PENDING,
                "error": error,
            },
        )
