from django import forms
from django.utils.translation import gettext_lazy as _

from aid.models import Reason


class RejectForm(forms.Form):
    """The reason a verifier gives when rejecting; the owner sees its advice text."""

    reason_code = forms.ChoiceField(
        label=_("Alasan penolakan"), choices=[("", "---------"), *Reason.choices]
    )
    note = forms.CharField(
        label=_("Catatan"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Tercatat di riwayat permohonan; tidak ditampilkan kepada pemilik."),
    )
