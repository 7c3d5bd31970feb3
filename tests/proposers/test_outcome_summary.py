"""Totals that add up for a kelurahan (issue 25.8): a row with a damaged NIK and another
problem is counted once, under the NIK, and the outcome file's summary sheet says so and
names the other problem."""

import io

from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from aid.models import ImportRow, ProposalList, Reason
from tests.lists import COLUMNS, as_csv
from tests.proposers.conftest import upload_file
from tests.proposers.test_workspace import BAD_PHONE, GOOD
from umkm_portal import roles

# Excel's damage to a NIK and no KTP address: two problems on one row.
DAMAGED_AND_INCOMPLETE = [
    "3.27501E+15",
    "Fajar Nugroho",
    "",
    "Bekasi Timur",
    "Warung Fajar",
    "Kuliner",
    "081200000016",
]


def _summary(client, proposal_list) -> list[list]:
    response = client.get(reverse("proposers:outcome", args=[proposal_list.pk, "xlsx"]))
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames == ["Hasil pemeriksaan", "Ringkasan"]
    return [[c.value for c in row] for row in book["Ringkasan"].iter_rows()]


def test_a_row_with_a_damaged_nik_and_another_problem_is_counted_once_and_named(
    aren_client, program
):
    upload_file(aren_client, program, as_csv(*GOOD, DAMAGED_AND_INCOMPLETE, BAD_PHONE))
    proposal_list = ProposalList.objects.get()
    row = ImportRow.objects.get(proposal_list=proposal_list, row_number=4)
    assert (row.reason_code, row.other_reasons) == (Reason.INVALID_NIK, Reason.INCOMPLETE)
    assert proposal_list.counts["rejected"] == {"invalid_nik": 1, "invalid_field": 1}

    summary = _summary(aren_client, proposal_list)

    counted = {label: n for label, n in summary if label}
    assert counted["Diterima"] == 2
    assert counted["NIK tidak valid"] == 1 and "Data kurang lengkap" not in counted
    assert counted["Data tidak sesuai format"] == 1
    assert counted["Jumlah baris"] == 4
    assert counted["NIK tidak valid, juga data kurang lengkap"] == 1
    assert any("dihitung sekali" in (label or "") for label, _ in summary)

    page = aren_client.get(reverse("proposers:detail", args=[proposal_list.pk])).content.decode()
    assert "1 baris yang ditolak punya lebih dari satu masalah" in page


def test_a_corrected_nik_leaves_the_other_problem_counted(aren_client, program):
    upload_file(aren_client, program, as_csv(DAMAGED_AND_INCOMPLETE))
    proposal_list = ProposalList.objects.get()
    fixed = dict(zip(COLUMNS, DAMAGED_AND_INCOMPLETE, strict=True))
    fixed["nik"] = "3275014708850017"
    aren_client.post(reverse("proposers:row", args=[proposal_list.pk, 2]), fixed)

    row = ImportRow.objects.get(proposal_list=proposal_list)
    assert (row.reason_code, row.other_reasons) == (Reason.INCOMPLETE, "")
    summary = {label: n for label, n in _summary(aren_client, proposal_list) if label}
    assert summary["Data kurang lengkap"] == 1 and "NIK tidak valid" not in summary
    assert "Tidak ada baris dengan lebih dari satu masalah." in summary


def test_the_operator_sees_the_same_count_once_rule(aren_client, program, make_staff):
    upload_file(aren_client, program, as_csv(*GOOD, DAMAGED_AND_INCOMPLETE))
    proposal_list = ProposalList.objects.get()
    desk = Client()
    desk.force_login(make_staff(roles.OPERATOR))

    page = desk.get(reverse("admin:aid_proposallist_import", args=[proposal_list.pk]))

    text = page.content.decode()
    assert "Ditolak dengan lebih dari satu masalah" in text
    row = text[text.index("Ditolak dengan lebih dari satu masalah") :]
    assert '<td class="number">1</td>' in row[: row.index("</tr>")]
