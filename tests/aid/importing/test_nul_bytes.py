"""Finding 15: a NUL byte in one cell refuses that row with a clear message; the list lives.

PostgreSQL cannot store NUL in text at all, and SQLite's driver cuts text at it, so a NUL
that reached the staging table failed the whole list as a system error.
"""

import io
import zipfile

import pytest

from aid.models import ImportRow, ImportStatus, Reason
from tests.aid.conftest import csv_bytes, xlsx_bytes
from tests.factories import OwnerFactory

pytestmark = pytest.mark.django_db

HEADER = ["NIK", "Nama Lengkap", "Alamat KTP", "No HP", "Nama Usaha"]


def _rows(niks):
    return [
        HEADER,
        [niks[0], "Siti Aminah", "Jl. Melati 1", "081234567801", "Warung Siti"],
        [niks[1], "Budi\x00 Santoso", "Jl. Kenanga 2", "081234567802", "Toko Budi"],
        [niks[2], "Rina Wati", "Jl. Mawar 3", "081234567803", "Kedai Rina"],
    ]


def _niks():
    # Valid, distinct NIKs from the factory (the owners themselves are not kept).
    owners = [OwnerFactory.build() for _ in range(3)]
    return [o.nik for o in owners]


def _xlsx_with_nul(rows) -> bytes:
    """An XLSX whose sheet XML carries a NUL as a character reference (``&#0;``)."""
    marked = [[cell.replace("\x00", "[NUL]") for cell in row] for row in rows]
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes(marked)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename).replace(b"[NUL]", b"&#0;"))
    return out.getvalue()


def test_a_nul_byte_in_a_csv_refuses_its_row_with_a_message_and_the_list_is_staged(upload):
    proposal_list = upload("daftar.csv", data=csv_bytes(_rows(_niks())))

    assert proposal_list.import_status == ImportStatus.STAGED, proposal_list.import_error
    staged = {r.row_number: r for r in ImportRow.objects.filter(proposal_list=proposal_list)}
    assert len(staged) == 3
    bad = staged[3]
    assert bad.outcome == ImportRow.Outcome.REJECTED
    assert bad.reason_code == Reason.INVALID_FIELD
    assert "Nama Lengkap" in bad.message and "karakter tak terlihat" in bad.message
    assert all("\x00" not in value for value in bad.raw)
    assert bad.full_name == "Budi Santoso"
    assert [staged[2].outcome, staged[4].outcome] == [ImportRow.Outcome.ACCEPTED] * 2


def test_a_nul_in_an_xlsx_refuses_the_list_naming_the_row_not_a_system_error(upload):
    # XML cannot carry a NUL: the sheet is unreadable from that cell on, so the row cannot
    # be refused on its own; the list is refused with the place to fix, never "failed".
    proposal_list = upload("daftar.xlsx", data=_xlsx_with_nul(_rows(_niks())))

    assert proposal_list.import_status == ImportStatus.REFUSED
    assert "setelah baris 2" in proposal_list.import_error
    assert "NUL" in proposal_list.import_error
