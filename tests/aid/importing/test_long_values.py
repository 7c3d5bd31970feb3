"""A value longer than the registry keeps refuses its row with the length to fix, instead of
being cut short without a word (a cut address or name would be merged as if it were whole)."""

import pytest

from aid.models import ImportRow, ImportStatus, Reason
from tests.aid.conftest import csv_bytes
from tests.factories import OwnerFactory

pytestmark = pytest.mark.django_db

HEADER = ["NIK", "Nama Lengkap", "Alamat KTP", "No HP", "Nama Usaha", "Bidang Usaha"]


def test_over_long_values_refuse_the_row_naming_the_column_and_the_limit(upload):
    niks = [OwnerFactory.build().nik for _ in range(3)]
    long_address = "Jl. Raya Narogong " + "RT 01 RW 02 " * 30  # 378 characters
    rows = [
        HEADER,
        [niks[0], "Siti Aminah", long_address, "081234567801", "Warung Siti", "Kuliner"],
        [niks[1], "Budi " + "Santoso " * 20, "Jl. Kenanga 2", "081234567802", "Toko", "Dagang"],
        [niks[2], "Rina Wati", "Jl. Mawar 3", "081234567803", "Kedai Rina", "Kuliner"],
    ]

    proposal_list = upload("daftar.csv", data=csv_bytes(rows))

    assert proposal_list.import_status == ImportStatus.STAGED
    staged = {r.row_number: r for r in ImportRow.objects.filter(proposal_list=proposal_list)}
    address, name = staged[2], staged[3]
    assert (address.outcome, address.reason_code) == ("rejected", Reason.INVALID_FIELD)
    assert (
        f"Alamat KTP terlalu panjang ({len(long_address.strip())} karakter; paling banyak 255)"
        in (address.message)
    )
    assert "Nama Lengkap terlalu panjang" in name.message and "paling banyak 150" in name.message
    assert staged[4].outcome == "accepted"
