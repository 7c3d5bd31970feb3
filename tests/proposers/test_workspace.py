"""The proposers' workspace: scoped to one organisation, and the loop back works:
upload, fix in the browser, send with the SPTJM, merge, resend a corrected file."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from aid import services
from aid.models import Application, ImportRow, ImportRowCorrection, ImportStatus, ProposalList
from tests.lists import COLUMNS, as_csv
from tests.proposers.conftest import upload_file
from umkm_portal import roles

GOOD = [
    [
        "3275014708850021",
        "Ani Rahayu",
        "Jl. Melati 1",
        "Bekasi Timur",
        "Warung Ani",
        "Kuliner",
        "081200000011",
    ],
    [
        "3275091203800022",
        "Budi Santoso",
        "Jl. Kenari 2",
        "Jatiasih",
        "Bengkel Budi",
        "Otomotif",
        "081200000012",
    ],
]
NO_ADDRESS = [
    "3275085506900023",
    "Cici Paramitha",
    "",
    "Pondokgede",
    "Jahit Cici",
    "Konveksi",
    "081200000013",
]
BAD_PHONE = [
    "3275041010750024",
    "Dedi Kurnia",
    "Jl. Anggrek 4",
    "Bekasi Selatan",
    "Toko Dedi",
    "Kelontong",
    "12345",
]


def test_an_officer_uploads_fixes_a_row_and_sends_with_the_sptjm(aren_client, program, officer):
    response = upload_file(aren_client, program, as_csv(*GOOD, NO_ADDRESS, BAD_PHONE))
    proposal_list = ProposalList.objects.get()
    assert response.status_code == 302 and proposal_list.import_status == ImportStatus.STAGED
    assert proposal_list.proposer.name == "Kelurahan Arenjaya" and proposal_list.sent_by_proposer
    page = aren_client.get(reverse("proposers:detail", args=[proposal_list.pk])).content.decode()
    assert "Data kurang lengkap" in page and "Perbaiki baris 4" in page

    # Row 4 (Cici) lacks her KTP address: fixed on the page, checked at once.
    url = reverse("proposers:row", args=[proposal_list.pk, 4])
    values = dict(zip(COLUMNS, NO_ADDRESS, strict=True))
    aren_client.post(url, {**values, "ktp_address": "Jl. Mawar 3"})
    row = ImportRow.objects.get(proposal_list=proposal_list, row_number=4)
    assert row.outcome == ImportRow.Outcome.ACCEPTED
    assert row.original_raw[2] == "" and row.raw[2] == "Jl. Mawar 3"  # the original stays visible
    assert ImportRowCorrection.objects.get(row=row).by == officer

    # The Dinas cannot merge before the proposer sends it.
    with pytest.raises(ValidationError, match="belum dikirim"):
        services.proposal_list_confirm(proposal_list=proposal_list, by=None)

    # Sending needs the statement of responsibility.
    submit = reverse("proposers:submit", args=[proposal_list.pk])
    aren_client.post(submit, {"sptjm_name": "Sri", "sptjm_position": "Lurah"})
    proposal_list.refresh_from_db()
    assert proposal_list.import_status == ImportStatus.STAGED
    aren_client.post(
        submit, {"sptjm_agreed": "on", "sptjm_name": "Sri Wahyuni", "sptjm_position": "Lurah"}
    )
    proposal_list.refresh_from_db()
    assert proposal_list.import_status == ImportStatus.SUBMITTED
    assert (proposal_list.sptjm_name, proposal_list.submitted_by) == ("Sri Wahyuni", officer)

    assert services.proposal_list_confirm(proposal_list=proposal_list, by=None) == 3


def test_a_resent_corrected_file_adds_exactly_the_fixed_rows(aren_client, program):
    upload_file(aren_client, program, as_csv(*GOOD, NO_ADDRESS, BAD_PHONE))
    first = ProposalList.objects.get()
    services.proposal_list_submit(
        proposal_list=first, by=None, sptjm_name="Sri", sptjm_position="Lurah", sptjm_agreed=True
    )
    services.proposal_list_confirm(proposal_list=first, by=None)
    assert Application.objects.count() == 2
    before = set(Application.objects.values_list("pk", "status"))

    fixed = [
        *GOOD,
        [*NO_ADDRESS[:2], "Jl. Mawar 3", *NO_ADDRESS[3:]],
        [*BAD_PHONE[:6], "081200000014"],
    ]
    upload_file(aren_client, program, as_csv(*fixed))
    second = ProposalList.objects.latest("pk")

    assert (second.version, second.previous) == (2, first)
    assert second.counts["previous"] == 2 and second.counts["accepted"] == 2
    services.proposal_list_submit(
        proposal_list=second, by=None, sptjm_name="Sri", sptjm_position="Lurah", sptjm_agreed=True
    )
    assert services.proposal_list_confirm(proposal_list=second, by=None) == 2
    assert (
        set(Application.objects.filter(proposal_list=first).values_list("pk", "status")) == before
    )
    assert sorted(
        Application.objects.filter(proposal_list=second).values_list("owner__nik", flat=True)
    ) == sorted([NO_ADDRESS[0], BAD_PHONE[0]])


def test_the_dinas_returns_a_list_with_a_note_and_the_officer_sees_it(aren_client, program):
    upload_file(aren_client, program, as_csv(*GOOD))
    proposal_list = ProposalList.objects.get()
    services.proposal_list_submit(
        proposal_list=proposal_list,
        by=None,
        sptjm_name="Sri",
        sptjm_position="Lurah",
        sptjm_agreed=True,
    )
    services.proposal_list_return(
        proposal_list=proposal_list, by=None, note="Nama usaha Budi keliru."
    )
    page = aren_client.get(reverse("proposers:detail", args=[proposal_list.pk])).content.decode()
    assert "Dikembalikan oleh Dinas" in page and "Nama usaha Budi keliru." in page


def test_outside_the_window_an_upload_is_refused_with_the_dates(aren_client, program):
    import datetime

    program.proposals_open_on = datetime.date(2020, 8, 17)
    program.proposals_close_on = datetime.date(2020, 9, 30)
    program.save()
    response = upload_file(aren_client, program, as_csv(*GOOD))
    assert "hanya diterima pada 17 Agustus 2020 – 30 September 2020" in response.content.decode()
    assert not ProposalList.objects.exists()


def test_with_no_running_program_the_upload_page_says_so(aren_client, program):
    import datetime

    page = aren_client.get(reverse("proposers:upload")).content.decode()
    assert 'type="file"' in page and program.name in page

    program.ends_on = datetime.date(2020, 12, 31)
    program.save()
    page = aren_client.get(reverse("proposers:upload")).content.decode()
    assert "tidak ada program bantuan yang menerima usulan" in page
    assert 'type="file"' not in page


def test_the_upload_page_says_what_the_program_also_requires(aren_client, program):
    program.required_columns = ["kk"]
    program.save()
    page = aren_client.get(reverse("proposers:upload")).content.decode()
    assert f"{program.name} (juga wajib: Nomor KK)" in page
    assert f"{program.name} juga mewajibkan kolom Nomor KK di setiap baris." in page


def test_a_proposer_whose_quota_is_full_is_refused(aren_client, program):
    upload_file(aren_client, program, as_csv(*GOOD))
    first = ProposalList.objects.get()
    services.proposal_list_submit(
        proposal_list=first, by=None, sptjm_name="S", sptjm_position="L", sptjm_agreed=True
    )
    services.proposal_list_confirm(proposal_list=first, by=None)
    program.quota_per_proposer = 2
    program.save()

    response = upload_file(aren_client, program, as_csv(NO_ADDRESS))

    assert "Kuota Kelurahan Arenjaya" in response.content.decode()
    assert ProposalList.objects.count() == 1


class TestScope:
    """An officer of one organisation never reaches another's lists, rows or files."""

    @pytest.fixture
    def theirs(self, other_officer, program):
        from django.test import Client

        client = Client()
        client.force_login(other_officer)
        upload_file(client, program, as_csv(*GOOD, NO_ADDRESS))
        return ProposalList.objects.get(proposer__name="Koperasi Maju Bersama")

    @pytest.mark.parametrize(
        "name, args",
        [
            ("proposers:detail", lambda pl: [pl.pk]),
            ("proposers:row", lambda pl: [pl.pk, 2]),
            ("proposers:outcome", lambda pl: [pl.pk, "xlsx"]),
            ("proposers:outcome", lambda pl: [pl.pk, "csv"]),
        ],
    )
    def test_another_organisations_list_rows_and_files_are_404(
        self, aren_client, theirs, name, args
    ):
        assert aren_client.get(reverse(name, args=args(theirs))).status_code == 404

    def test_another_organisations_rows_cannot_be_changed_or_sent(self, aren_client, theirs):
        fix = aren_client.post(reverse("proposers:row", args=[theirs.pk, 3]), {"ktp_address": "x"})
        send = aren_client.post(
            reverse("proposers:submit", args=[theirs.pk]),
            {"sptjm_agreed": "on", "sptjm_name": "X", "sptjm_position": "Y"},
        )
        assert (fix.status_code, send.status_code) == (404, 404)
        theirs.refresh_from_db()
        assert theirs.import_status == ImportStatus.STAGED
        assert not ImportRowCorrection.objects.exists()

    def test_the_home_page_lists_only_their_own(self, aren_client, theirs, program):
        upload_file(aren_client, program, as_csv(*GOOD))
        page = aren_client.get(reverse("proposers:home")).content.decode()
        assert page.count('class="card"') == 1

    def test_a_pengusul_cannot_open_the_admin_or_exports(self, aren_client, theirs):
        for url in [
            "/admin/",
            "/admin/aid/application/",
            "/admin/aid/proposallist/",
            "/dashboard/",
        ]:
            response = aren_client.get(url)
            assert response.status_code in (302, 403), url
            assert "/login" in response.get("Location", "/login")
        export = aren_client.get("/admin/registry/owner/export/")
        assert export.status_code in (302, 403)

    def test_staff_without_membership_are_refused(self, client, make_staff):
        client.force_login(make_staff(roles.OPERATOR))
        assert client.get(reverse("proposers:home")).status_code == 403


def test_a_list_spanning_several_kelurahan_downloads_one_file_per_kelurahan(aren_client, program):
    import zipfile

    from openpyxl import load_workbook

    header = ["NIK", "Nama Lengkap", "Alamat KTP", "Kelurahan", "Nama Usaha", "No HP"]
    rows = [
        ["3275014708850051", "Ani", "Jl. 1", "Arenjaya", "Warung", "081200000051"],
        ["3275014708850052", "Ana", "Jl. 2", "Arenjaya", "Warung", "081200000052"],
        ["3275091203800053", "Budi", "Jl. 3", "Jatiwarna", "Bengkel", "081200000053"],
        ["3275085506900054", "Cici", "", "", "Jahit", "081200000054"],
    ]
    upload_file(aren_client, program, as_csv(*rows, header=header))
    proposal_list = ProposalList.objects.get()
    page = aren_client.get(reverse("proposers:detail", args=[proposal_list.pk])).content.decode()
    assert "satu berkas per kelurahan" in page

    response = aren_client.get(reverse("proposers:outcome", args=[proposal_list.pk, "zip"]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = sorted(archive.namelist())
    assert len(names) == 3 and any("arenjaya" in n for n in names)
    arenjaya = next(n for n in names if "arenjaya" in n)
    sheet = load_workbook(io.BytesIO(archive.read(arenjaya))).active
    assert sorted(r[0] for r in sheet.iter_rows(min_row=2, values_only=True)) == [2, 3]


def test_a_big_lists_outcome_files_are_written_by_a_job_while_the_list_page_shows_progress(
    aren_client, program, settings, monkeypatch
):
    """Writing a 66,000-row outcome workbook or ZIP takes seconds: the workspace never does
    it inside the request; a job writes it once, the list page says it is being prepared, and
    the next click downloads the kept file."""
    import zipfile

    from jobs import services as job_services
    from jobs.models import Job
    from jobs.tasks import run_job
    from tests.aid.conftest import xlsx_rows

    settings.JOBS_OUTCOME_MIN_ROWS = 3
    header = ["NIK", "Nama Lengkap", "Alamat KTP", "Kelurahan", "Nama Usaha", "No HP"]
    rows = [
        ["3275014708850051", "Ani", "Jl. Melati 1", "Arenjaya", "Warung", "081200000051"],
        ["3275014708850052", "Ana", "Jl. Melati 2", "Arenjaya", "Warung", "081200000052"],
        ["3275091203800053", "Budi", "Jl. Mawar 3", "Jatiwarna", "Bengkel", "081200000053"],
        ["3275085506900054", "Cici", "Jl. Anggrek 4", "Arenjaya", "Jahit", "081200000054"],
    ]
    upload_file(aren_client, program, as_csv(*rows, header=header))
    proposal_list = ProposalList.objects.get()
    detail = reverse("proposers:detail", args=[proposal_list.pk])

    # No worker runs yet: the job waits in the queue.
    queued = []
    monkeypatch.setattr(job_services, "_enqueue", queued.append)
    for fmt in ("xlsx", "zip"):
        response = aren_client.get(reverse("proposers:outcome", args=[proposal_list.pk, fmt]))
        assert response.status_code == 302 and response["Location"] == f"{detail}#hasil"
    assert len(queued) == 2
    page = aren_client.get(detail).content.decode()
    assert "Berkas hasil pemeriksaan sedang disiapkan" in page
    assert "Menunggu giliran diproses." in page
    assert 'id="list-progress"' in page

    # The worker writes both; the page no longer waits and the links download the files.
    for job in queued:
        run_job.call(job_id=job.pk)
    outcome_jobs = Job.objects.filter(kind="aid.outcome_xlsx")
    assert set(outcome_jobs.values_list("state", flat=True)) == {Job.State.DONE}
    assert 'id="list-progress"' not in aren_client.get(detail).content.decode()
    workbook = aren_client.get(reverse("proposers:outcome", args=[proposal_list.pk, "xlsx"]))
    assert workbook["Content-Disposition"].startswith("attachment")
    assert len(xlsx_rows(b"".join(workbook.streaming_content))) == 5
    archive = aren_client.get(reverse("proposers:outcome", args=[proposal_list.pk, "zip"]))
    names = zipfile.ZipFile(io.BytesIO(b"".join(archive.streaming_content))).namelist()
    assert len(names) == 2
    assert outcome_jobs.count() == 2  # served as kept, not written again
