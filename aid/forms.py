from django import forms
from django.conf import settings
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from aid import money
from aid.importing import returned_files
from aid.models import (
    Disbursement,
    PossibleDuplicate,
    Program,
    ProposalList,
    Reason,
    RequiredColumn,
)
from proposers.models import Proposer
from registry import identifiers


class RupiahField(forms.Field):
    """An amount of whole rupiah typed as people write it: "2.400.000", "2400000" or
    "Rp2.400.000" (aid.money.parse_rupiah). A text input with a numeric keyboard, not a
    browser number field, which refuses the dots; shown back with dots between thousands."""

    widget = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})
    default_error_messages = {
        "invalid": _("Tulis nominal dalam rupiah, misalnya 2.400.000 atau Rp2.400.000."),
        "min_value": _("Nominal paling sedikit %(limit)s."),
    }

    def __init__(self, *, min_value: int | None = None, **kwargs):
        self.min_value = min_value
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, int):
            return value
        amount = money.parse_rupiah(value)
        if amount is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return amount

    def validate(self, value):
        super().validate(value)
        if value is not None and self.min_value is not None and value < self.min_value:
            raise forms.ValidationError(
                self.error_messages["min_value"],
                code="min_value",
                params={"limit": money.rupiah(self.min_value)},
            )

    def prepare_value(self, value):
        return money.thousands(value) if isinstance(value, int) else value


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


class DuplicateDecisionForm(forms.Form):
    """A verifier's decision on a pair: different people, or the same person and which of
    the two applications to keep (by default the one proposed first)."""

    decision = forms.ChoiceField(
        label=_("Keputusan"),
        choices=[
            (PossibleDuplicate.Decision.DIFFERENT_PEOPLE, _("Orang berbeda")),
            (PossibleDuplicate.Decision.SAME_PERSON, _("Orang yang sama")),
        ],
        widget=forms.RadioSelect,
    )
    keep = forms.TypedChoiceField(
        label=_("Bila orang yang sama, pertahankan"),
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        help_text=_("Permohonan yang lain ditolak dengan alasan data ganda."),
    )
    note = forms.CharField(
        label=_("Catatan"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Misalnya: sudah dicek dengan KTP dan KK di kelurahan."),
    )

    def __init__(self, *args, pair, **kwargs):
        super().__init__(*args, **kwargs)
        earlier = min(pair, key=lambda a: (a.proposed_at, a.pk))
        self.fields["keep"].choices = [
            (
                a.pk,
                format_lazy(
                    _("Permohonan #{id}{first}"),
                    id=a.pk,
                    first=_(" (diusulkan lebih dulu)") if a is earlier else "",
                ),
            )
            for a in pair
        ]
        self.fields["keep"].initial = earlier.pk


class DuplicateReopenForm(forms.Form):
    """Reopening a decided pair needs a reason; it stays in the pair's history."""

    reason = forms.CharField(
        label=_("Alasan membuka kembali"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )


class SubmissionForm(forms.Form):
    program = forms.ModelChoiceField(label=_("Program"), queryset=Program.objects.all())
    proposal_list = forms.ModelChoiceField(
        label=_("Daftar usulan"),
        queryset=ProposalList.objects.select_related("program"),
        required=False,
        help_text=_("Kosongkan untuk mengajukan semua permohonan terverifikasi program ini."),
    )
    file_format = forms.ChoiceField(
        label=_("Format berkas"), choices=[("xlsx", "Excel (XLSX)"), ("csv", "CSV")]
    )

    def clean(self):
        cleaned = super().clean()
        program, proposal_list = cleaned.get("program"), cleaned.get("proposal_list")
        if program and proposal_list and proposal_list.program_id != program.pk:
            self.add_error("proposal_list", _("Daftar usulan ini bukan untuk program tersebut."))
        return cleaned


class RetransferForm(forms.Form):
    """The re-transfer queue of a program, exported for the bank."""

    program = forms.ModelChoiceField(label=_("Program"), queryset=Program.objects.all())
    file_format = forms.ChoiceField(
        label=_("Format berkas"), choices=[("xlsx", "Excel (XLSX)"), ("csv", "CSV")]
    )
    include_repeats = forms.BooleanField(
        label=_("Sertakan yang sudah pernah diekspor"),
        required=False,
        help_text=_(
            "Permohonan yang sudah ada di kiriman ulang sebelumnya ke rekening yang sama "
            "biasanya dilewati. Centang hanya bila bank meminta berkasnya dikirim lagi."
        ),
    )


class _ImportForm(forms.Form):
    program = forms.ModelChoiceField(label=_("Program"), queryset=Program.objects.all())
    file = forms.FileField(label=_("Berkas (CSV atau XLSX)"))
    dry_run = forms.BooleanField(
        label=_("Periksa saja, jangan simpan"),
        required=False,
        help_text=_("Menampilkan hasil per baris tanpa mengubah data."),
    )

    def clean_file(self):
        """The upload guards of every uploaded file (size, type by content, workbook safety),
        so a refusal shows on the form before anything is read."""
        from aid.importing.guards import check_uploaded_file

        upload = self.cleaned_data["file"]
        check_uploaded_file(upload, filename=upload.name)
        upload.seek(0)
        return upload


class DecisionFileForm(_ImportForm):
    reject_missing = forms.BooleanField(
        label=_("Tolak permohonan diajukan yang tidak tercantum"),
        required=False,
        help_text=_('Alasan penolakan: "Tidak ditetapkan oleh Kementerian".'),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = returned_files.columns_help(
            returned_files.DECISION_COLUMNS, returned_files.DECISION_REQUIRED
        )


class BankReportForm(_ImportForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = " ".join(
            [
                returned_files.columns_help(
                    returned_files.BANK_COLUMNS, returned_files.BANK_REQUIRED
                ),
                str(
                    _("Tanggal ditulis seperti 10/09/2020; Status BERHASIL, GAGAL atau DICAIRKAN.")
                ),
            ]
        )


class ManualTransferForm(forms.Form):
    """One transfer entered by the Bendahara; checked by the same service as a bank report."""

    program = forms.ModelChoiceField(label=_("Program"), queryset=Program.objects.all())
    nik = forms.CharField(label=_("NIK penerima"), max_length=40)
    outcome = forms.ChoiceField(label=_("Hasil"), choices=Disbursement.Outcome.choices)
    bank_reference = forms.CharField(label=_("Referensi bank"), max_length=64)
    transferred_at = forms.DateTimeField(
        label=_("Waktu transfer"),
        input_formats=["%d/%m/%Y %H:%M", "%d-%m-%Y %H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y"],
        help_text=_("Misalnya 10/09/2020 10:00."),
    )
    amount = RupiahField(label=_("Nominal (Rp)"), min_value=1)
    account_number = forms.CharField(label=_("Nomor rekening tujuan"), max_length=40)
    failure_reason = forms.CharField(label=_("Alasan gagal"), max_length=255, required=False)

    def clean_nik(self):
        checked = identifiers.nik(self.cleaned_data["nik"])
        if checked.error:
            raise forms.ValidationError(checked.error)
        return checked.value

    def clean_account_number(self):
        checked = identifiers.account_number(self.cleaned_data["account_number"])
        if checked.error:
            raise forms.ValidationError(checked.error)
        return checked.value

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("outcome") == Disbursement.Outcome.FAILED and not cleaned.get(
            "failure_reason"
        ):
            self.add_error("failure_reason", _("Tuliskan alasan gagal dari bank."))
        return cleaned


def clean_list_upload(upload):
    """A proposal list's file, checked as the import will (size, type by content, workbook
    safety, a header with NIK and name), so a refusal shows on the form that sent it."""
    from aid.importing.guards import check_uploaded_file
    from aid.importing.read import open_list

    kind = check_uploaded_file(upload, filename=upload.name)
    with open_list(upload, kind):
        pass
    upload.seek(0)
    return upload


def program_requirements(program: Program) -> list[str]:
    """What ``program`` requires of every row on top of every program's, as labels."""
    labels = dict(RequiredColumn.choices)
    return [str(labels[c]) for c in program.required_columns or () if c in labels]


def program_with_requirements(program: Program) -> str:
    """A program as the upload forms list it: its name, and what its rows must also carry."""
    extra = program_requirements(program)
    if not extra:
        return str(program)
    return _("%(program)s (juga wajib: %(columns)s)") % {
        "program": program,
        "columns": ", ".join(extra),
    }


class ProposalListUploadForm(forms.ModelForm):
    """Upload of a proposal list: program, proposer and the CSV/XLSX file.

    The proposer is chosen from the register of proposing organisations (a select named
    ``proposer``); one not registered yet is added here by name and kind (both required), so
    a list never carries a proposer typed freely (it flows to the dashboard and to the
    owner's advice on where to go). The file is checked here (size, type by content,
    workbook safety, header with NIK and name) so a refusal shows on the form;
    aid.services.proposal_list_upload checks it again.
    """

    new_proposer_name = forms.CharField(
        label=_("atau lembaga baru: nama"),
        required=False,
        max_length=150,
        help_text=_("Hanya bila lembaganya belum ada di daftar, misalnya Koperasi Mitra Usaha."),
    )
    new_proposer_kind = forms.ChoiceField(
        label=_("jenis lembaga baru"),
        required=False,
        choices=[("", "---------"), *Proposer.Kind.choices],
    )
    # Where the status page sends a refused owner, and where the Dinas's messages about the
    # list go: optional, as staff may not have them at hand (the proposer list counts the
    # offices still without them).
    new_proposer_address = forms.CharField(
        label=_("alamat kantor lembaga baru"),
        required=False,
        max_length=255,
        help_text=_("Tampil di halaman cek status bagi pemilik yang usulannya ditolak."),
    )
    new_proposer_phone = forms.CharField(
        label=_("nomor HP / WhatsApp lembaga baru"),
        required=False,
        max_length=20,
        help_text=_("Nomor HP yang diawali 08; pemberitahuan tentang daftarnya dikirim ke sini."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    upload = forms.FileField(
        label=_("Berkas daftar usulan"),
        help_text=format_lazy(
            _("CSV atau Excel (.xlsx), paling besar {mb} MB."), mb=settings.IMPORT_MAX_UPLOAD_MB
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    class Meta:
        model = ProposalList
        fields = ["program", "proposer", "kelurahan", "received_on"]
        labels = {"proposer": _("Lembaga pengusul"), "kelurahan": _("Kelurahan seluruh berkas")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["proposer"]
        field.required = False
        field.queryset = Proposer.objects.filter(is_active=True).order_by("kind", "name")
        field.help_text = _("Pilih dari daftar lembaga pengusul yang terdaftar.")
        self.fields["program"].label_from_instance = program_with_requirements
        kelurahan = self.fields["kelurahan"]
        kelurahan.queryset = kelurahan.queryset.select_related("parent").order_by("name")
        kelurahan.help_text = _(
            "Isi bila baris-baris berkas tidak menyebut kelurahannya (tanpa kolom Kelurahan): "
            "semua baris tanpa kelurahan dibaca sebagai kelurahan ini. Kosongkan bila berkas "
            "punya kolom Kelurahan atau Desa/Kelurahan. Daftar dari kantor kelurahan memakai "
            "kelurahan kantor itu bila dikosongkan."
        )

    def clean_upload(self):
        return clean_list_upload(self.cleaned_data["upload"])

    def clean_new_proposer_phone(self):
        checked = identifiers.phone(self.cleaned_data["new_proposer_phone"])
        if checked.error:
            raise forms.ValidationError(checked.error)
        return checked.value

    def clean(self):
        data = super().clean()
        chosen, name = data.get("proposer"), (data.get("new_proposer_name") or "").strip()
        if chosen and (data.get("new_proposer_address") or data.get("new_proposer_phone")):
            self.add_error(
                None,
                _(
                    "Alamat dan nomor HP di sini hanya untuk lembaga baru. Ubah kontak lembaga "
                    "yang sudah terdaftar di Pengusul → Lembaga pengusul."
                ),
            )
        if chosen and name:
            raise forms.ValidationError(
                _("Pilih lembaga dari daftar atau isi lembaga baru, jangan keduanya.")
            )
        if not chosen and not name:
            self.add_error("proposer", _("Pilih lembaga pengusul, atau isi nama lembaga baru."))
        elif name and not data.get("new_proposer_kind"):
            self.add_error("new_proposer_kind", _("Pilih jenis lembaga baru."))
        elif name and Proposer.objects.filter(name__iexact=" ".join(name.split())).exists():
            self.add_error(
                "new_proposer_name",
                _("Lembaga %(name)s sudah terdaftar: pilih dari daftar di atas.") % {"name": name},
            )
        return data


class ProgramForm(forms.ModelForm):
    """A program; its amount typed as people write rupiah (the admin's fields, read-only
    ones left out, are aid.services.programs.EDITABLE)."""

    amount = RupiahField(label=_("Nilai bantuan (Rp)"), min_value=1)
    required_columns = forms.TypedMultipleChoiceField(
        label=_("Kolom wajib"),
        choices=RequiredColumn.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=Program._meta.get_field("required_columns").help_text,
    )

    class Meta:
        model = Program
        fields = ["amount", "required_columns"]

    def clean_required_columns(self):
        # Kept in the order of the choices, whatever order they were ticked in.
        chosen = set(self.cleaned_data["required_columns"])
        return [value for value in RequiredColumn.values if value in chosen]
