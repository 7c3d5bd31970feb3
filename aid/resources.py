"""django-import-export resources of the aid app.

- Staff exports of applications and disbursements, masked by permission and logged
  (``ApplicationResource``, ``DisbursementResource``).
- The ministry's row format for submissions (``MinistrySubmissionResource``): one row per
  application, column names as docs/grant-lifecycle.md lists under "Files"; every value is
  written as text, so an XLSX opened in Excel keeps all 16 digits of a NIK and the leading
  zeros of an account number.
"""

from django.utils.translation import gettext_lazy as _
from import_export import fields, resources, widgets
from import_export.fields import Field
from import_export.formats import base_formats

from aid.models import Application, Disbursement, Program, RequiredColumn
from privacy import masking
from privacy.exports import PersonalDataResource
from umkm_portal.spreadsheets import safe_cell

# Local time (Asia/Jakarta), as staff read it.
DATETIME = widgets.DateTimeWidget("%Y-%m-%d %H:%M")


class ApplicationResource(PersonalDataResource):
    masks = {"nik": masking.mask_nik}
    select_related = (
        "owner",
        "business__kecamatan",
        "business__kelurahan",
        "program",
        "proposal_list",
    )

    id = Field(attribute="id", column_name="id", widget=widgets.IntegerWidget())
    program = Field(attribute="program__code", column_name=_("program"))
    nik = Field(attribute="owner__nik", column_name=_("NIK"))
    full_name = Field(attribute="owner__full_name", column_name=_("nama lengkap"))
    business = Field(attribute="business__name", column_name=_("nama usaha"))
    kelurahan = Field(attribute="business__kelurahan__name", column_name=_("kelurahan usaha"))
    kecamatan = Field(attribute="business__kecamatan__name", column_name=_("kecamatan usaha"))
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


FORMATS = {"csv": base_formats.CSV, "xlsx": base_formats.XLSX}


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
    kecamatan = fields.Field(attribute="business__kecamatan__name", column_name="KECAMATAN")
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

    def export(self, *args, **kwargs):
        dataset = super().export(*args, **kwargs)
        dataset.title = "Pengajuan"  # the sheet's name in XLSX, not "Tablib Dataset"
        return dataset

    def dehydrate_no_hp(self, application: Application) -> str:
        return _national_phone(application.owner.phone)

    def dehydrate_id_permohonan(self, application: Application) -> str:
        return str(application.pk)


# Columns shown masked to staff without the full-identity permission (Pimpinan).
_MINISTRY_MASKS = {
    "NIK": masking.mask_nik,
    "NO_KK": masking.mask_nik,
    "NO_HP": masking.mask_phone,
    "NO_REKENING": masking.mask_account,
}


# The ministry's columns and where each value comes from (one query, no model instances):
# the same as MinistrySubmissionResource, which stays the declaration of the format.
_MINISTRY_VALUES = (
    ("NIK", "owner__nik"),
    ("NAMA", "owner__full_name"),
    ("ALAMAT_KTP", "owner__ktp_address"),
    ("BIDANG_USAHA", "business__sector"),
    ("NO_HP", "owner__phone"),
    ("NAMA_USAHA", "business__name"),
    ("ALAMAT_USAHA", "business__address"),
    ("KECAMATAN", "business__kecamatan__name"),
    ("KELURAHAN", "business__kelurahan__name"),
    ("KODE_BANK", "account_bank_code"),
    ("NAMA_BANK", "account_bank_name"),
    ("NO_REKENING", "account_number"),
    ("NAMA_PEMILIK_REKENING", "account_holder"),
    ("PENGUSUL", "proposal_list__proposer_name"),
    ("ID_PERMOHONAN", "pk"),
)


# Columns a program adds when it requires the value of every row (Program.required_columns),
# placed after the column named: BPUM 2021 asks for the Nomor KK beside the NIK.
_MINISTRY_REQUIRED = {RequiredColumn.KK: ("NIK", ("NO_KK", "owner__kk_number"))}


def ministry_columns(program: Program | None = None) -> list[tuple[str, str]]:
    """The ministry's columns for ``program`` (name, where the value comes from): every
    program's, plus those its required columns add (``NO_KK`` when it requires the KK)."""
    columns = list(_MINISTRY_VALUES)
    for required, (after, column) in _MINISTRY_REQUIRED.items():
        if program is not None and program.requires(required):
            at = [name for name, _path in columns].index(after) + 1
            columns.insert(at, column)
    return columns


def ministry_rows(queryset, *, full_identity: bool = True, program: Program | None = None):
    """The ministry's header, then each application of ``queryset`` (from
    :func:`aid.selectors.submission_rows`) as text cells, read in one query and streamed;
    without ``full_identity`` the NIK, KK, phone and account columns are masked. None is a
    live formula (safe_cell). The columns are ``program``'s (:func:`ministry_columns`)."""
    columns = ministry_columns(program)
    headers = [name for name, _path in columns]
    yield headers
    masks = [None if full_identity else _MINISTRY_MASKS.get(name) for name in headers]
    phone = headers.index("NO_HP")
    values = queryset.values_list(*(path for _name, path in columns))
    for row in values.iterator(chunk_size=2000):
        texts = ["" if value is None else str(value) for value in row]
        texts[phone] = _national_phone(texts[phone])
        yield [
            safe_cell(mask(text) if mask else text) for mask, text in zip(masks, texts, strict=True)
        ]


def render_to(
    out, queryset, file_format: str, *, full_identity: bool = True, program: Program | None = None
) -> int:
    """Write the rows (:func:`ministry_rows`) in ``file_format`` (``csv`` or ``xlsx``) to the
    binary file ``out``, streamed; returns the number of applications written."""
    return write_rows(
        out,
        ministry_rows(queryset, full_identity=full_identity, program=program),
        file_format,
        "Pengajuan",
    )


# The bank's columns for a re-transfer (docs/grant-lifecycle.md, "Files"): the fields the
# bank report that comes back names (NIK, NO_REKENING, KODE_BANK, NOMINAL), the failed
# transfer's reference, and the portal's application number.
_BANK_VALUES = (
    ("NIK", "application__owner__nik"),
    ("NAMA", "application__owner__full_name"),
    ("KODE_BANK", "bank_code"),
    ("NAMA_BANK", "bank_name"),
    ("NO_REKENING", "account_number"),
    ("NAMA_PEMILIK_REKENING", "holder_name"),
    ("NOMINAL", "application__program__amount"),
    ("REFERENSI_GAGAL", "failed_reference"),
    ("ID_PERMOHONAN", "application_id"),
)
_BANK_MASKS = {"NIK": masking.mask_nik, "NO_REKENING": masking.mask_account}


def retransfer_rows(queryset, *, full_identity: bool = True):
    """The bank's header, then each item of ``queryset`` (from
    :func:`aid.selectors.retransfer_rows`) as text cells, streamed; masked as the ministry's
    rows are without ``full_identity``. None is a live formula (safe_cell)."""
    headers = [name for name, _path in _BANK_VALUES]
    yield headers
    masks = [None if full_identity else _BANK_MASKS.get(name) for name in headers]
    values = queryset.values_list(*(path for _name, path in _BANK_VALUES))
    for row in values.iterator(chunk_size=2000):
        texts = ["" if value is None else str(value) for value in row]
        yield [
            safe_cell(mask(text) if mask else text) for mask, text in zip(masks, texts, strict=True)
        ]


def render_retransfer_to(out, queryset, file_format: str, *, full_identity: bool = True) -> int:
    """Write a re-transfer export (:func:`retransfer_rows`) to ``out``; returns the rows."""
    return write_rows(
        out, retransfer_rows(queryset, full_identity=full_identity), file_format, "Kirim ulang"
    )


def write_rows(out, rows, file_format: str, sheet: str) -> int:
    """Write ``rows`` (header first, then text cells) in ``file_format`` (``csv`` or
    ``xlsx``) to the binary file ``out``, streamed; returns the rows after the header."""
    import csv
    import io

    from umkm_portal import xlsx

    header = next(rows)
    count = 0

    def counted():
        nonlocal count
        for row in rows:
            count += 1
            yield row

    if file_format == "xlsx":
        xlsx.write(out, counted(), header=header, sheet=sheet)
        return count
    if file_format != "csv":
        raise ValueError(file_format)
    # CSV with a byte-order mark, so Excel reads the names' accents as UTF-8.
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    try:
        text.write("\ufeff")
        writer = csv.writer(text, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(counted())
        text.flush()
    finally:
        text.detach()
    return count


def render(
    queryset, file_format: str, *, full_identity: bool = True, program: Program | None = None
) -> bytes:
    """The rows in ``file_format`` (``csv`` or ``xlsx``) as bytes ready to send; without
    ``full_identity`` the NIK, phone and account columns are masked. Every value is text,
    none a live formula (safe_cell)."""
    import io

    out = io.BytesIO()
    render_to(out, queryset, file_format, full_identity=full_identity, program=program)
    return out.getvalue()
