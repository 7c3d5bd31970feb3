"""Admin of business reports (append-only)."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from aid import money
from aid.forms import RupiahField
from development import services
from development.models import (
    BusinessReport,
)
from umkm_portal.admin import LargeTableAdmin
from umkm_portal.service_admin import ServiceSaveMixin


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
