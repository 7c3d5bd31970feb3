"""Export columns of applications and disbursements (django-import-export), masked and logged."""

from django.utils.translation import gettext_lazy as _
from import_export import widgets
from import_export.fields import Field

from aid.models import Application, Disbursement
from privacy import masking
from privacy.exports import PersonalDataResource

# Local time (Asia/Jakarta), as staff read it.
DATETIME = widgets.DateTimeWidget("%Y-%m-%d %H:%M")


class ApplicationResource(PersonalDataResource):
    masks = {"nik": masking.mask_nik}
    select_related = ("owner", "business__kelurahan__parent", "program", "proposal_list")

    id = Field(attribute="id", column_name="id", widget=widgets.IntegerWidget())
    program = Field(attribute="program__code", column_name=_("program"))
    nik = Field(attribute="owner__nik", column_name=_("NIK"))
    full_name = Field(attribute="owner__full_name", column_name=_("nama lengkap"))
    business = Field(attribute="business__name", column_name=_("nama usaha"))
    kelurahan = Field(attribute="business__kelurahan__name", column_name=_("kelurahan usaha"))
    kecamatan = Field(
        attribute="business__kelurahan__parent__name", column_name=_("kecamatan usaha")
    )
    proposer = Field(attribute="proposal_list__proposer_name", column_name=_("pengusul"))
    status = Field(attribute="get_status_display", column_name=_("status"))
    reason = Field(attribute="get_reason_code_display", column_name=_("alasan"))
    proposed_at = Field(attribute="proposed_at", column_name=_("diusulkan"), widget=DATETIME)
    transferred_at = Field(attribute="transferred_at", column_name=_("ditransfer"), widget=DATETIME)
    withdrawn_at = Field(attribute="withdrawn_at", column_name=_("dicairkan"), widget=DATETIME)

    class Meta:
        model = Application
        fields = (
            "id",
            "program",
            "nik",
            "full_name",
            "business",
            "kelurahan",
            "kecamatan",
            "proposer",
            "status",
            "reason",
            "proposed_at",
            "transferred_at",
            "withdrawn_at",
        )


class DisbursementResource(PersonalDataResource):
    masks = {"nik": masking.mask_nik, "account_number": masking.mask_account}
    select_related = ("application__owner", "application__program")

    bank_reference = Field(attribute="bank_reference", column_name=_("referensi bank"))
    application = Field(
        attribute="application_id", column_name=_("permohonan"), widget=widgets.IntegerWidget()
    )
    program = Field(attribute="application__program__code", column_name=_("program"))
    nik = Field(attribute="application__owner__nik", column_name=_("NIK"))
    holder_name = Field(attribute="holder_name", column_name=_("nama pemilik rekening"))
    bank_code = Field(attribute="bank_code", column_name=_("kode bank"))
    account_number = Field(attribute="account_number", column_name=_("nomor rekening"))
    amount = Field(attribute="amount", column_name=_("nilai (Rp)"), widget=widgets.IntegerWidget())
    outcome = Field(attribute="get_outcome_display", column_name=_("hasil"))
    transferred_at = Field(
        attribute="transferred_at", column_name=_("waktu transfer"), widget=DATETIME
    )
    withdrawn_at = Field(
        attribute="withdrawn_at", column_name=_("waktu pencairan"), widget=DATETIME
    )

    class Meta:
        model = Disbursement
        fields = (
            "bank_reference",
            "application",
            "program",
            "nik",
            "holder_name",
            "bank_code",
            "account_number",
            "amount",
            "outcome",
            "transferred_at",
            "withdrawn_at",
        )
