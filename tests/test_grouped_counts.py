"""Counts on staff pages read with thousands separators (62.041), as in Indonesian: the
admin's action bar and the record pages of submissions, decision files and lists."""

import io
from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from aid import services
from aid.models import DecisionFile, Status, SubmissionBatch
from tests.aid.conftest import csv_bytes, in_status
from umkm_portal import roles


def test_the_action_bar_groups_the_total():
    cl = SimpleNamespace(result_count=62041, result_list=list(range(100)), is_popup=False)
    with translation.override("id"):
        html = render_to_string(
            "admin/actions.html",
            {"actions_selection_counter": True, "cl": cl, "module_name": "permohonan"},
        )

    assert "62.041" in html and "62041" not in html
    assert "Pilih seluruh 62.041 permohonan" in html


@pytest.mark.django_db
def test_record_pages_group_their_counts(program, make_staff, client, verifier):
    batch = SubmissionBatch.objects.create(program=program, rows=62041, created_by=verifier)
    listed = in_status(program, Status.SUBMITTED)
    record = services.decision_file_import(
        program=program,
        filename="sk.csv",
        file=io.BytesIO(csv_bytes([["NIK"], [listed.owner.nik]])),
        by=make_staff(roles.PIMPINAN),
    )
    DecisionFile.objects.filter(pk=record.pk).update(rows=12500, applied=12345)
    client.force_login(make_staff(None))

    batch_page = client.get(reverse("admin:aid_submissionbatch_change", args=[batch.pk]))
    batches = client.get(reverse("admin:aid_submissionbatch_changelist"))
    file_page = client.get(reverse("admin:aid_decisionfile_change", args=[record.pk]))

    assert "62.041" in batch_page.content.decode() and "62.041" in batches.content.decode()
    assert "12.500" in file_page.content.decode() and "12.345" in file_page.content.decode()
