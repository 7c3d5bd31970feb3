"""The blank files offered for download, CSV and XLSX (NIK and number columns as text): the
proposal list here, and through :func:`table_csv`/:func:`table_xlsx` the decision file and
the bank report (:mod:`aid.admin.imported_files`)."""

from __future__ import annotations

import io

import tablib

from aid.importing.columns import COLUMNS, LABELS

EXAMPLE = {
    "nik": "3275014708850003",
    "kk": "3275011503150004",
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
TEXT_COLUMNS = {"nik", "kk", "rt", "rw", "phone", "account_number"}


def template_csv() -> bytes:
    return table_csv([str(LABELS[c]) for c in COLUMNS], [EXAMPLE[c] for c in COLUMNS])


def template_xlsx() -> bytes:
    return table_xlsx(
        "Daftar usulan",
        [str(LABELS[c]) for c in COLUMNS],
        [EXAMPLE[c] for c in COLUMNS],
        text_columns=[c in TEXT_COLUMNS for c in COLUMNS],
    )


def table_csv(headers: list[str], example: list[str]) -> bytes:
    """A template as CSV: semicolons and a BOM, as Indonesian Excel opens them."""
    dataset = tablib.Dataset(example, headers=headers)
    return ("\ufeff" + dataset.export("csv", delimiter=";")).encode("utf-8")


def table_xlsx(
    title: str, headers: list[str], example: list[str], *, text_columns: list[bool]
) -> bytes:
    """A template as a workbook: header, example row, and the columns flagged in
    ``text_columns`` formatted as Text for 2,000 rows."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append(headers)
    sheet.append(example)
    for index, as_text in enumerate(text_columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = 22
        if as_text:
            # '@' is Excel's Text format: typed NIKs keep all 16 digits.
            for row in range(1, 2001):
                sheet[f"{letter}{row}"].number_format = "@"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
