"""The officer's phone (issue 25.6): the row page marks the field to fix and opens the
numeric keypad for digits, removing a row is asked first and stands apart from saving, and
the list's problem rows can be filtered by what is wrong, with the flagged count shown."""

import datetime
import re

from django.urls import reverse

from aid.models import ImportRow, ProposalList
from tests.factories import ApplicationFactory
from tests.lists import as_csv
from tests.proposers.conftest import upload_file
from tests.proposers.test_workspace import BAD_PHONE, GOOD, NO_ADDRESS


def _staged(client, program, *rows) -> ProposalList:
    upload_file(client, program, as_csv(*rows))
    return ProposalList.objects.get()


def _input(page: str, name: str) -> str:
    return re.search(rf'<input[^>]*name="{name}"[^>]*>', page).group(0)


def test_the_faulty_field_is_marked_with_its_message_beside_it(aren_client, program):
    proposal_list = _staged(aren_client, program, *GOOD, BAD_PHONE)

    page = aren_client.get(reverse("proposers:row", args=[proposal_list.pk, 4])).content.decode()

    phone = _input(page, "phone")
    assert 'aria-invalid="true"' in phone and 'aria-describedby="id_phone-error"' in phone
    message = re.search(r'<p class="field-error" id="id_phone-error">([^<]+)</p>', page)
    assert message and "12345" in message.group(1)
    assert "aria-invalid" not in _input(page, "nik")
    assert "aria-invalid" not in _input(page, "full_name")


def test_a_missing_field_is_marked_too(aren_client, program):
    proposal_list = _staged(aren_client, program, NO_ADDRESS)

    page = aren_client.get(reverse("proposers:row", args=[proposal_list.pk, 2])).content.decode()

    assert 'aria-invalid="true"' in _input(page, "ktp_address")
    assert 'id="id_ktp_address-error"' in page
    assert "aria-invalid" not in _input(page, "phone")


def test_nik_phone_and_account_open_the_numeric_keypad(aren_client, program):
    proposal_list = _staged(aren_client, program, BAD_PHONE)

    page = aren_client.get(reverse("proposers:row", args=[proposal_list.pk, 2])).content.decode()

    assert 'inputmode="numeric"' in _input(page, "nik")
    assert 'inputmode="numeric"' in _input(page, "phone")
    assert "inputmode" not in _input(page, "full_name")


def test_removing_a_row_is_asked_first_and_apart_from_saving(aren_client, program):
    proposal_list = _staged(aren_client, program, BAD_PHONE)
    url = reverse("proposers:row", args=[proposal_list.pk, 2])
    page = aren_client.get(url).content.decode()
    save_form = page[page.index('<form method="post" class="status-form"') :]
    save_form = save_form[: save_form.index("</form>")]
    assert "Simpan dan periksa" in save_form and "Hapus" not in save_form

    # The old one-tap removal only leads to the question; nothing is removed.
    response = aren_client.post(url, {"remove": "1"}, follow=True)
    row = ImportRow.objects.get(proposal_list=proposal_list, row_number=2)
    assert row.outcome == ImportRow.Outcome.REJECTED
    assert "Hapus baris 2?" in response.content.decode()
    assert "Ya, hapus baris 2" in response.content.decode()

    aren_client.post(url, {"remove": "1", "confirmed": "1"})
    row.refresh_from_db()
    assert row.outcome == ImportRow.Outcome.REMOVED


def test_the_problem_rows_filter_by_reason_and_the_flagged_count_is_shown(aren_client, program):
    same_phone = ["3275014708850099", "Ana Rahmawati", "Jl. Melati 9", "Bekasi Timur"]
    same_phone += ["Warung Ana", "Kuliner", GOOD[0][6]]
    proposal_list = _staged(aren_client, program, *GOOD, NO_ADDRESS, BAD_PHONE, same_phone)
    url = reverse("proposers:detail", args=[proposal_list.pk])

    page = aren_client.get(url).content.decode()
    assert "Diterima tetapi ditandai kemungkinan data ganda" in page
    assert "Ditandai kemungkinan data ganda (2)" in page
    assert "Data kurang lengkap (1)" in page

    only_incomplete = aren_client.get(url, {"alasan": "incomplete"}).content.decode()
    assert "Perbaiki baris 4" in only_incomplete and "Perbaiki baris 5" not in only_incomplete
    flagged = aren_client.get(url, {"alasan": "ditandai"}).content.decode()
    assert "Perbaiki baris 2" in flagged and "Perbaiki baris 6" in flagged
    assert "Perbaiki baris 4" not in flagged


def test_a_list_the_dinas_entered_by_hand_shows_its_applications_not_an_empty_import(
    aren_client, program, aren
):
    # As devtools seed_demo writes the 2020 lists: no import status, no counts.
    entered = ProposalList.objects.create(
        program=program,
        proposer=aren,
        proposer_name=aren.name,
        received_on=datetime.date(2020, 8, 20),
    )
    ApplicationFactory.create_batch(2, program=program, proposal_list=entered)

    home = aren_client.get(reverse("proposers:home")).content.decode()
    assert 'class="badge badge-"' not in home
    assert "Dicatat oleh Dinas" in home and "2 usulan tercatat dari daftar ini" in home
    assert "20 Agustus 2020" in home

    detail = aren_client.get(reverse("proposers:detail", args=[entered.pk])).content.decode()
    assert "Dicatat oleh Dinas" in detail and "2 usulan tercatat dari daftar ini" in detail
    assert "Hasil pemeriksaan" not in detail and "Diterima" not in detail
