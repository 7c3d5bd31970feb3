"""The dashboard's figures, checked against the hand-worked dataset in conftest.py."""

import datetime

import openpyxl
import pytest
from django.urls import reverse

from aid.selectors import program_money_by_status
from dashboard.services import summary_refresh
from umkm_portal import roles

URL = reverse("dashboard:index")


@pytest.fixture
def fresh(dataset):
    summary_refresh()
    return dataset


def page(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200
    return response


def rows(response, key):
    return {row[0]: row[1:] for row in response.context["tables"][key].rows}


def test_anonymous_visitor_is_sent_to_the_login_page(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_operator_has_no_dashboard(client, make_staff):
    client.force_login(make_staff(roles.OPERATOR))
    assert client.get(URL).status_code == 403
    assert client.get(reverse("dashboard:download", args=["status", "csv"])).status_code == 403


@pytest.mark.parametrize("role", [roles.PIMPINAN, roles.VERIFIKATOR, roles.BENDAHARA, None])
def test_heads_verifiers_treasurers_and_superusers_see_the_dashboard(client, make_staff, role):
    client.force_login(make_staff(role))
    response = client.get(URL)
    assert response.status_code == 200
    assert "Dasbor bantuan UMKM" in response.content.decode()


def test_counts_per_status_and_program(pimpinan_client, fresh):
    status = rows(page(pimpinan_client), "status")
    # columns: BPUM 2020, BPUM 2021, Jumlah
    assert status["Diusulkan"] == [1, 0, 1]
    assert status["Ditransfer"] == [1, 1, 2]
    assert status["Dicairkan"] == [1, 0, 1]
    assert status["Dikembalikan ke kas negara"] == [1, 0, 1]
    assert status["Ditolak"] == [2, 1, 3]
    assert status["Terverifikasi"] == [0, 0, 0]
    assert pimpinan_client.get(URL).context["tables"]["status"].total == ["Jumlah", 6, 2, 8]


def test_rupiah_transferred_withdrawn_and_returned(pimpinan_client, fresh):
    response = page(pimpinan_client)
    money = rows(response, "dana")
    # program amount, recipients, transferred, withdrawn (people), withdrawn, returned
    assert money["BPUM 2020"] == [2_400_000, 3, 7_200_000, 1, 2_400_000, 2_400_000]
    assert money["BPUM 2021"] == [1_200_000, 1, 1_200_000, 0, 0, 0]
    html = response.content.decode()
    assert "3 × Rp2.400.000 = <strong>Rp7.200.000</strong>" in html
    assert "Rp8.400.000" in html  # transferred in all, the headline figure


def test_rejections_by_reason(pimpinan_client, fresh):
    assert rows(page(pimpinan_client), "penolakan") == {
        "Data kurang lengkap": [0, 2, 2],
        "Sudah diusulkan dalam daftar lain": [0, 1, 1],
    }


def test_figures_by_kecamatan_list_every_kecamatan(pimpinan_client, fresh):
    kecamatan = rows(page(pimpinan_client), "kecamatan")
    assert len(kecamatan) == 12
    # refused at import, applied, rejected, received, rupiah transferred
    assert kecamatan["Bekasi Timur"] == [0, 4, 1, 3, 6_000_000]
    assert kecamatan["Pondokgede"] == [0, 4, 2, 1, 2_400_000]
    assert kecamatan["Medansatria"] == [0, 0, 0, 0, 0]


def test_figures_by_proposer_join_lists_of_one_proposer(pimpinan_client, fresh):
    assert rows(page(pimpinan_client), "pengusul") == {
        "Koperasi Maju": ["Koperasi", 4, 3, 1, 2_400_000],
        "Kelurahan Jatiwaringin": ["Kelurahan", 3, 0, 2, 4_800_000],
        "Input manual": ["", 1, 0, 1, 1_200_000],
    }


def test_transfers_per_day(pimpinan_client, fresh):
    assert rows(page(pimpinan_client), "transfer") == {
        datetime.date(2020, 9, 10): [2, 4_800_000],
        datetime.date(2020, 9, 11): [1, 2_400_000],
        datetime.date(2021, 5, 10): [1, 1_200_000],
    }


def test_transfers_per_day_add_up_to_the_disbursements_of_record(pimpinan_client, fresh):
    """The two summary tables agree with each other and with aid.selectors."""
    for program in (fresh["p2020"], fresh["p2021"]):
        response = page(pimpinan_client, program=program.pk)
        per_day = sum(row[2] for row in response.context["tables"]["transfer"].rows)
        money = rows(response, "dana")[program.name]
        of_record = program_money_by_status(program).values()
        assert per_day == money[2] == sum(line.amount for line in of_record) > 0


def test_filter_by_kecamatan(pimpinan_client, fresh):
    response = page(pimpinan_client, kecamatan=fresh["pondokgede"].pk)
    assert rows(response, "kecamatan") == {"Pondokgede": [0, 4, 2, 1, 2_400_000]}
    assert rows(response, "transfer") == {datetime.date(2020, 9, 11): [1, 2_400_000]}
    assert rows(response, "penolakan") == {"Data kurang lengkap": [0, 2, 2]}
    assert "Kecamatan Pondokgede" in response.content.decode()


def test_filter_by_program_and_proposer(pimpinan_client, fresh):
    response = page(pimpinan_client, program=fresh["p2021"].pk)
    assert list(rows(response, "dana")) == ["BPUM 2021"]
    assert response.context["tables"]["status"].total == ["Jumlah", 2]
    response = page(pimpinan_client, proposer="Koperasi Maju")
    assert rows(response, "kecamatan")["Pondokgede"] == [0, 3, 2, 1, 2_400_000]
    assert rows(response, "kecamatan")["Bekasi Timur"] == [0, 1, 1, 0, 0]


def test_filter_by_date_proposed(pimpinan_client, fresh):
    response = page(pimpinan_client, date_from="2020-08-25", date_to="2020-08-31")
    assert response.context["tables"]["status"].total == ["Jumlah", 3]
    assert rows(response, "penolakan") == {
        "Data kurang lengkap": [0, 1, 1],
        "Sudah diusulkan dalam daftar lain": [0, 1, 1],
    }
    assert rows(response, "transfer") == {}


def test_reversed_date_range_is_explained_and_ignored(pimpinan_client, fresh):
    response = page(pimpinan_client, date_from="2020-09-01", date_to="2020-08-01")
    assert "Tanggal awal harus sebelum tanggal akhir." in response.content.decode()
    assert response.context["tables"]["status"].total == ["Jumlah", 6, 2, 8]


def test_charts_are_inline_svg_without_styles_or_scripts(pimpinan_client, fresh):
    html = page(pimpinan_client).content.decode()
    assert html.count("<svg") == 2
    assert 'class="bar-received"' in html
    assert "style=" not in html and "<style" not in html and "<script" not in html


def test_new_figures_appear_once_the_summary_is_stale(pimpinan_client, fresh, settings):
    assert rows(page(pimpinan_client), "status")["Diusulkan"][-1] == 1
    from tests.factories import ApplicationFactory

    ApplicationFactory(program=fresh["p2021"])
    # Within the age limit the page keeps the summary it has and says how old it is.
    assert rows(page(pimpinan_client), "status")["Diusulkan"][-1] == 1
    settings.DASHBOARD_SUMMARY_MAX_AGE = 0
    # Stale: the rebuild is queued (run at once by the tests' task backend).
    assert rows(page(pimpinan_client), "status")["Diusulkan"][-1] == 2


def test_table_downloads_as_csv(pimpinan_client, fresh):
    url = reverse("dashboard:download", args=["kecamatan", "csv"])
    response = pimpinan_client.get(url, {"kecamatan": fresh["timur"].pk})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    lines = response.content.decode("utf-8-sig").splitlines()
    assert (
        lines[0]
        == "Kecamatan,Ditolak saat impor,Diusulkan,Ditolak,Menerima bantuan,Ditransfer (Rp)"
    )
    assert lines[1] == "Bekasi Timur,0,4,1,3,6000000"
    assert lines[2] == "Jumlah,0,4,1,3,6000000"


def test_table_downloads_as_xlsx_with_numbers(pimpinan_client, fresh, tmp_path):
    response = pimpinan_client.get(reverse("dashboard:download", args=["dana", "xlsx"]))
    assert response.status_code == 200
    path = tmp_path / "dana.xlsx"
    path.write_bytes(response.content)
    sheet = openpyxl.load_workbook(path).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "Program"
    assert values[1][:4] == ("BPUM 2020", 2_400_000, 3, 7_200_000)


def test_every_table_downloads(pimpinan_client, fresh):
    for key in ["status", "dana", "penolakan", "kecamatan", "pengusul", "transfer"]:
        for fmt in ["csv", "xlsx"]:
            url = reverse("dashboard:download", args=[key, fmt])
            assert pimpinan_client.get(url).status_code == 200, (key, fmt)
    assert (
        pimpinan_client.get(reverse("dashboard:download", args=["nope", "csv"])).status_code == 404
    )
    assert (
        pimpinan_client.get(reverse("dashboard:download", args=["dana", "pdf"])).status_code == 404
    )


def test_figures_go_down_to_kelurahan(pimpinan_client, dataset):
    from aid.models import ImportRow, ImportStatus, ProposalList

    staged = ProposalList.objects.create(
        program=dataset["p2020"],
        proposer_name="Rekap kelurahan se-Kota Bekasi",
        proposer_kind=ProposalList.ProposerKind.DINAS,
        import_status=ImportStatus.STAGED,
    )
    refused = {"proposal_list": staged, "outcome": ImportRow.Outcome.REJECTED}
    ImportRow.objects.create(
        row_number=2,
        kecamatan_id=dataset["timur"].pk,
        kelurahan_id=dataset["timur_kel"].pk,
        reason_code="incomplete",
        **refused,
    )
    ImportRow.objects.create(row_number=3, reason_code="invalid_nik", **refused)
    summary_refresh()

    kelurahan = rows(page(pimpinan_client), "kelurahan")
    assert len(kelurahan) == 56 + 1  # every kelurahan of the city, then none known
    timur_kel, pondokgede_kel = dataset["timur_kel"].name, dataset["pondokgede_kel"].name
    # kecamatan, refused at import, applied, rejected, received, rupiah transferred
    assert kelurahan[timur_kel] == ["Bekasi Timur", 1, 4, 1, 3, 6_000_000]
    assert kelurahan[pondokgede_kel] == ["Pondokgede", 0, 4, 2, 1, 2_400_000]
    assert kelurahan["Tanpa kelurahan"] == ["", 1, 0, 0, 0, 0]

    # A kecamatan chosen: its kelurahan only.
    response = page(pimpinan_client, kecamatan=dataset["pondokgede"].pk)
    shown = rows(response, "kelurahan")
    assert set(shown) == {k.name for k in dataset["pondokgede"].children.all()}
    assert shown[pondokgede_kel] == ["Pondokgede", 0, 4, 2, 1, 2_400_000]
    assert 'id="kelurahan"' in response.content.decode()
