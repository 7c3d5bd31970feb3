from django import forms
from django.utils.translation import gettext_lazy as _

from registry import identifiers


class StatusCheckForm(forms.Form):
    """NIK and the last four digits of the registered mobile number.

    Error messages never repeat what was typed: the page must not echo a NIK back.
    """

    nik = forms.CharField(label=_("NIK (16 digit, sesuai KTP)"), max_length=40, strip=True)
    phone_last4 = forms.CharField(
        label=_("4 digit terakhir nomor HP yang didaftarkan"), max_length=10, strip=True
    )

    def clean_nik(self) -> str:
        raw = self.cleaned_data["nik"]
        digits = "".join(ch for ch in raw if ch not in " .-")
        if not digits.isdigit() or len(digits) != 16:
            raise forms.ValidationError(
                _("NIK terdiri dari 16 angka. Salin dari KTP Anda."), code="format"
            )
        if identifiers.nik(digits).error:
            raise forms.ValidationError(
                _("NIK ini tidak mungkin benar. Periksa kembali dari KTP Anda."), code="invalid"
            )
        return digits

    def clean_phone_last4(self) -> str:
        value = self.cleaned_data["phone_last4"].replace(" ", "")
        if not (len(value) == 4 and value.isdigit()):
            raise forms.ValidationError(
                _("Tulis 4 angka terakhir nomor HP Anda, misalnya 7890."), code="format"
            )
        return value
