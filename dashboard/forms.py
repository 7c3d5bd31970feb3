"""The dashboard's filters, read from the query string."""

from django import forms
from django.utils.translation import gettext_lazy as _

from aid.models import Program
from dashboard import selectors
from dashboard.selectors import Filters
from development.selectors import target_years
from registry.models import Region


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self):
        super().__init__(format="%Y-%m-%d")


class FilterForm(forms.Form):
    program = forms.ModelChoiceField(
        label=_("Program"),
        queryset=Program.objects.order_by("starts_on", "code"),
        required=False,
        empty_label=_("Semua program"),
    )
    kecamatan = forms.ModelChoiceField(
        label=_("Kecamatan"),
        queryset=Region.objects.filter(level=Region.Level.KECAMATAN).order_by("code"),
        required=False,
        empty_label=_("Semua kecamatan"),
    )
    proposer = forms.ChoiceField(label=_("Pengusul"), required=False)
    date_from = forms.DateField(
        label=_("Diusulkan sejak"), required=False, widget=DateInput(), input_formats=["%Y-%m-%d"]
    )
    date_to = forms.DateField(
        label=_("Diusulkan sampai"), required=False, widget=DateInput(), input_formats=["%Y-%m-%d"]
    )

    year = forms.TypedChoiceField(
        label=_("Tahun pembinaan"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("Tahun target dan capaian di bagian Pembinaan UMKM."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("Tahun ini"))] + [
            (year, str(year)) for year in target_years()
        ]
        self.fields["proposer"].choices = [("", _("Semua pengusul"))] + [
            (name, name) for name in selectors.proposer_names()
        ]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("Tanggal awal harus sebelum tanggal akhir."))
        return data

    def filters(self) -> Filters:
        """The filters chosen; none when the form is invalid (the page shows why)."""
        if not self.is_valid():
            return Filters()
        data = self.cleaned_data
        return Filters(
            program=data.get("program"),
            kecamatan=data.get("kecamatan"),
            proposer=data.get("proposer") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            year=data.get("year"),
        )
