"""The statuses of an application and the reasons for a refusal, with the advice each gives."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    PROPOSED = "proposed", _("Diusulkan")
    VERIFIED = "verified", _("Terverifikasi")
    SUBMITTED = "submitted", _("Diajukan ke Kementerian")
    APPROVED = "approved", _("Ditetapkan sebagai penerima")
    TRANSFERRED = "transferred", _("Ditransfer")
    WITHDRAWN = "withdrawn", _("Dicairkan")
    RETURNED = "returned", _("Dikembalikan ke kas negara")
    TRANSFER_FAILED = "transfer_failed", _("Transfer gagal")
    REJECTED = "rejected", _("Ditolak")


class Reason(models.TextChoices):
    DUPLICATE_IN_LIST = "duplicate_in_list", _("Data ganda dalam satu daftar usulan")
    DUPLICATE_EXISTING = "duplicate_existing", _("Sudah diusulkan dalam daftar lain")
    ALREADY_RECEIVED = "already_received", _("Sudah pernah menerima bantuan ini")
    INVALID_NIK = "invalid_nik", _("NIK tidak valid")
    INCOMPLETE = "incomplete", _("Data kurang lengkap")
    INVALID_FIELD = "invalid_field", _("Data tidak sesuai format")
    INELIGIBLE = "ineligible", _("Tidak memenuhi syarat")
    NOT_APPROVED = "not_approved", _("Tidak ditetapkan oleh Kementerian")
    OTHER = "other", _("Alasan lain")


# What the owner should do next, by reason. Shown on the status page and in outcome files.
REASON_ADVICE = {
    Reason.DUPLICATE_IN_LIST: _(
        "NIK Anda tercantum lebih dari sekali dalam daftar yang sama. Satu usulan tetap "
        "diproses; Anda tidak perlu mendaftar ulang."
    ),
    Reason.DUPLICATE_EXISTING: _(
        "Anda sudah diusulkan lewat daftar lain untuk program ini. Hubungi kelurahan Anda bila "
        "data di usulan tersebut perlu diperbaiki."
    ),
    Reason.ALREADY_RECEIVED: _(
        "Bantuan ini hanya diberikan satu kali untuk setiap NIK, dan Anda sudah menerimanya."
    ),
    Reason.INVALID_NIK: _(
        "NIK dalam usulan tidak sesuai KTP. Bawa KTP Anda ke kelurahan agar data usulan diperbaiki."
    ),
    Reason.INCOMPLETE: _(
        "Data usulan Anda kurang lengkap. Lengkapi alamat, nomor HP dan data usaha melalui "
        "kelurahan Anda."
    ),
    Reason.INVALID_FIELD: _(
        "Sebagian data (nomor HP, wilayah atau rekening) tidak sesuai format. Hubungi kelurahan "
        "Anda untuk memperbaikinya."
    ),
    Reason.INELIGIBLE: _(
        "Penerima harus WNI pelaku usaha mikro, bukan ASN, TNI, Polri atau pegawai BUMN/BUMD, "
        "dan tidak sedang menerima kredit bank atau KUR."
    ),
    Reason.NOT_APPROVED: _(
        "Kementerian tidak menetapkan Anda sebagai penerima pada tahap ini. Hubungi Dinas "
        "Koperasi dan UKM bila ada tahap berikutnya."
    ),
    Reason.OTHER: _("Hubungi Dinas Koperasi dan UKM Kota Bekasi untuk penjelasan."),
}
