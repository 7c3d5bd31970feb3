"""Import progress names its phase and moves every 1,000 rows (issue 15, item 7)."""

import io

import pytest
from django.urls import reverse

from aid import services
from aid.importing import pipeline, review
from aid.models import ImportPhase, ImportRow, ImportStatus, ProposalList
from umkm_portal import roles

pytestmark = pytest.mark.django_db


def _list(program, **fields) -> ProposalList:
    return ProposalList.objects.create(
        program=program,
        proposer_name="Kelurahan Perwira",
        proposer_kind=ProposalList.ProposerKind.KELURAHAN,
        **fields,
    )


def _uploaded_2500_rows(program, make_staff) -> ProposalList:
    rows = "".join(f"{3275011708900001 + i},Warga {i}\n" for i in range(2500))
    return services.proposal_list_upload(
        program=program,
        proposer_name="Kelurahan Perwira",
        proposer_kind=ProposalList.ProposerKind.KELURAHAN,
        file=io.BytesIO(f"NIK,Nama Lengkap\n{rows}".encode()),
        filename="besar.csv",
        by=make_staff(roles.OPERATOR),
        process=False,
    )


def test_before_any_row_is_read_it_says_it_waits_for_the_worker(program):
    waiting = _list(program, import_status=ImportStatus.UPLOADED, rows_total=0)
    assert review.progress_text(waiting) == "Menunggu pemeriksa latar belakang…"
    claimed = _list(program, import_status=ImportStatus.PROCESSING, import_phase="reading")
    assert review.progress_text(claimed) == "Membaca dan memeriksa baris…"


@pytest.mark.parametrize(
    ("phase", "starts"),
    [
        (ImportPhase.READING, "Membaca dan memeriksa baris: "),
        (ImportPhase.DUPLICATES, "Memeriksa data ganda: "),
        (ImportPhase.SUMMARY, "Menyiapkan ringkasan: "),
    ],
)
def test_progress_text_names_each_phase_with_thousands_separated(program, phase, starts):
    proposal_list = _list(
        program,
        import_status=ImportStatus.PROCESSING,
        import_phase=phase,
        rows_read=12000,
        rows_total=66000,
        counts={"accepted": 11020, "invalid_nik": 900, "incomplete": 80},
    )
    assert review.progress_text(proposal_list) == (
        f"{starts}12.000 dari ± 66.000 baris terbaca; 11.020 lolos pemeriksaan awal, "
        "980 bermasalah."
    )


def test_a_staged_lists_status_shows_the_final_phase(upload, make_staff, client):
    proposal_list = upload("outcomes.csv")
    assert proposal_list.import_status == ImportStatus.STAGED
    client.force_login(make_staff(roles.OPERATOR))

    data = client.get(
        reverse("admin:aid_proposallist_import_status", args=[proposal_list.pk])
    ).json()

    rows = proposal_list.counts["rows"]
    refused = sum(proposal_list.counts["rejected"].values())
    assert data["progress_text"].startswith(
        f"Menyiapkan ringkasan: {rows} dari ± {rows} baris terbaca; "
    )
    assert f"{refused} bermasalah" in data["progress_text"]


def test_progress_is_reported_every_1000_rows_and_phases_in_order(program, make_staff):
    proposal_list = _uploaded_2500_rows(program, make_staff)
    seen, phases = [], []

    with proposal_list.file.open("rb") as f:
        pipeline.stage_file(
            proposal_list,
            f,
            "csv",
            on_progress=lambda read, total, counts: seen.append((read, sum(counts.values()))),
            on_phase=phases.append,
        )

    assert seen == [(1000, 1000), (2000, 2000), (2500, 2500)]
    assert phases == [ImportPhase.DUPLICATES, ImportPhase.SUMMARY]


def test_rows_commit_with_their_progress_so_a_batch_whose_progress_fails_is_not_kept(
    program, make_staff
):
    """A worker whose list was cancelled learns it when it writes progress; the batch it was
    writing then (on PostgreSQL, copied in the background meanwhile) is rolled back, and
    the batches before it, reported and committed, stay for whoever moved the list."""
    proposal_list = _uploaded_2500_rows(program, make_staff)

    class Cancelled(Exception):
        pass

    def progress(read, total, counts):
        if read > 1000:
            raise Cancelled

    with proposal_list.file.open("rb") as f, pytest.raises(Cancelled):
        pipeline.stage_file(proposal_list, f, "csv", on_progress=progress, batch_size=1000)

    staged = ImportRow.objects.filter(proposal_list=proposal_list)
    assert staged.count() == 1000
    assert max(staged.values_list("row_number", flat=True)) <= 1001
