"""Admin of the yearly pembinaan plan (targets): kept by the Pembinaan role, read by Pimpinan.
Saves go through ``development.services.yearly_target_save``."""

from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from aid.forms import RupiahField
from aid.money import rupiah
from development import services
from development.models import YearlyTarget
from umkm_portal.service_admin import ServiceSaveMixin

TARGET_FIELDS = [
    "year",
    "coached",
    "naik_kelas",
    "kur_referred",
    "kur_disbursed",
    "kur_disbursed_amount",
    "note",
]


class YearlyTargetForm(forms.ModelForm):
    kur_disbursed_amount = RupiahField(
        label=_("Target nilai KUR cair (Rp)"),
        required=False,
        help_text=_("Misalnya 5.000.000.000. Kosong: tanpa target."),
    )

    class Meta:
        model = YearlyTarget
        fields = TARGET_FIELDS


@admin.register(YearlyTarget)
class YearlyTargetAdmin(ServiceSaveMixin, SimpleHistoryAdmin):
    form = YearlyTargetForm
    list_display = [
        "year",
        "coached",
        "naik_kelas",
        "kur_referred",
        "kur_disbursed",
        "amount_shown",
        "updated_by",
        "report_link",
    ]
    list_display_links = ["year"]
    fields = TARGET_FIELDS
    readonly_fields = ["updated_by", "updated_at"]

    @admin.display(description=_("target nilai KUR cair"), ordering="kur_disbursed_amount")
    def amount_shown(self, target: YearlyTarget) -> str:
        amount = target.kur_disbursed_amount
        return rupiah(amount) if amount is not None else "–"

    @admin.display(description=_("laporan capaian"))
    def report_link(self, target: YearlyTarget) -> str:
        return format_html(
            '<a href="{}">{}</a>',
            reverse("development:yearly_report", args=[target.year]),
            _("Unduh XLSX"),
        )

    def get_fields(self, request, obj=None):
        if obj is None:
            return TARGET_FIELDS
        return [*TARGET_FIELDS, "updated_by", "updated_at"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["year", "updated_by", "updated_at"]  # a year's row stays that year's

    def has_delete_permission(self, request, obj=None):
        return False

    def save_with_service(self, request, obj, data, change):
        original = YearlyTarget.objects.get(pk=obj.pk) if change else None
        values = {name: data.get(name) for name in TARGET_FIELDS}
        if original is not None:
            values["year"] = original.year
        return services.yearly_target_save(target=original, by=request.user, **values)
