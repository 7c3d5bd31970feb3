"""The canonical columns of a proposal list and the header names they arrive under."""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

# Canonical column -> label used in templates, messages and outcome files.
LABELS = {
    "nik": _("NIK"),
    "kk": _("No KK"),
    "full_name": _("Nama Lengkap"),
    "ktp_address": _("Alamat KTP"),
    "rt": _("RT"),
    "rw": _("RW"),
    "kecamatan": _("Kecamatan"),
    "kelurahan": _("Kelurahan"),
    "business_name": _("Nama Usaha"),
    "sector": _("Bidang Usaha"),
    "phone": _("No HP"),
    "bank": _("Bank"),
    "account_number": _("No Rekening"),
}
COLUMNS = list(LABELS)
REQUIRED_IN_HEADER = ("nik", "full_name")

# Header spellings seen in lists from kelurahan offices and cooperatives, folded by
# header_key(): case, spaces, dots, dashes and underscores do not matter.
_ALIASES = {
    "nik": [
        "nik",
        "no ktp",
        "nomor ktp",
        "no nik",
        "nomor nik",
        "nik ktp",
        "nomor induk kependudukan",
    ],
    "kk": ["kk", "no kk", "nomor kk", "no kartu keluarga", "nomor kartu keluarga", "nkk"],
    "full_name": ["nama", "nama lengkap", "nama pemilik", "nama pelaku usaha", "nama sesuai ktp"],
    "ktp_address": ["alamat", "alamat ktp", "alamat sesuai ktp", "alamat rumah"],
    "rt": ["rt"],
    "rw": ["rw"],
    "kecamatan": ["kecamatan", "kec"],
    "kelurahan": ["kelurahan", "kel", "desa", "desa kelurahan", "kelurahan desa"],
    "business_name": ["nama usaha", "usaha", "nama umkm"],
    "sector": ["bidang usaha", "jenis usaha", "sektor usaha", "sektor", "kategori usaha"],
    "phone": [
        "no hp",
        "nomor hp",
        "hp",
        "telepon",
        "telp",
        "no telp",
        "no telepon",
        "nomor telepon",
        "no wa",
        "no hp wa",
        "handphone",
    ],
    "bank": ["bank", "nama bank", "kode bank"],
    "account_number": ["no rekening", "nomor rekening", "rekening", "no rek", "norek"],
}

_NOT_ALNUM = re.compile(r"[^0-9a-z]")


def header_key(text: str) -> str:
    """ "No. HP", "NO_HP", " no hp " -> "nohp"."""
    return _NOT_ALNUM.sub("", str(text or "").lower())


ALIASES: dict[str, str] = {
    header_key(alias): column for column, names in _ALIASES.items() for alias in names
}


def map_header(cells: list[str]) -> dict[str, int]:
    """Canonical column -> index of the first header cell that names it."""
    mapping: dict[str, int] = {}
    for index, cell in enumerate(cells):
        column = ALIASES.get(header_key(cell))
        if column and column not in mapping:
            mapping[column] = index
    return mapping
