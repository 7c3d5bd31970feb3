"""Staff admin for pembinaan UMKM. Declarative; every save goes through development.services
(and a referral's status through development.transitions)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from aid import money
from aid.forms import RupiahField
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
from registry.models import Business, Owner
from umkm_portal.admin import LargeTableAdmin, autocomplete_widget
from umkm_portal.service_admin import ServiceSaveMixin, apply_service_error
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
    fields = ["at", "move", "note", "by"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    @admin.display(description=_("perubahan"))
    def move(self, obj):
        return obj.summary  # in words: "Dirujuk → Diproses", never the stored codes

    def has_add_permission(self, request, obj=None):
        return False


def rupiah_or_dash(amount) -> str:
    """``Rp2.400.000``; "–" where there is no amount (nothing approved yet), never "Rp0"."""
    return money.rupiah(amount) if amount else "–"


class ReferralForm(forms.ModelForm):
    """A new referral; the amount typed as people write rupiah."""

    amount_asked = RupiahField(label=_("Nilai diajukan (Rp)"), min_value=1)

    class Meta:
        model = Referral
        fields = ["amount_asked"]


class ReferralCorrectForm(forms.Form):
    """What a correction may change (the business, the amount asked) and why."""

    business = forms.ModelChoiceField(
        label=_("Usaha yang benar"), queryset=Business.objects.all(), required=False
    )
    amount_asked = RupiahField(label=_("Nilai diajukan yang benar (Rp)"), required=False)
    reason = forms.CharField(
        label=_("Alasan koreksi"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Misalnya: usaha lain dengan nama yang sama terpilih."),
    )

    def __init__(self, *args, referral: Referral, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        business = self.fields["business"]
        business.widget = autocomplete_widget(Referral, "business", admin_site)
        business.widget.choices = business.choices  # the field's own, as Django's admin does
        self.fields["business"].help_text = _("Kosongkan bila usahanya sudah benar.")
        self.fields["amount_asked"].help_text = _("Sekarang %(amount)s; kosongkan bila benar.") % {
            "amount": money.rupiah(referral.amount_asked)
        }


class ReferralActivityForm(forms.Form):
    """The temu usaha a referral came from (none: unlinked)."""

    activity = forms.ModelChoiceField(
        label=_("Temu usaha asal"),
        queryset=Activity.objects.filter(kind=Activity.Kind.MATCHING),
        required=False,
    )

    def __init__(self, *args, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        activity = self.fields["activity"]
        activity.widget = autocomplete_widget(Referral, "activity", admin_site)
        activity.widget.choices = activity.choices


class ReferralMoveForm(forms.Form):
    to_status = forms.ChoiceField(label=_("Status baru"))
    amount_approved = RupiahField(
        label=_("Nilai disetujui (Rp)"),
        required=False,
        min_value=1,
        help_text=_("Hanya saat disetujui; kosong: sama dengan nilai yang diajukan."),
    )
    note = forms.CharField(
        label=_("Alasan / catatan"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Wajib untuk penolakan (alasan dari lembaga penyalur) dan pembatalan (mengapa "
            "dibatalkan, misalnya usaha yang dirujuk keliru)."
        ),
    )

    def __init__(self, *args, referral: Referral, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = [
            (s, ReferralStatus(s).label) for s in transitions.targets(referral)
        ]


@admin.register(Referral)
class ReferralAdmin(ServiceSaveMixin, LargeTableAdmin):
    """Referrals are made here, then only moved (status, with a reason where needed),
    corrected (business or amount, with a reason, before the lender decides) or cancelled
    (with a reason): their page has no Save button."""

    form = ReferralForm
    list_display = [
        "business",
        "channel",
        "lender",
        "amount_asked_rp",
        "status",
        "referred_on",
    ]
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
    shown_fields = [
        "business",
        "channel",
        "bank",
        "cooperative",
        "amount_asked_rp",
        "referred_on",
        "note",
        "status",
        "amount_approved_rp",
        "activity",
        "created_by",
    ]

    @admin.display(description=_("penyalur"))
    def lender(self, obj):
        return obj.lender

    @admin.display(description=_("nilai diajukan"), ordering="amount_asked")
    def amount_asked_rp(self, obj):
        return money.rupiah(obj.amount_asked)

    @admin.display(description=_("nilai disetujui"))
    def amount_approved_rp(self, obj):
        return rupiah_or_dash(obj.amount_approved)

    def get_fields(self, request, obj=None):
        return self.add_fields if obj is None else self.shown_fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.shown_fields

    def save_with_service(self, request, obj, data, change):
        return services.referral_create(by=request.user, **data)

    def get_urls(self):
        move = self.admin_site.admin_view(self.move_view)
        correct = self.admin_site.admin_view(self.correct_view)
        return [
            path("<int:pk>/status/", move, name="development_referral_move"),
            path("<int:pk>/koreksi/", correct, name="development_referral_correct"),
            path(
                "<int:pk>/temu-usaha/",
                self.admin_site.admin_view(self.activity_view),
                name="development_referral_activity",
            ),
            *super().get_urls(),
        ]

    def move_view(self, request, pk: int):
        """Change a referral's status (cancel it too), with the reason, through
        transitions.move."""
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
        return self._form_page(
            request,
            form,
            title=_("Ubah status rujukan: %(referral)s") % {"referral": referral},
            intro=_("Status sekarang: %(status)s.") % {"status": referral.get_status_display()},
            submit_label=_("Simpan status"),
        )

    def correct_view(self, request, pk: int):
        """Correct the business or the amount asked of a referral, with the reason, through
        services.referral_correct."""
        if not request.user.has_perm("development.change_referral"):
            raise PermissionDenied
        referral = get_object_or_404(Referral.objects.select_related("business"), pk=pk)
        form = ReferralCorrectForm(
            request.POST or None, referral=referral, admin_site=self.admin_site
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.referral_correct(referral=referral, by=request.user, **form.cleaned_data)
            except ValidationError as refused:
                apply_service_error(form, refused)
            else:
                messages.success(request, _("Rujukan dikoreksi; koreksinya tercatat di riwayat."))
                return redirect(reverse("admin:development_referral_change", args=[pk]))
        return self._form_page(
            request,
            form,
            title=_("Koreksi rujukan: %(referral)s") % {"referral": referral},
            intro=_(
                "Koreksi usaha atau nilai yang diajukan selama lembaga penyalur belum "
                "memutuskan; alasannya tercatat di riwayat rujukan."
            ),
            submit_label=_("Simpan koreksi"),
        )

    def activity_view(self, request, pk: int):
        """Link the referral to the temu usaha it came from (also later, for a referral
        recorded before), or unlink it, through services.referral_activity_set."""
        if not request.user.has_perm("development.change_referral"):
            raise PermissionDenied
        referral = get_object_or_404(Referral, pk=pk)
        form = ReferralActivityForm(
            request.POST or None,
            initial={"activity": referral.activity_id},
            admin_site=self.admin_site,
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.referral_activity_set(
                    referral=referral, activity=form.cleaned_data["activity"], by=request.user
                )
            except ValidationError as refused:
                form.add_error("activity", refused.message_dict.get("activity", refused.messages))
            else:
                messages.success(request, _("Temu usaha asal rujukan disimpan."))
                return redirect(reverse("admin:development_referral_change", args=[pk]))
        return self._form_page(
            request,
            form,
            title=_("Temu usaha asal rujukan: %(referral)s") % {"referral": referral},
            intro=_("Pilih kegiatan temu usaha tempat rujukan ini lahir, atau kosongkan."),
            submit_label=_("Simpan"),
        )

    def _form_page(self, request, form, **context):
        return TemplateResponse(
            request,
            "admin/aid/form_page.html",
            {**self.admin_site.each_context(request), "opts": self.opts, "form": form, **context},
        )

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        if obj is not None:
            user = request.user
            if user.has_perm("development.move_referral") and transitions.targets(obj):
                context["move_url"] = reverse("admin:development_referral_move", args=[obj.pk])
            if (
                user.has_perm("development.change_referral")
                and obj.status in transitions.CORRECTABLE
            ):
                context["correct_url"] = reverse(
                    "admin:development_referral_correct", args=[obj.pk]
                )
            if user.has_perm("development.change_referral"):
                context["activity_url"] = reverse(
                    "admin:development_referral_activity", args=[obj.pk]
                )
            owner = obj.business.owner
            context["owner"] = {
                "name": owner.full_name,
                "nik": masking.nik_for(user, owner.nik),
                "phone": masking.value_for(user, "phone", owner.phone or "") or "–",
                "business": obj.business,
                "kecamatan": obj.business.kecamatan.name if obj.business.kecamatan else "–",
            }
            # Nothing on the page is edited in place: no Save buttons.
            context.update(
                show_save=False, show_save_and_continue=False, show_save_and_add_another=False
            )
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)


class BusinessReportForm(forms.ModelForm):
    """A new report; capital and sales typed as people write rupiah ("350.000.000")."""

    capital = RupiahField(
        label=_("Modal usaha (Rp)"),
        min_value=0,
        help_text=_("Tidak termasuk tanah dan bangunan tempat usaha."),
    )
    annual_sales = RupiahField(label=_("Hasil penjualan tahunan (Rp)"), min_value=0)

    class Meta:
        model = BusinessReport
        fields = ["capital", "annual_sales"]


@admin.register(BusinessReport)
class BusinessReportAdmin(ServiceSaveMixin, LargeTableAdmin):
    """Reports are added, never changed or deleted: a correction is a new report."""

    form = BusinessReportForm
    list_display = [
        "business",
        "reported_on",
        "size_class",
        "capital_rp",
        "annual_sales_rp",
        "workers",
    ]
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
    shown_fields = [
        "business",
        "reported_on",
        "capital_rp",
        "annual_sales_rp",
        "workers",
        "nib",
        "kbli",
        "note",
        "size_class",
        "by",
        "created_at",
    ]

    @admin.display(description=_("modal usaha"), ordering="capital")
    def capital_rp(self, obj):
        return money.rupiah(obj.capital)

    @admin.display(description=_("hasil penjualan tahunan"), ordering="annual_sales")
    def annual_sales_rp(self, obj):
        return money.rupiah(obj.annual_sales)

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.shown_fields

    def get_fields(self, request, obj=None):
        return self.fields if obj is None else self.shown_fields

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
                    chosen = request.POST.get("owner", "")
                    if not chosen.isdigit():
                        raise ValidationError(_("Pilih pemilik terdaftar yang akan ditautkan."))
                    owner = get_object_or_404(Owner, pk=chosen)
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
                # From the door page: back to its search, to tap Hadir for the person.
                back = request.GET.get("next", "")
                if not url_has_allowed_host_and_scheme(
                    back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
                ):
                    back = reverse("admin:development_pendingregistration_changelist")
                return redirect(back)
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
