"""The ministry's row format for submissions, as a django-import-export resource.

One row per application; column names are the ones the README lists under "Grant
lifecycle". Every value is written as text, so an XLSX opened in Excel keeps all 16 digits
of a NIK and the leading zeros of an account number.
"""

from import_export import fields, resources
from import_export.formats import base_formats

from aid.models import Application

FORMATS = {"csv": base_formats.CSV, "xlsx": base_formats.XLSX}
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _national_phone(phone: str) -> str:
    # Stored as +628…; the ministry's forms use the 08… form people write.
    return "0" + phone[3:] if phone.startswith("+62") else phone


class MinistrySubmissionResource(resources.ModelResource):
    """Export only: fed by :func:`aid.selectors.submission_rows`."""

    nik = fields.Field(attribute="owner__nik", column_name="NIK")
    nama = fields.Field(attribute="owner__full_name", column_name="NAMA")
    alamat_ktp = fields.Field(attribute="owner__ktp_address", column_name="ALAMAT_KTP")
    bidang_usaha = fields.Field(attribute="business__sector", column_name="BIDANG_USAHA")
    no_hp = fields.Field(column_name="NO_HP")
    nama_usaha = fields.Field(attribute="business__name", column_name="NAMA_USAHA")
    alamat_usaha = fields.Field(attribute="business__address", column_name="ALAMAT_USAHA")
    kecamatan = fields.Field(column_name="KECAMATAN")
    kelurahan = fields.Field(attribute="business__kelurahan__name", column_name="KELURAHAN")
    kode_bank = fields.Field(attribute="account_bank_code", column_name="KODE_BANK")
    nama_bank = fields.Field(attribute="account_bank_name", column_name="NAMA_BANK")
    no_rekening = fields.Field(attribute="account_number", column_name="NO_REKENING")
    nama_rekening = fields.Field(attribute="account_holder", column_name="NAMA_PEMILIK_REKENING")
    pengusul = fields.Field(attribute="proposal_list__proposer_name", column_name="PENGUSUL")
    id_permohonan = fields.Field(attribute="pk", column_name="ID_PERMOHONAN")

    class Meta:
        model = Application
        fields = (
            "nik",
            "nama",
            "alamat_ktp",
            "bidang_usaha",
            "no_hp",
            "nama_usaha",
            "alamat_usaha",
            "kecamatan",
            "kelurahan",
            "kode_bank",
            "nama_bank",
            "no_rekening",
            "nama_rekening",
            "pengusul",
            "id_permohonan",
        )
        export_order = fields

    def dehydrate_no_hp(self, application: Application) -> str:
        return _national_phone(application.owner.phone)

    def dehydrate_kecamatan(self, application: Application) -> str:
        kelurahan = application.business.kelurahan
        return kelurahan.parent.name if kelurahan and kelurahan.parent_id else ""

    def dehydrate_id_permohonan(self, application: Application) -> str:
        return str(application.pk)


def render(queryset, file_format: str) -> bytes:
    """The rows in ``file_format`` (``csv`` or ``xlsx``) as bytes ready to send."""
    dataset = MinistrySubmissionResource().export(queryset)
    for index, row in enumerate(dataset):
        dataset[index] = tuple("" if value is None else str(value) for value in row)
    data = FORMATS[file_format]().export_data(dataset)
    # CSV with a byte-order mark, so Excel reads the names' accents as UTF-8.
    return ("\ufeff" + data).encode("utf-8") if isinstance(data, str) else data
