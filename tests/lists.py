"""Proposal lists written the way kelurahan offices send them, for tests."""

import csv
import io

HEADER = ["NIK", "Nama Lengkap", "Alamat KTP", "Kecamatan", "Nama Usaha", "Bidang Usaha", "No HP"]
# Canonical column names in HEADER's order, for forms that take a row's fields.
COLUMNS = ["nik", "full_name", "ktp_address", "kecamatan", "business_name", "sector", "phone"]


def as_csv(*rows, header=HEADER) -> bytes:
    """A CSV list (UTF-8, comma) with ``header`` and ``rows``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode()
