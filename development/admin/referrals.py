"""Admin of capital referrals: made here, then moved, corrected, cancelled or linked to their temu usaha on pages of their own (no Save button)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from aid import money
from aid.forms import RupiahField
from aid.money import rupiah_or_dash
from development import services, transitions
from development.admin.cases import StaleReferralFilter
from development.models import (
    Activity,
    Referral,
    ReferralChange,
    ReferralStatus,
)
from privacy import masking
from registry.models import Business
from umkm_portal.admin import LargeTableAdmin, autocomplete_widget
from umkm_portal.service_admin import ServiceSaveMixin, apply_service_error


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
