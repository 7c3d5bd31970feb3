"""The proposers' workspace: scoped to one organisation, and the loop back works:
upload, fix in the browser, send with the SPTJM, merge, resend a corrected file."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from aid import services
from aid.models import Application, ImportRow, ImportRowCorrection, ImportStatus, ProposalList
from proposers.models import Proposer
from proposers.services import proposer_member_create
from tests.lists import COLUMNS, as_csv
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


def upload_file(client, program, content: bytes, name="daftar.csv"):
    file = io.BytesIO(content)
    file.name = name
    return client.post(reverse("proposers:upload"), {"program": program.pk, "upload": file})


@pytest.fixture
def aren(db):
    return Proposer.objects.create(name="Kelurahan Arenjaya", kind=Proposer.Kind.KELURAHAN)


@pytest.fixture
def koperasi(db):
    return Proposer.objects.create(name="Koperasi Maju Bersama", kind=Proposer.Kind.KOPERASI)


@pytest.fixture
def officer(aren):
    return proposer_member_create(
        proposer=aren, username="petugas-aren", password="rahasia-panjang-1", position="Kasi"
    )


@pytest.fixture
def other_officer(koperasi):
    return proposer_member_create(
        proposer=koperasi, username="petugas-kop", password="rahasia-panjang-2"
    )


@pytest.fixture
def aren_client(client, officer):
    client.force_login(officer)
    return client


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
