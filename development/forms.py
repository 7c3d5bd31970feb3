from django import forms
from django.utils.translation import gettext_lazy as _

from public.forms import StatusCheckForm
from registry import identifiers
from registry.models import Region


class RegistrationForm(forms.Form):
    """Public registration for an activity: NIK and mobile number; an owner not yet in the
    registry also gives the registry's required details. Never pre-filled with a NIK."""

    nik = forms.CharField(label=_("NIK (16 digit, sesuai KTP)"), max_length=40, strip=True)
    phone = forms.CharField(
        label=_("Nomor HP (WhatsApp)"),
        max_length=20,
        strip=True,
        help_text=_("Contoh: 0812 3456 7890"),
    )
    full_name = forms.CharField(label=_("Nama lengkap sesuai KTP"), max_length=150, required=False)
    ktp_address = forms.CharField(label=_("Alamat sesuai KTP"), max_length=255, required=False)
    business_name = forms.CharField(label=_("Nama usaha"), max_length=150, required=False)
    sector = forms.CharField(
        label=_("Bidang usaha"),
        max_length=100,
        required=False,
        help_text=_("Misalnya kuliner, fesyen, kerajinan, jasa."),
    )
    kecamatan = forms.ModelChoiceField(
        label=_("Kecamatan tempat usaha"),
        queryset=Region.objects.filter(level=Region.Level.KECAMATAN).order_by("name"),
        required=False,
        empty_label=_("– pilih –"),
    )

    clean_nik = StatusCheckForm.clean_nik

    def clean_phone(self) -> str:
        checked = identifiers.phone(self.cleaned_data["phone"])
        if checked.error or not checked.value:
            raise forms.ValidationError(
                _("Tulis nomor HP Indonesia, misalnya 0812 3456 7890."), code="format"
            )
        return checked.value


class DoorSearchForm(forms.Form):
    q = forms.CharField(label=_("Cari NIK, nomor HP atau nama"), max_length=60, required=False)


class AttendanceImportForm(forms.Form):
    upload = forms.FileField(
        label=_("Berkas daftar hadir (CSV atau Excel .xlsx)"),
        help_text=_(
            "Kolom NIK dan Nama wajib; kolom Kehadiran berisi hadir, izin atau tidak hadir "
            "(kosong dianggap hadir)."
        ),
    )


class ActivitySummaryForm(forms.Form):
    summary = forms.CharField(
        label=_("Ringkasan kegiatan"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Apa yang dilakukan, siapa narasumbernya, dan hasilnya bagi peserta."),
    )


class ActivityPhotoForm(forms.Form):
    photo = forms.FileField(
        label=_("Foto kegiatan (JPG atau PNG)"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )
    caption = forms.CharField(label=_("Keterangan foto"), max_length=200, required=False)
