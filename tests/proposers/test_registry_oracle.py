"""A proposer's own lists are no way to learn what the registry holds: a row of a registered
NIK whose name, phone or address differs reads, everywhere the proposer reads its rows, exactly
like a row of a NIK nobody registered. Staff still read the difference in the admin."""

import io
import re

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from aid.importing.flags import remarks
from aid.importing.row_messages import text
from aid.models import ImportRow, ProposalList
from tests.factories import OwnerFactory
from tests.lists import COLUMNS, as_csv
from tests.proposers.conftest import upload_file
from umkm_portal import roles

pytestmark = pytest.mark.django_db

REGISTERED_NIK = "3275015708900001"
UNKNOWN_NIK = "3275015708900002"
REGISTERED = {"full_name": "Siti Aminah", "phone": "+6281211110000", "ktp_address": "Jl. Melati 5"}
DIFFERENCES = {
    # Another name and phone: held for the Verifikator (note registry_conflict).
    "name and phone": ["Joko Susilo", "Jl. Melati 5", "081299998888"],
    # The same person at another address: the registry's is kept (note registered_owner).
    "address": ["Siti Aminah", "Jl. Kenanga 9", "081211110000"],
}


def _row(nik, name, address, phone):
    return [nik, name, address, "Bekasi Timur", "Warung", "Kuliner", phone]


def _neutral(text: str, proposal_list: ProposalList, nik: str) -> str:
    """``text`` with the NIK and the list's number written out of it."""
    text = re.sub(r"\s+", " ", text).replace(nik, "NIK")
    return text.replace(f"/daftar/{proposal_list.pk}/", "/daftar/N/")


def _seen_by_proposer(client, proposal_list: ProposalList, nik: str) -> dict:
    """Everything the proposer reads of its one-row list: the list page, the row page and the
    outcome files; then what it is told when it saves the row again, and the row's record."""

    def neutral(text: str) -> str:
        return _neutral(text, proposal_list, nik)

    detail = client.get(reverse("proposers:detail", args=[proposal_list.pk])).content.decode()
    row = client.get(reverse("proposers:row", args=[proposal_list.pk, 2])).content.decode()
    csv = client.get(reverse("proposers:outcome", args=[proposal_list.pk, "csv"]))
    xlsx = client.get(reverse("proposers:outcome", args=[proposal_list.pk, "xlsx"]))
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)))
    url = reverse("proposers:row", args=[proposal_list.pk, 2])
    row_now = ImportRow.objects.get(proposal_list=proposal_list)
    saved = client.post(url, dict(zip(COLUMNS, row_now.raw, strict=True)), follow=True)
    history = client.get(url).content.decode()
    return {
        "told on saving": neutral(saved.content.decode().split('<div class="messages">')[1][:600]),
        # What the record says after when and who.
        "row history": re.sub(
            r"<li>[^<]*? oleh [\w-]+",
            "<li>",
            neutral(history.split("Riwayat perbaikan</h2>")[1].split("</ul>")[0]),
        ),
        "list page": neutral(detail.split("Hasil pemeriksaan</h2>")[1].split("<h2>Kirim")[0]),
        "row page": neutral(row.split("<h1>")[1].split("<form")[0]),
        "csv": neutral(b"".join(csv.streaming_content).decode("utf-8-sig")),
        "xlsx": {
            sheet.title: [[neutral(str(c)) for c in r] for r in sheet.iter_rows(values_only=True)]
            for sheet in workbook.worksheets
        },
    }


@pytest.mark.parametrize("difference", DIFFERENCES)
def test_a_registered_nik_that_differs_reads_like_an_unknown_one(
    difference, aren_client, other_officer, program, make_staff
):
    OwnerFactory(nik=REGISTERED_NIK, **REGISTERED)
    koperasi_client = Client()
    koperasi_client.force_login(other_officer)
    name, address, phone = DIFFERENCES[difference]
    upload_file(aren_client, program, as_csv(_row(REGISTERED_NIK, name, address, phone)))
    upload_file(koperasi_client, program, as_csv(_row(UNKNOWN_NIK, name, address, phone)))
    registered_list = ProposalList.objects.get(import_rows__nik=REGISTERED_NIK)
    unknown_list = ProposalList.objects.get(import_rows__nik=UNKNOWN_NIK)
    # The rules did see the difference.
    assert ImportRow.objects.get(nik=REGISTERED_NIK).note_codes
    assert not ImportRow.objects.get(nik=UNKNOWN_NIK).note_codes

    registered_view = _seen_by_proposer(aren_client, registered_list, REGISTERED_NIK)
    unknown_view = _seen_by_proposer(koperasi_client, unknown_list, UNKNOWN_NIK)

    assert registered_view == unknown_view
    # Both are told, alike, that the Dinas compares accepted rows with its registry.
    assert "dicocokkan lagi oleh Dinas dengan data registry" in registered_view["list page"]
    assert "Tidak ada baris bermasalah." in registered_view["list page"]
    assert "terdaftar" not in registered_view["row page"] + registered_view["csv"]

    assert "sudah benar dan diterima" in registered_view["told on saving"]

    # Staff read the difference on the list's import page.
    staff = Client()
    staff.force_login(make_staff(roles.OPERATOR))
    pages = [
        staff.get(reverse("admin:aid_proposallist_import", args=[pk])).content.decode()
        for pk in (registered_list.pk, unknown_list.pk)
    ]
    assert "Pemilik NIK ini sudah terdaftar" in pages[0]
    assert "Pemilik NIK ini sudah terdaftar" not in pages[1]


def test_a_proposer_reads_no_other_application():
    """A refusal or a flag that names an application of the program names none to the
    proposer: which application holds a NIK, a phone or an account is the Dinas's."""
    received = {"program": "BPUM 2020", "application": 12}
    assert "#12" in text("already_received", received)
    assert "BPUM 2020" in text("already_received", received, for_proposer=True)
    assert "#12" not in text("already_received", received, for_proposer=True)
    flags = [{"rule": "phone", "applications": [12]}, {"rule": "phone", "rows": [3], "count": 1}]
    assert "#12" in remarks("", flags)
    assert (
        remarks("", flags, proposer=True) == "Nomor HP yang sama dipakai di baris 3 (NIK berbeda)."
    )
