from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from aid.models import ProposalList, Reason


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


class ProposalListUploadForm(forms.ModelForm):
    """Upload of a proposal list: program, proposer and the CSV/XLSX file.

    The file is checked here (size, type by content, workbook safety, header with NIK and
    name) so a refusal shows on the form; aid.services.proposal_list_upload checks it again.
    """

    upload = forms.FileField(
        label=_("Berkas daftar usulan"),
        help_text=_("CSV atau Excel (.xlsx), paling besar %(mb)d MB.")
        % {"mb": settings.IMPORT_MAX_UPLOAD_MB},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    class Meta:
        model = ProposalList
        fields = ["program", "proposer_name", "proposer_kind", "received_on"]

    def clean_upload(self):
        from aid.importing.guards import check_upload
        from aid.importing.read import open_list

        upload = self.cleaned_data["upload"]
        kind = check_upload(upload, max_bytes=settings.IMPORT_MAX_UPLOAD_MB * 1024 * 1024)
        with open_list(upload, kind):
            pass
        upload.seek(0)
        return upload
