"""Issue 24.6 at the import: what a proposer learns about a NIK proposed elsewhere, addresses
that name no place, and rows that share a phone or an account with a refused row."""

import pytest

from aid import services
from aid.models import Application, ImportRow, Reason
from tests.lists import as_csv

pytestmark = pytest.mark.django_db

HEADER = "NIK;Nama;Alamat KTP;Nama Usaha;Bidang Usaha;No HP;Bank;No Rekening\n"


def _rows(proposal_list) -> dict[int, ImportRow]:
    return {r.row_number: r for r in proposal_list.import_rows.all()}


def test_a_nik_proposed_by_another_proposer_names_neither_it_nor_its_application(upload):
    budi = ["3275011708900001", "Budi Santoso", "Jl. Melati 5", "", "Warung", "Kuliner"]
    first = upload(
        "koperasi.csv", proposer="Koperasi Sejahtera", data=as_csv([*budi, "081211110000"])
    )
    services.proposal_list_confirm(proposal_list=first, by=upload.operator)
    elsewhere = Application.objects.get(owner__nik=budi[0])
    proposal_list = upload(
        "lain.csv",
        proposer="Kelurahan Margahayu",
        data=as_csv(
            [*budi, "081234567890"],
            [
                "3275011708900003",
                "Joko Susilo",
                "Jl. Melati 3",
                "",
                "Bengkel",
                "Jasa",
                "081299990000",
            ],
            [
                "3275011708900004",
                "Ani Wijaya",
                "Jl. Melati 4",
                "",
                "Toko",
                "Dagang",
                "081288880000",
            ],
        ),
    )

    row = _rows(proposal_list)[2]
    assert row.reason_code == Reason.DUPLICATE_EXISTING
    text = row.explanation  # stored as a code, put in words when shown
    assert "sudah diusulkan" in text and "oleh lembaga lain" in text
    assert f"#{elsewhere.pk}" not in text and "Koperasi" not in text


@pytest.mark.parametrize(
    "address, complete",
    [
        ("-- Blok C", False),
        ("RT 01 RW 02", False),
        ("Blok C No. 5", False),
        ("Jl. Melati 5 RT 01", True),
        ("Perum Harapan Indah Blok C", True),
    ],
)
def test_an_address_naming_no_place_is_incomplete(upload, address, complete):
    proposal_list = upload(
        "alamat.csv",
        data=as_csv(
            ["3275011708900001", "Budi Santoso", address, "", "Warung", "Kuliner", "081234567890"]
        ),
    )

    row = _rows(proposal_list)[2]
    if complete:
        assert row.outcome == ImportRow.Outcome.ACCEPTED
    else:
        assert (row.outcome, row.reason_code) == ("rejected", Reason.INCOMPLETE)
        assert "Alamat KTP tidak lengkap" in row.message


def test_a_row_sharing_phone_or_account_with_a_refused_row_is_flagged(upload):
    account = "1234567890"
    rows = [
        # Refused: the NIK was damaged by Excel (3.27501E+15).
        f"3.27501E+15;Siti Rahma;Jl. Melati 2;Warung Siti;Kuliner;081211112222;002;{account}",
        # Another NIK with the same phone, and one with the same account.
        "3275015708900002;Siti Rahma;Jl. Melati 2;Warung Siti;Kuliner;081211112222;;",
        f"3275011708900003;Joko Susilo;Jl. Melati 3;Bengkel Joko;Jasa;081233334444;002;{account}",
        "3275011708900004;Ani Wijaya;Jl. Melati 4;Toko Ani;Dagang;081255556666;;",
    ]
    proposal_list = upload("ganda.csv", data=(HEADER + "\n".join(rows) + "\n").encode())

    by_number = _rows(proposal_list)
    assert by_number[2].reason_code == Reason.INVALID_NIK
    flagged = {n for n, r in by_number.items() if r.flags}
    assert flagged == {3, 4}
    assert by_number[3].outcome == by_number[4].outcome == ImportRow.Outcome.ACCEPTED
    assert "Nomor HP yang sama dipakai di baris 2" in by_number[3].remarks
    assert "Rekening yang sama dipakai di baris 2" in by_number[4].remarks


def test_a_phone_shared_with_a_row_refused_for_its_address_is_flagged(upload):
    rows = [
        "3275011708900009;Dedi;--;Warung;Kuliner;081277778888;;",  # refused: no address
        "3275011708900003;Dedi Kurnia;Jl. Kenanga 1;Warung;Kuliner;081277778888;;",
    ]
    proposal_list = upload("ganda2.csv", data=(HEADER + "\n".join(rows) + "\n").encode())

    by_number = _rows(proposal_list)
    assert by_number[2].outcome == ImportRow.Outcome.REJECTED
    assert "Nomor HP yang sama dipakai di baris 2" in by_number[3].remarks
