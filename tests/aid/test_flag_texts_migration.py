"""Migration 0024 takes the possible-duplicate words that the rules used to write into a
row's note out of it (they are now made from the flags when the row is shown), and keeps
the rest of the note."""

import importlib

import pytest
from django.apps import apps
from django.utils import translation

from aid.importing.flags import text
from aid.models import ImportRow, ProposalList

migration = importlib.import_module("aid.migrations.0024_flag_texts_out_of_notes")

FLAGS = [
    {"rule": "name_birth_date", "rows": list(range(2, 102)), "count": 130},
    {"rule": "phone", "rows": [7]},
    {"rule": "bank_account", "rows": [9, 11]},
    {"rule": "bank_account", "applications": [12, 345]},
    {"rule": "phone", "applications": [6789]},
]
WARNING = 'Kelurahan "Jatiwaringin" tidak ada di kecamatan itu; kecamatan dipakai.'
REGISTERED = "Pemilik NIK ini sudah terdaftar atas nama Siti Aminah."


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_words_of_every_flag_come_out_and_the_rest_stays(language):
    with translation.override(language):
        words = " ".join(text(flag) for flag in FLAGS)
    assert {"id": "dan 120 baris lain", "en": "and 120 other rows"}[language] in words
    note = f"{WARNING} {REGISTERED} {words}"
    assert migration.without_flag_texts(note) == f"{WARNING} {REGISTERED}"
    assert migration.without_flag_texts(words) == ""


@pytest.mark.django_db
def test_rows_staged_before_show_each_flag_once(program):
    proposal_list = ProposalList.objects.create(program=program, proposer_name="Kel. Arenjaya")
    with translation.override("id"):
        words = " ".join(text(flag) for flag in FLAGS[:2])
    rows = ImportRow.objects.bulk_create(
        [
            ImportRow(proposal_list=proposal_list, row_number=2, outcome="accepted",
                      flags=FLAGS[:2], note=f"{WARNING} {words}"),
            ImportRow(proposal_list=proposal_list, row_number=3, outcome="accepted",
                      note=WARNING),
        ]
    )  # fmt: skip

    migration.forwards(apps, None)

    flagged, plain = (ImportRow.objects.get(pk=row.pk) for row in rows)
    assert flagged.note == WARNING and flagged.remarks == f"{WARNING} {words}"
    assert plain.note == WARNING
