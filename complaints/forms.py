from django import forms
from django.utils.translation import gettext_lazy as _

from complaints.models import Category
from registry import identifiers


class ComplaintForm(forms.Form):
    """A request from the status page. The owner is whoever the signed ``token`` names (a
    successful check a few minutes ago); no NIK is ever taken from the form."""

    token = forms.CharField(widget=forms.HiddenInput)
    category = forms.ChoiceField(
        label=_("Jenis pengaduan"), choices=Category.choices, widget=forms.RadioSelect
    )
    message = forms.CharField(
        label=_("Pesan Anda"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Tulis apa yang terjadi. Jangan menulis NIK atau nomor rekening lengkap."),
    )
    contact_phone = forms.CharField(
        label=_("Nomor HP yang dapat dihubungi"),
        max_length=20,
        required=False,
        help_text=_("Misalnya 0812-3456-7890. Kami mengirim kabar bila pengaduan dijawab."),
    )

    def __init__(self, *args, phone_known: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # A registered owner's phone is on record (the check matched its last digits): the
        # form does not ask for it again, and takes another number only when given.
        self.phone_known = phone_known
        if phone_known:
            self.fields["contact_phone"].label = _("Nomor HP lain (tidak wajib)")
            self.fields["contact_phone"].help_text = _(
                "Kami menghubungi Anda di nomor HP yang terdaftar. Isi hanya bila ingin "
                "dihubungi di nomor lain."
            )

    def clean_message(self) -> str:
        return " ".join(self.cleaned_data["message"].split(" ")).strip()

    def clean_contact_phone(self) -> str:
        if self.phone_known and not self.cleaned_data["contact_phone"].strip():
            return ""
        checked = identifiers.phone(self.cleaned_data["contact_phone"])
        if checked.error or not checked.value:
            raise forms.ValidationError(
                _("Tulis nomor HP Indonesia yang aktif, misalnya 081234567890."), code="phone"
            )
        return checked.value
