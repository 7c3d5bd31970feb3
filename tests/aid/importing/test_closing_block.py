"""A kelurahan workbook made the usual way ends where its people end (issue 25.10).

Title rows, a NO column, eight people, then a "JUMLAH" row and the signature block: place and
date, "Mengetahui,", "Lurah …", the name, "NIP …". The total row and the signature block are
skipped and counted, never refused as data kurang lengkap; the people keep being read right
(titles in names, phones stored as numbers, an apostrophe prefix, spaces in a NIK).
"""

import io
import random

import pytest
from django.urls import reverse
from openpyxl import Workbook

from aid.models import ImportRow
from registry import fakes

HEADER = ["NO", "NIK", "NAMA LENGKAP", "ALAMAT KTP", "NO HP", "NAMA USAHA", "BIDANG USAHA"]


def _workbook(people: list[list], closing: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["DAFTAR USULAN PENERIMA BPUM TAHUN 2020"])
    sheet.append(["KELURAHAN MARGAHAYU KECAMATAN BEKASI TIMUR"])
    sheet.append([])
    sheet.append(HEADER)
    for row in people:
        sheet.append(row)
    for row in closing:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _people(n: int) -> list[list]:
    rng = random.Random(25)
    rows = []
    for i in range(1, n + 1):
        nik = fakes.nik(rng, district="327501")
        rows.append(
            [
                i,
                # One NIK typed with spaces, the rest plain text.
                f"{nik[:6]} {nik[6:12]} {nik[12:]}" if i == 3 else nik,
                "Hj. Siti Aminah, S.E." if i == 1 else f"Warga Margahayu {i}",
                f"Jl. Melati No. {i} RT 00{i % 9 + 1} RW 002",
                # Excel kept one phone as a number (its leading 0 lost), one with an apostrophe.
                int("81234567" + f"{i:03d}") if i == 2 else f"'0812345670{i:02d}",
                f"Warung {i}",
                "Kuliner",
            ]
        )
    return rows


CLOSING = [
    ["", "JUMLAH", "", "", "", "8 orang", ""],
    [],
    ["", "", "", "", "Bekasi, 14 Agustus 2020", "", ""],
    ["", "", "", "", "Mengetahui,", "", ""],
    ["", "", "", "", "Lurah Margahayu", "", ""],
    [],
    ["", "", "", "", "H. Ahmad Sudrajat, S.Sos", "", ""],
    ["", "", "", "", "NIP 19700101 199003 1 001", "", ""],
]


@pytest.mark.django_db
def test_the_total_row_and_signature_block_are_skipped_and_counted(upload):
    proposal_list = upload("margahayu.xlsx", data=_workbook(_people(8), CLOSING))
    rows = ImportRow.objects.filter(proposal_list=proposal_list)
    assert rows.count() == 8
    assert not rows.filter(outcome=ImportRow.Outcome.REJECTED).exists()
    assert proposal_list.counts["rows"] == 8 and proposal_list.counts["rejected"] == {}
    # JUMLAH, place and date, Mengetahui, Lurah, the name, NIP: six non-blank closing rows.
    assert proposal_list.closing_rows == 6
    by_number = {r.row_number: r for r in rows}
    assert by_number[5].full_name == "Hj. Siti Aminah, S.E."
    assert by_number[6].phone == "+6281234567002"
    assert by_number[7].outcome == ImportRow.Outcome.ACCEPTED  # the NIK with spaces


@pytest.mark.django_db
def test_the_summary_names_the_rows_skipped(upload, client):
    proposal_list = upload("margahayu.xlsx", data=_workbook(_people(8), CLOSING))
    client.force_login(upload.operator)
    page = client.get(reverse("admin:aid_proposallist_import", args=[proposal_list.pk]))
    # Named by their numbers in the file (header on row 4, people on 5-12, blank rows 14, 18).
    assert "6 baris penutup dilewati (baris 13, 15–17, 19–20 di berkas" in page.content.decode()


@pytest.mark.django_db
def test_a_person_without_a_nik_above_the_closing_block_is_still_refused(upload):
    people = _people(3)
    people.append([4, "", "Tanpa NIK", "Jl. Mawar 1 RT 01", "081234567800", "Toko", "Kuliner"])
    proposal_list = upload("margahayu.xlsx", data=_workbook(people, CLOSING))
    refused = ImportRow.objects.filter(
        proposal_list=proposal_list, outcome=ImportRow.Outcome.REJECTED
    )
    assert list(refused.values_list("full_name", flat=True)) == ["Tanpa NIK"]
    assert proposal_list.closing_rows == 6


@pytest.mark.django_db
def test_a_person_listed_below_the_signatures_is_still_read(upload):
    people = _people(3)
    late = _people(5)[4]
    proposal_list = upload("margahayu.xlsx", data=_workbook(people, [*CLOSING, late]))
    assert proposal_list.counts["rows"] == 4
    assert proposal_list.closing_rows == 6
