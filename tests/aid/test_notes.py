"""Notes the portal writes itself are kept as a code and values and read in the reader's
language (aid.notes); migration 0026 turns the sentences written before into codes."""

import importlib

import pytest
from django.utils import translation

from aid import transitions
from aid.importing import row_messages
from aid.models import Reason, Status, StatusChange
from aid.notes import Note, words
from tests.aid.conftest import in_status

migration = importlib.import_module("aid.migrations.0026_notes_to_codes")


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        ("Tidak dicairkan dalam 90 hari setelah transfer.", ("not_withdrawn", {"days": 90}, "")),
        ("Not withdrawn within 30 days of the transfer.", ("not_withdrawn", {"days": 30}, "")),
        (
            "Tidak tercantum dalam keputusan-2020.xlsx",
            ("not_in_decision_file", {"file": "keputusan-2020.xlsx"}, ""),
        ),
        ("Not listed in sk.csv", ("not_in_decision_file", {"file": "sk.csv"}, "")),
        (
            "Orang yang sama dengan permohonan #12. KK sama",
            ("same_person", {"id": 12}, "KK sama"),
        ),
        ("Same person as application #7. ", ("same_person", {"id": 7}, "")),
        ("tanpa keterangan", ("no_reason_given", {}, "")),
        ("KTP buram", None),  # typed by staff: stays as it is
    ],
)
def test_the_migration_reads_the_sentences_the_portal_wrote_in_either_language(note, expected):
    assert migration.as_code(note) == expected
    if expected:
        code, params, text = expected
        with translation.override("id"):
            indonesian = words(code, params, text)
        assert migration.as_code(indonesian) == expected


@pytest.mark.django_db
def test_a_note_written_under_english_reads_in_indonesian_and_back(program):
    application = in_status(program, Status.APPROVED)
    with translation.override("en"):
        transitions.move(
            application,
            Status.REJECTED,
            by=None,
            reason_code=Reason.NOT_APPROVED,
            note=Note("not_in_decision_file", {"file": "sk.xlsx"}),
        )
    change = StatusChange.objects.filter(application=application).latest("at", "pk")
    application.refresh_from_db()
    assert (change.note, change.note_code) == ("", "not_in_decision_file")
    assert change.note_text == application.reason_note_text == "Tidak tercantum dalam sk.xlsx"
    with translation.override("en"):
        assert change.note_text == "Not listed in sk.xlsx"


@pytest.mark.django_db
def test_existing_rows_are_converted_set_based(program):
    from django.apps import apps

    application = in_status(program, Status.APPROVED)
    transitions.move(
        application,
        Status.REJECTED,
        by=None,
        reason_code=Reason.NOT_APPROVED,
        note="Tidak tercantum dalam sk.xlsx",
    )
    typed = StatusChange.objects.create(
        application=application, from_status="", to_status=Status.REJECTED, note="KTP buram"
    )
    migration.forwards(apps, None)
    change = StatusChange.objects.filter(note_code="not_in_decision_file").get()
    application.refresh_from_db()
    assert change.note_params == {"file": "sk.xlsx"} and change.note == ""
    assert application.reason_note_code == "not_in_decision_file"
    with translation.override("en"):
        assert application.reason_note_text == "Not listed in sk.xlsx"
    typed.refresh_from_db()
    assert (typed.note, typed.note_code) == ("KTP buram", "")


@pytest.mark.parametrize("code", sorted(row_messages.TEXTS))
def test_every_row_message_reads_in_both_languages(code):
    params = {"program": "BPUM 2020", "application": 12, "list": None, "row": 3}
    with translation.override("id"):
        indonesian = row_messages.text(code, params)
    with translation.override("en"):
        english = row_messages.text(code, params)
    assert indonesian and english and indonesian != english
    if "%(application)s" in str(row_messages.TEXTS[code]):
        assert "(permohonan #12)" in indonesian and "(application #12)" in english
        assert "BPUM 2020" in indonesian and "BPUM 2020" in english
    if code == "duplicate_existing":
        # Names neither the other proposer nor its application (issue 24.6).
        assert "oleh lembaga lain" in indonesian and "by another institution" in english
        assert "#12" not in indonesian and "#12" not in english
    if code == "duplicate_in_list":
        assert "baris 3 " in indonesian and "row 3 " in english


def test_migration_0027_takes_the_registered_notes_out_of_a_rows_note():
    rows_migration = importlib.import_module("aid.migrations.0027_row_notes_as_codes")
    warning = 'Kelurahan "Jatiwaringin" tidak ada di kecamatan itu; kecamatan dipakai.'
    with translation.override("id"):
        owner, account = (str(row_messages.NOTE_TEXTS[c]) for c in SENTENCE_CODES)
    with translation.override("en"):
        owner_en = str(row_messages.NOTE_TEXTS["registered_owner"])
    assert rows_migration.split_note(f"{warning} {owner} {account}") == (
        warning,
        list(SENTENCE_CODES),
    )
    assert rows_migration.split_note(owner_en) == ("", ["registered_owner"])
    assert rows_migration.split_note(warning) == (warning, [])
    with translation.override("en"):
        assert row_messages.note_text(warning, ["registered_account"]).endswith(
            "the registered account is still used for the disbursement."
        )


SENTENCE_CODES = ("registered_owner", "registered_account")


@pytest.mark.django_db
def test_a_failed_transfer_without_a_reason_says_so_in_the_readers_language(
    program, client, make_staff
):
    from django.utils import timezone

    from aid import services

    application = in_status(program, Status.APPROVED)
    with translation.override("en"):
        disbursement = services.disbursement_record(
            application=application,
            bank_reference="REF-GAGAL-1",
            succeeded=False,
            transferred_at=timezone.now(),
        )
    assert disbursement.failure_reason == ""
    change = application.status_changes.latest("at", "pk")
    assert disbursement.failure_reason_text == change.note_text == "tanpa keterangan"
    with translation.override("en"):
        assert disbursement.failure_reason_text == change.note_text == "no details given"
    client.force_login(make_staff(None))
    page = client.get(f"/admin/aid/disbursement/{disbursement.pk}/change/")
    assert page.status_code == 200 and "tanpa keterangan" in page.content.decode()
