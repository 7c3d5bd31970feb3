"""Forms of the proposer's workspace: plain fields, Indonesian labels, checked like the
Dinas's own upload (the service checks everything again)."""

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from aid.forms import clean_list_upload, program_requirements, program_with_requirements
from aid.importing.columns import LABELS
from aid.models import Program


class UploadForm(forms.Form):
    program = forms.ModelChoiceField(
        label=_("Program bantuan"), queryset=Program.objects.none(), empty_label=None
    )
    upload = forms.FileField(
        label=_("Berkas daftar usulan"),
        help_text=format_lazy(
            _("CSV atau Excel (.xlsx), paling besar {mb} MB. Baris pertama berisi judul kolom."),
            mb=settings.IMPORT_MAX_UPLOAD_MB,
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        # Programs still running; the window of each is checked by the service with dates.
        self.fields["program"].queryset = Program.objects.exclude(ends_on__lt=today).order_by(
            "-starts_on", "code"
        )
        field = self.fields["program"]
        field.label_from_instance = program_with_requirements
        # On a phone the select cuts long names short: what each program also requires is
        # said above it too.
        field.help_text = " ".join(
            gettext("%(program)s juga mewajibkan kolom %(columns)s di setiap baris.")
            % {"program": program, "columns": ", ".join(program_requirements(program))}
            for program in field.queryset
            if program_requirements(program)
        )

    @property
    def has_programs(self) -> bool:
        """Whether any program is running to propose for (else the page says so)."""
        return self.fields["program"].queryset.exists()

    def clean_upload(self):
        return clean_list_upload(self.cleaned_data["upload"])


# Columns typed as digits: a phone opens its numeric keypad for them.
NUMERIC_COLUMNS = ("nik", "kk", "phone", "account_number", "rt", "rw")


class RowForm(forms.Form):
    """One field per column the list's file has, filled with what the row holds."""

    def __init__(self, *args, columns: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        for column in columns:
            attrs = {"autocomplete": "off"}
            if column in NUMERIC_COLUMNS:
                attrs["inputmode"] = "numeric"
            self.fields[column] = forms.CharField(
                label=LABELS[column],
                required=False,
                max_length=255,
                widget=forms.TextInput(attrs=attrs),
            )
        self.problems: dict[str, list[str]] = {}

    def mark(self, problems: dict[str, list[str]]) -> None:
        """Mark the fields the row's check found wrong (``{column: [message]}``) and the
        ones this form refused: invalid, described by the message shown beside them."""
        for name, field in self.fields.items():
            texts = [*(self.errors.get(name, []) if self.is_bound else []), *problems.get(name, [])]
            if texts:
                self.problems[name] = texts
                field.widget.attrs.update(
                    {"aria-invalid": "true", "aria-describedby": f"id_{name}-error"}
                )

    def fields_with_problems(self):
        """(bound field, its messages) per column, in the file's order."""
        return [(self[name], self.problems.get(name, [])) for name in self.fields]


class SubmitForm(forms.Form):
    sptjm_agreed = forms.BooleanField(
        label=_(
            "Saya menyatakan bertanggung jawab penuh atas kebenaran data dalam daftar ini "
            "(Surat Pernyataan Tanggung Jawab Mutlak)."
        ),
        required=True,
    )
    sptjm_name = forms.CharField(label=_("Nama petugas"), max_length=150)
    sptjm_position = forms.CharField(label=_("Jabatan"), max_length=150)
    sptjm_file = forms.FileField(
        label=_("SPTJM bertanda tangan (PDF, tidak wajib)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )


class ReturnForm(forms.Form):
    note = forms.CharField(
        label=_("Catatan untuk pengusul"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Apa yang perlu diperbaiki sebelum daftar dikirim lagi."),
    )
