"""Admin forms that normalise identifiers with the same rules as the import."""

from django import forms
from django.core.validators import MaxLengthValidator

from registry import identifiers, services
from registry.models import BankAccount, NikCorrection, Owner


class IdentifierCleaningMixin:
    """Run :mod:`registry.identifiers` on the named fields before model validation."""

    identifier_checks: dict = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # People type separators ("3275 0117 0890 0001", "+62 812-…"); the stored form is
        # shorter, so the length limit applies after normalising, in the model.
        for name in self.identifier_checks:
            field = self.fields.get(name)
            if field is not None:
                field.max_length = 40
                field.validators = [
                    v for v in field.validators if not isinstance(v, MaxLengthValidator)
                ]
                field.widget.attrs["maxlength"] = "40"

    def _clean_identifier(self, name):
        result = self.identifier_checks[name](self.cleaned_data.get(name))
        if result.error:
            raise forms.ValidationError(result.error)
        return result.value

    def clean(self):
        cleaned = super().clean()
        for name in self.identifier_checks:
            if name in self.fields and name in cleaned and name not in self.errors:
                try:
                    cleaned[name] = self._clean_identifier(name)
                except forms.ValidationError as exc:
                    self.add_error(name, exc)
        return cleaned


class OwnerForm(IdentifierCleaningMixin, forms.ModelForm):
    """An owner's details. Once the owner has an application the NIK is shown but not
    editable: it is corrected through a NIK correction request approved by another person."""

    identifier_checks = {
        "nik": identifiers.nik,
        "phone": identifiers.phone,
        "kk_number": identifiers.kk,
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        nik = self.fields.get("nik")
        if nik is not None and self.instance.pk and services.owner_has_applications(self.instance):
            # A disabled field ignores whatever is posted for it.
            nik.disabled = True
            nik.help_text = services.nik_locked_message()

    class Meta:
        model = Owner
        fields = [
            "nik",
            "full_name",
            "kk_number",
            "phone",
            "ktp_address",
            "rt",
            "rw",
            "kelurahan",
            "lives_in_bekasi",
        ]


class BankAccountForm(IdentifierCleaningMixin, forms.ModelForm):
    identifier_checks = {"account_number": identifiers.account_number}

    class Meta:
        model = BankAccount
        fields = ["owner", "bank", "account_number", "holder_name"]


class NikCorrectionForm(IdentifierCleaningMixin, forms.ModelForm):
    identifier_checks = {"new_nik": identifiers.nik}

    class Meta:
        model = NikCorrection
        fields = ["owner", "new_nik", "reason"]

    def clean(self):
        cleaned = super().clean()
        owner, nik = cleaned.get("owner"), cleaned.get("new_nik")
        if owner is not None and nik and not self.errors:
            try:
                services.nik_correction_check(owner=owner, new_nik=nik)
            except forms.ValidationError as exc:
                self.add_error(None, exc)
        return cleaned
