"""The blank list offered for download: CSV and XLSX (NIK and number columns as text)."""

from __future__ import annotations

import io

import tablib

from aid.importing.columns import COLUMNS, LABELS

EXAMPLE = {
    "nik": "3275014708850003",
    "full_name": "Siti Aminah",
    "ktp_address": "Jl. Melati No. 5",
    "rt": "003",
    "rw": "007",
    "kecamatan": "Bekasi Timur",
    "kelurahan": "Aren Jaya",
    "business_name": "Warung Siti",
    "sector": "Kuliner",
    "phone": "081234567890",
    "bank": "BRI",
    "account_number": "012301000123456",
}
TEXT_COLUMNS = {"nik", "rt", "rw", "phone", "account_number"}


def template_csv() -> bytes:
    dataset = tablib.Dataset(
        [EXAMPLE[c] for c in COLUMNS], headers=[str(LABELS[c]) for c in COLUMNS]
    )
    return ("\ufeff" + dataset.export("csv", delimiter=";")).encode("utf-8")


def template_xlsx() -> bytes:
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Daftar usulan"
    sheet.append([str(LABELS[c]) for c in COLUMNS])
    sheet.append([EXAMPLE[c] for c in COLUMNS])
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = 22
        if column in TEXT_COLUMNS:
            # '@' is Excel's Text format: typed NIKs keep all 16 digits.
            for row in range(1, 2001):
                sheet[f"{letter}{row}"].number_format = "@"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
