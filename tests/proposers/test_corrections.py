"""A correction or removal in the workspace changes more than its own row: copies of the NIK
the row held are checked again, and the possible-duplicate flags follow the rows as they are
now. What the officer reads on the list page and in the outcome file is what merging does."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from aid import services
from aid.models import Application, ImportRow, ImportRowCorrection, ProposalList, Reason
from tests.factories import OwnerFactory
from tests.lists import COLUMNS, as_csv
from tests.proposers.conftest import upload_file

pytestmark = pytest.mark.django_db

ANI = ["3275014708850021", "Ani Rahayu", "Jl. Melati 1", "Bekasi Timur", "Warung Ani", "Kuliner",
       "081200000011"]  # fmt: skip
BUDI = ["3275091203800022", "Budi Santoso", "Jl. Kenari 2", "Jatiasih", "Bengkel Budi",
        "Otomotif", "081200000012"]  # fmt: skip
CICI = ["3275085506900023", "Cici Paramitha", "Jl. Mawar 3", "Pondokgede", "Jahit Cici",
        "Konveksi", "081200000013"]  # fmt: skip


def with_nik(row, nik):
    return [nik, *row[1:]]


def with_phone(row, phone):
    return [*row[:6], phone]


def rows_of(proposal_list):
    return {r.row_number: r for r in ImportRow.objects.filter(proposal_list=proposal_list)}


def correct(client, proposal_list, number, row):
    """Post the row's form as the officer does; returns the page it leads to."""
    url = reverse("proposers:row", args=[proposal_list.pk, number])
    response = client.post(url, dict(zip(COLUMNS, row, strict=True)), follow=True)
    assert response.redirect_chain, response.content.decode()[:2000]
    return response


def remove(client, proposal_list, number):
    url = reverse("proposers:row", args=[proposal_list.pk, number])
    response = client.post(url, {"remove": "1", "confirmed": "1"}, follow=True)
    assert response.redirect_chain
    return response


def staged(client, program, *rows) -> ProposalList:
    upload_file(client, program, as_csv(*rows))
    return ProposalList.objects.get()


def test_correcting_the_first_of_two_rows_with_one_nik_accepts_the_copy(
    aren_client, program, officer
):
    # Row 2 is Ani with Budi's NIK typed by mistake; row 3 is Budi, refused as its copy.
    proposal_list = staged(aren_client, program, with_nik(ANI, BUDI[0]), BUDI)
    rows = rows_of(proposal_list)
    assert rows[3].reason_code == Reason.DUPLICATE_IN_LIST and "baris 2" in rows[3].explanation

    response = correct(aren_client, proposal_list, 2, ANI)

    assert "Baris 3 tadinya ditolak sebagai data ganda" in response.content.decode()
    rows = rows_of(proposal_list)
    assert [rows[2].outcome, rows[3].outcome] == ["accepted", "accepted"]
    assert rows[3].message == "" and rows[3].reason_code == ""
    # The change is on the row's own record too, with who caused it.
    record = ImportRowCorrection.objects.get(row=rows[3])
    assert (record.action, record.outcome_after, record.by) == ("rechecked", "accepted", officer)
    row_page = aren_client.get(reverse("proposers:row", args=[proposal_list.pk, 3]))
    assert "Diperiksa ulang oleh petugas-aren · Diperiksa lagi setelah baris 2 diperbaiki." in (
        row_page.content.decode()
    )
    proposal_list.refresh_from_db()
    assert proposal_list.counts["accepted"] == 2
    page = aren_client.get(reverse("proposers:detail", args=[proposal_list.pk])).content.decode()
    assert "Tidak ada baris bermasalah" in page


def test_removing_the_first_of_three_copies_keeps_the_next_and_names_it(aren_client, program):
    proposal_list = staged(aren_client, program, ANI, ANI, ANI)

    page = remove(aren_client, proposal_list, 2).content.decode()

    assert "Baris 3 tadinya ditolak sebagai data ganda" in page
    rows = rows_of(proposal_list)
    assert [rows[n].outcome for n in (2, 3, 4)] == ["removed", "accepted", "rejected"]
    assert "baris 3 " in rows[4].explanation


def test_a_correction_never_takes_the_place_of_an_accepted_row(aren_client, program):
    proposal_list = staged(aren_client, program, ANI, BUDI, with_phone(BUDI, "081200000099"))
    # Row 4 repeats Budi: refused as a copy of row 3. Its officer types Ani's NIK instead,
    # still a copy (of row 2); row 3 stays as it was.
    correct(aren_client, proposal_list, 4, with_nik(BUDI, ANI[0]))
    rows = rows_of(proposal_list)
    assert [rows[n].outcome for n in (2, 3, 4)] == ["accepted", "accepted", "rejected"]
    assert "baris 2 " in rows[4].explanation
    # Row 2 is removed: row 4 (Ani's NIK now) is checked again and accepted.
    remove(aren_client, proposal_list, 2)
    assert rows_of(proposal_list)[4].outcome == "accepted"


def test_flags_follow_the_rows_as_corrected(aren_client, program):
    proposal_list = staged(aren_client, program, ANI, with_phone(BUDI, ANI[6]), CICI)
    rows = rows_of(proposal_list)
    assert [bool(rows[n].flags) for n in (2, 3, 4)] == [True, True, False]
    assert "Nomor HP yang sama dipakai di baris 3" in rows[2].remarks
    # Listed with the problems, and told that nothing is required of the officer.
    page = aren_client.get(reverse("proposers:detail", args=[proposal_list.pk])).content.decode()
    assert page.count("Baris ini diterima dan ikut dikirim") == 2

    # Budi's real phone: neither row is flagged any more, on the page or in the file.
    correct(aren_client, proposal_list, 3, BUDI)
    rows = rows_of(proposal_list)
    assert [rows[n].flags for n in (2, 3, 4)] == [[], [], []]
    assert "Nomor HP yang sama" not in rows[2].remarks

    # Cici's row is given Ani's phone: both are flagged, each naming the other.
    correct(aren_client, proposal_list, 4, with_phone(CICI, ANI[6]))
    rows = rows_of(proposal_list)
    assert "dipakai di baris 4" in rows[2].remarks and "dipakai di baris 2" in rows[4].remarks
    assert not rows[3].flags
    outcome = aren_client.get(reverse("proposers:outcome", args=[proposal_list.pk, "csv"]))
    text = b"".join(outcome.streaming_content).decode("utf-8-sig")
    assert text.count("Nomor HP yang sama") == 2


def test_a_corrected_row_of_a_registered_owner_says_the_registry_is_kept(aren_client, program):
    OwnerFactory(nik=CICI[0], full_name="Cici Paramita Sari")
    proposal_list = staged(aren_client, program, ANI, with_nik(CICI, "123"))
    assert rows_of(proposal_list)[3].outcome == "rejected"

    correct(aren_client, proposal_list, 3, CICI)

    row = rows_of(proposal_list)[3]
    assert row.outcome == "accepted"
    assert "Pemilik NIK ini sudah terdaftar" in row.remarks and "Paramita Sari" not in row.remarks


def test_the_merge_creates_what_the_corrected_list_shows(aren_client, program):
    proposal_list = staged(aren_client, program, with_nik(ANI, BUDI[0]), BUDI, CICI)
    correct(aren_client, proposal_list, 2, ANI)
    aren_client.post(
        reverse("proposers:submit", args=[proposal_list.pk]),
        {"sptjm_agreed": "on", "sptjm_name": "Sri Wahyuni", "sptjm_position": "Lurah"},
    )
    assert services.proposal_list_confirm(proposal_list=proposal_list, by=None) == 3
    niks = set(Application.objects.values_list("owner__nik", flat=True))
    assert niks == {ANI[0], BUDI[0], CICI[0]}


def test_a_row_removed_meanwhile_cannot_be_corrected_back(aren_client, program, officer):
    """Two requests on one row, the removal first: the correction, read before the removal
    committed, is refused under the list's lock instead of bringing the row back."""
    proposal_list = staged(aren_client, program, ANI, with_nik(BUDI, "123"))
    stale = ImportRow.objects.get(proposal_list=proposal_list, row_number=3)
    services.import_row_remove(row=stale, by=officer)

    with pytest.raises(ValidationError, match="sudah dihapus"):
        services.import_row_correct(row=stale, values={"nik": BUDI[0]}, by=officer)

    assert rows_of(proposal_list)[3].outcome == "removed"
    page = correct(aren_client, proposal_list, 3, BUDI).content.decode()
    assert "Baris 3 sudah dihapus dari daftar" in page
    assert rows_of(proposal_list)[3].outcome == "removed"


def test_an_overlong_value_is_explained_and_nothing_is_saved(aren_client, program):
    proposal_list = staged(aren_client, program, ANI, with_nik(BUDI, "123"))
    url = reverse("proposers:row", args=[proposal_list.pk, 3])
    values = dict(zip(COLUMNS, BUDI, strict=True)) | {"ktp_address": "Jl. Kenari " + "x" * 300}

    page = aren_client.post(url, values, follow=True).content.decode()

    assert "Baris 3 belum disimpan" in page and "paling banyak 255 karakter" in page
    assert rows_of(proposal_list)[3].outcome == "rejected"
    assert not ImportRowCorrection.objects.exists()


def test_after_the_list_is_sent_a_correction_is_refused_with_the_reason(aren_client, program):
    proposal_list = staged(aren_client, program, ANI, with_nik(BUDI, "123"))
    aren_client.post(
        reverse("proposers:submit", args=[proposal_list.pk]),
        {"sptjm_agreed": "on", "sptjm_name": "Sri Wahyuni", "sptjm_position": "Lurah"},
    )

    page = correct(aren_client, proposal_list, 3, BUDI).content.decode()

    assert "tidak dapat diubah lagi" in page
    assert rows_of(proposal_list)[3].outcome == "rejected"


def test_a_correction_that_leaves_a_flag_says_so(aren_client, program):
    proposal_list = staged(aren_client, program, ANI, with_nik(BUDI, "123"))

    page = correct(aren_client, proposal_list, 3, with_phone(BUDI, ANI[6])).content.decode()

    assert "Baris 3 diterima, tetapi ditandai: Nomor HP yang sama dipakai di baris 2" in page


def test_a_removed_row_asks_nothing_more_in_the_outcome_file(aren_client, program):
    proposal_list = staged(aren_client, program, ANI, with_nik(BUDI, "123"))
    remove(aren_client, proposal_list, 3)

    outcome = aren_client.get(reverse("proposers:outcome", args=[proposal_list.pk, "csv"]))
    text = b"".join(outcome.streaming_content).decode("utf-8-sig")
    removed = next(line for line in text.splitlines() if line.startswith("3;"))
    assert removed.split(";")[-4:] == ["Dihapus oleh pengusul", "", "", ""]
