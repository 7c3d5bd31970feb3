"""Data ganda and data kurang lengkap, end to end (issue 12): what the import learns about a
row's place and its possible duplicates reaches the verifier, the ministry file and the
dashboard. Runs on SQLite and PostgreSQL."""

import pytest
from openpyxl import load_workbook

from aid import services, transitions
from aid.models import Application, PossibleDuplicate, Reason, Status
from dashboard.selectors import Filters
from dashboard.services import summary_refresh
from dashboard.tables import dashboard_tables
from registry.models import Business
from tests.lists import as_csv
from umkm_portal import roles

# NIKs are valid Kota Bekasi NIKs (district, birth date, serial); phones are made up.
ANI = [
    "3275014708850011",
    "Ani Rahayu",
    "Jl. Melati 1",
    "Bks Timur",
    "Warung Ani",
    "Kuliner",
    "081200000001",
]
BUDI = [
    "3275091203800012",
    "Budi Santoso",
    "Jl. Kenari 2",
    "Kec. Jatiasih",
    "Bengkel Budi",
    "Otomotif",
    "081200000002",
]
CICI = [
    "3275085506900013",
    "Cici Paramitha",
    "Jl. Mawar 3",
    "Pondok Gede",
    "Jahit Cici",
    "Konveksi",
    "081200000002",
]
DEDI = [
    "3275041010750014",
    "Dedi Kurnia",
    "",
    "Bks. Selatan",
    "Toko Dedi",
    "Kelontong",
    "081200000004",
]
EKO = [
    "3275021111820015",
    "Eko Prasetyo",
    "Jl. Anggrek 5",
    "Cikarang Utara",
    "Kopi Eko",
    "Kuliner",
    "081200000005",
]
# A second list: Fani shares Ani's phone (a different NIK).
FANI = [
    "3275064203880016",
    "Fani Oktaviani",
    "Jl. Dahlia 6",
    "Medan Satria",
    "Kue Fani",
    "Kuliner",
    "081200000001",
]


def app_of(nik: str) -> Application:
    return Application.objects.select_related("business__kecamatan").get(owner__nik=nik)


@pytest.fixture
def verifikator(make_staff):
    return make_staff(roles.VERIFIKATOR, username="verifikator-scenario")


def test_a_list_keeps_its_kecamatan_holds_its_duplicates_and_counts_its_refusals(
    upload, verifikator, program
):
    first = upload("kelurahan.csv", data=as_csv(ANI, BUDI, CICI, DEDI, EKO, ANI))
    assert first.counts["accepted"] == 3
    services.proposal_list_confirm(proposal_list=first, by=upload.operator)

    # Location kept: every accepted business has its kecamatan, read from loose spellings.
    kecamatan = {nik: app_of(nik).business.kecamatan.name for nik in (ANI[0], BUDI[0], CICI[0])}
    assert kecamatan == {ANI[0]: "Bekasi Timur", BUDI[0]: "Jatiasih", CICI[0]: "Pondokgede"}
    assert not Business.objects.filter(kecamatan__isnull=True).exists()

    # Budi and Cici share a phone: flagged, and the flag holds both back from verification.
    assert PossibleDuplicate.objects.filter(decision="").count() == 1
    with pytest.raises(transitions.TransitionRefused, match="kemungkinan data ganda"):
        services.application_verify(application=app_of(BUDI[0]), by=verifikator)
    result = services.applications_verify(
        applications=Application.objects.filter(program=program), by=verifikator
    )
    assert result.moved == 1
    assert result.held == {app_of(BUDI[0]).pk, app_of(CICI[0]).pk}
    assert app_of(BUDI[0]).status == Status.PROPOSED

    # Deciding the pair "different people" releases them.
    flag = PossibleDuplicate.objects.get(decision="")
    services.possible_duplicate_decide(
        flag=flag, decision=PossibleDuplicate.Decision.DIFFERENT_PEOPLE, by=verifikator
    )
    services.applications_verify(
        applications=Application.objects.filter(status=Status.PROPOSED), by=verifikator
    )
    assert set(Application.objects.values_list("status", flat=True)) == {Status.VERIFIED}

    # A later list flags Fani against Ani, who is verified already: Ani is not submitted.
    second = upload("koperasi.csv", data=as_csv(FANI), proposer="Koperasi Maju")
    services.proposal_list_confirm(proposal_list=second, by=upload.operator)
    assert PossibleDuplicate.objects.filter(decision="").count() == 1
    batch = services.submission_create(program=program, file_format="xlsx", by=verifikator)
    assert (batch.rows, batch.held_back) == (2, 1)
    assert app_of(ANI[0]).status == Status.VERIFIED

    # The ministry file carries the kecamatan.
    sheet = load_workbook(batch.file.open("rb"), read_only=True).active
    header, *lines = [list(r) for r in sheet.iter_rows(values_only=True)]
    column = header.index("KECAMATAN")
    assert sorted(line[column] for line in lines) == ["Jatiasih", "Pondokgede"]

    # "Same person": keep Ani, reject Fani; Ani can then be submitted.
    flag = PossibleDuplicate.objects.get(decision="")
    services.possible_duplicate_decide(
        flag=flag, decision=PossibleDuplicate.Decision.SAME_PERSON, by=verifikator
    )
    assert app_of(FANI[0]).reason_code == Reason.DUPLICATE_EXISTING
    assert services.submission_create(program=program, file_format="csv", by=verifikator).rows == 1

    # The dashboard counts the rows refused at import by reason, beside later rejections.
    summary_refresh()
    tables = dashboard_tables(Filters())
    why = {row[0]: row[1:] for row in tables["penolakan"].rows}
    assert why["Data kurang lengkap"] == [1, 0, 1]
    assert why["Data tidak sesuai format"] == [1, 0, 1]
    assert why["Data ganda dalam satu daftar usulan"] == [1, 0, 1]
    assert why["Sudah diusulkan dalam daftar lain"] == [0, 1, 1]
    quality = {row[0]: row[1:] for row in tables["kualitas"].rows}
    assert quality["Kelurahan Perwira"][:3] == [6, 3, "50%"]
    kecamatan_rows = {row[0]: row[1] for row in tables["kecamatan"].rows}
    assert kecamatan_rows["Bekasi Selatan"] == 1  # Dedi, refused for his missing address
