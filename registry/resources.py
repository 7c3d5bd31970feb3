"""Export columns of owners and businesses (django-import-export), masked and logged."""

from django.utils.translation import gettext_lazy as _
from import_export import widgets
from import_export.fields import Field

from privacy import masking
from privacy.exports import PersonalDataResource
from registry.models import Business, Owner


class OwnerResource(PersonalDataResource):
    masks = {"nik": masking.mask_nik, "kk_number": masking.mask_nik, "phone": masking.mask_phone}
    select_related = ("kelurahan__parent",)

    id = Field(attribute="id", column_name="id", widget=widgets.IntegerWidget())
    nik = Field(attribute="nik", column_name=_("NIK"))
    full_name = Field(attribute="full_name", column_name=_("nama lengkap"))
    sex = Field(attribute="get_sex_display", column_name=_("jenis kelamin"))
    birth_date = Field(
        attribute="birth_date",
        column_name=_("tanggal lahir"),
        widget=widgets.DateWidget("%Y-%m-%d"),
    )
    kk_number = Field(attribute="kk_number", column_name=_("nomor KK"))
    phone = Field(attribute="phone", column_name=_("nomor HP"))
    ktp_address = Field(attribute="ktp_address", column_name=_("alamat KTP"))
    kelurahan = Field(attribute="kelurahan__name", column_name=_("kelurahan"))
    kecamatan = Field(attribute="kelurahan__parent__name", column_name=_("kecamatan"))
    lives_in_bekasi = Field(
        attribute="lives_in_bekasi",
        column_name=_("ber-KTP Kota Bekasi"),
        widget=widgets.BooleanWidget(),
    )

    class Meta:
        model = Owner
        fields = (
            "id",
            "nik",
            "full_name",
            "sex",
            "birth_date",
            "kk_number",
            "phone",
            "ktp_address",
            "kelurahan",
            "kecamatan",
            "lives_in_bekasi",
        )


class BusinessResource(PersonalDataResource):
    masks = {"owner_nik": masking.mask_nik}
    select_related = ("owner", "kecamatan", "kelurahan")

    id = Field(attribute="id", column_name="id", widget=widgets.IntegerWidget())
    name = Field(attribute="name", column_name=_("nama usaha"))
    owner_nik = Field(attribute="owner__nik", column_name=_("NIK pemilik"))
    owner_name = Field(attribute="owner__full_name", column_name=_("nama pemilik"))
    sector = Field(attribute="sector", column_name=_("bidang usaha"))
    nib = Field(attribute="nib", column_name=_("NIB"))
    address = Field(attribute="address", column_name=_("alamat usaha"))
    kelurahan = Field(attribute="kelurahan__name", column_name=_("kelurahan"))
    kecamatan = Field(attribute="kecamatan__name", column_name=_("kecamatan"))
    size_class = Field(attribute="get_size_class_display", column_name=_("skala usaha"))
    workers = Field(
        attribute="workers", column_name=_("jumlah tenaga kerja"), widget=widgets.IntegerWidget()
    )
    year_started = Field(
        attribute="year_started", column_name=_("tahun mulai"), widget=widgets.IntegerWidget()
    )

    class Meta:
        model = Business
        fields = (
            "id",
            "name",
            "owner_nik",
            "owner_name",
            "sector",
            "nib",
            "address",
            "kelurahan",
            "kecamatan",
            "size_class",
            "workers",
            "year_started",
        )
