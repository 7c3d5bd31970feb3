"""Drawing payment samples and recording the calls; both through payment_checks.services."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from payment_checks import services
from payment_checks.models import PaymentCheck, Sample
from privacy.masking import value_for
from umkm_portal.admin import RecordInline


class SampleForm(forms.ModelForm):
    fixed_size = forms.IntegerField(
        label=_("atau jumlah tetap"),
        required=False,
        min_value=1,
        help_text=_(
            "Kosongkan untuk menghitung dari tingkat kepercayaan dan batas kesalahan (rumus Cochran)."
        ),
    )

    class Meta:
        model = Sample
        fields = ["program", "kecamatan", "proposer", "confidence", "margin"]
        help_texts = {"confidence": _("misalnya 0,95"), "margin": _("misalnya 0,05")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["confidence"].initial = 0.95
        self.fields["margin"].initial = 0.05


class CheckInline(RecordInline):
    model = PaymentCheck
    fields = ["application", "outcome", "checked_at", "complaint"]
    show_change_link = True


@admin.register(Sample)
class SampleAdmin(admin.ModelAdmin):
    form = SampleForm
    list_display = ["__str__", "kecamatan", "proposer", "drawn_by", "drawn_at"]
    inlines = [CheckInline]

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []  # the checks exist once drawn

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Sample._meta.fields] if obj else []

    def get_form(self, request, obj=None, **kwargs):
        if obj is not None:
            kwargs["form"] = forms.ModelForm
            kwargs["fields"] = []
        return super().get_form(request, obj, **kwargs)

    def has_add_permission(self, request):
        return request.user.has_perm("payment_checks.draw_sample")

    def has_change_permission(self, request, obj=None):
        return obj is None and self.has_add_permission(request)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        sample = services.sample_draw(
            program=data["program"],
            by=request.user,
            confidence=float(data["confidence"]) if data.get("confidence") else None,
            margin=float(data["margin"]) if data.get("margin") else None,
            size=data.get("fixed_size"),
            kecamatan=data.get("kecamatan"),
            proposer=data.get("proposer"),
        )
        obj.pk = sample.pk
        obj.__dict__.update(sample.__dict__)

    def save_related(self, request, form, formsets, change):
        pass  # the draw wrote the checks


class PaymentCheckForm(forms.ModelForm):
    class Meta:
        model = PaymentCheck
        fields = ["outcome", "note"]


@admin.register(PaymentCheck)
class PaymentCheckAdmin(admin.ModelAdmin):
    form = PaymentCheckForm
    list_display = ["sample", "application", "owner_phone", "outcome", "checked_at", "complaint"]
    list_filter = ["outcome", "sample"]
    readonly_fields = [
        "sample",
        "application",
        "owner_phone",
        "checked_by",
        "checked_at",
        "complaint",
    ]
    fields = [
        "sample",
        "application",
        "owner_phone",
        "outcome",
        "note",
        "checked_by",
        "checked_at",
        "complaint",
    ]

    @admin.display(description=_("nomor HP pemilik"))
    def owner_phone(self, obj):
        return value_for(self._user, "phone", obj.application.owner.phone)

    def get_queryset(self, request):
        self._user = request.user
        return super().get_queryset(request).select_related("application__owner", "sample")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        services.payment_check_record(
            check=obj,
            outcome=form.cleaned_data["outcome"],
            note=form.cleaned_data["note"],
            by=request.user,
        )
