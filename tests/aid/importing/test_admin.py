"""The operator's path through the admin: upload, review, download, confirm or cancel."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from aid.models import Application, ImportRow, ImportStatus, ProposalList
from privacy.models import AccessLog
from tests.aid.importing.conftest import FILES
from umkm_portal import roles

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator_client(client, make_staff):
    client.force_login(make_staff(roles.OPERATOR))
    return client


def _upload(client, program, name="outcomes.csv", data=None, **proposer):
    """Post the upload form; the proposer is a new organisation added on the form unless
    ``proposer=<pk>`` chooses one from the register."""
    content = data if data is not None else (FILES / name).read_bytes()
    upload = io.BytesIO(content)
    upload.name = name
    return client.post(
        reverse("admin:aid_proposallist_add"),
        {
            "program": program.pk,
            **(
                proposer
                or {"new_proposer_name": "Kelurahan Perwira", "new_proposer_kind": "kelurahan"}
            ),
            "received_on": "2020-08-20",
            "upload": upload,
        },
    )


def test_the_proposer_is_chosen_from_the_register(operator_client, program):
    """Issue 25.2: a select named ``proposer`` lists the registered organisations; a new one
    is added on the form with its kind, never typed freely beside an existing one."""
    from proposers.models import Proposer

    registered = Proposer.objects.create(name="Kelurahan Margahayu", kind=Proposer.Kind.KELURAHAN)
    page = operator_client.get(reverse("admin:aid_proposallist_add")).content.decode()
    assert '<select name="proposer"' in page and "Kelurahan Margahayu" in page
    assert _upload(operator_client, program, proposer=registered.pk).status_code == 302
    assert ProposalList.objects.get().proposer == registered

    refused = {
        "nothing": ({"proposer": ""}, "Pilih lembaga pengusul, atau isi nama lembaga baru."),
        "both": (
            {"proposer": registered.pk, "new_proposer_name": "Koperasi Baru"},
            "jangan keduanya",
        ),
        "no kind": ({"new_proposer_name": "Koperasi Baru"}, "Pilih jenis lembaga baru."),
        "registered": (
            {"new_proposer_name": "kelurahan  margahayu", "new_proposer_kind": "kelurahan"},
            "sudah terdaftar: pilih dari daftar",
        ),
    }
    for case, (fields, message) in refused.items():
        response = _upload(operator_client, program, **fields)
        assert response.status_code == 200 and message in response.content.decode(), case
    assert ProposalList.objects.count() == 1
    assert not Proposer.objects.filter(name="Koperasi Baru").exists()

    assert (
        _upload(
            operator_client,
            program,
            new_proposer_name="Koperasi Mitra Usaha",
            new_proposer_kind="koperasi",
        ).status_code
        == 302
    )
    assert Proposer.objects.get(name="Koperasi Mitra Usaha").kind == Proposer.Kind.KOPERASI


def test_operator_uploads_reviews_downloads_and_confirms(operator_client, program):
    page = operator_client.get(reverse("admin:aid_proposallist_add"))
    assert "templat" in page.content.decode().lower()

    response = _upload(operator_client, program)
    proposal_list = ProposalList.objects.get()
    import_url = reverse("admin:aid_proposallist_import", args=[proposal_list.pk])
    assert response.status_code == 302 and response.url == import_url

    review = operator_client.get(import_url).content.decode()
    assert "Siap ditinjau" in review
    assert "Data ganda dalam satu daftar usulan" in review
    assert "sudah tercantum di baris 2" in review  # a first problem row, explained
    assert "<script>" not in review and " style=" not in review

    status = operator_client.get(
        reverse("admin:aid_proposallist_import_status", args=[proposal_list.pk])
    ).json()
    assert status["status"] == "staged" and status["rows_read"] == 15

    xlsx = operator_client.get(
        reverse("admin:aid_proposallist_outcome", args=[proposal_list.pk, "xlsx"])
    )
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Baris" and rows[0][-4:] == (
        "Hasil",
        "Alasan",
        "Keterangan",
        "Kode alasan",
    )
    by_number = {row[0]: row for row in rows[1:]}
    assert by_number[3][-1] == "duplicate_in_list"  # the code last, the row number a number
    assert by_number[3][-3] == "Data ganda dalam satu daftar usulan"
    # Rows to fix come first: every refused row before the first accepted one.
    outcomes = [row[-4] for row in rows[1:]]
    assert outcomes.index("Diterima") > max(i for i, o in enumerate(outcomes) if o == "Ditolak")
    assert (
        sheet.freeze_panes == "B2"
        and sheet.auto_filter.ref == f"A1:{sheet.cell(1, sheet.max_column).column_letter}1"
    )
    assert sheet.cell(1, 1).font.bold
    csv_text = b"".join(
        operator_client.get(
            reverse("admin:aid_proposallist_outcome", args=[proposal_list.pk, "csv"])
        ).streaming_content
    ).decode("utf-8-sig")
    assert len(csv_text.strip().splitlines()) == 16
    assert AccessLog.objects.filter(action="export", subject="aid.importrow").count() == 2

    response = operator_client.post(
        reverse("admin:aid_proposallist_confirm", args=[proposal_list.pk]), follow=True
    )
    assert "permohonan dibuat dari daftar ini" in response.content.decode()
    assert Application.objects.filter(proposal_list=proposal_list).count() == 8
    changelist = operator_client.get(
        reverse("admin:aid_application_changelist")
        + f"?proposal_list__id__exact={proposal_list.pk}"
    )
    assert "Siti Aminah" in changelist.content.decode()


def test_a_file_without_nik_column_is_refused_on_the_form(operator_client, program):
    response = _upload(operator_client, program, "missing_nik.csv")
    assert response.status_code == 200
    assert "Judul kolom NIK tidak ditemukan" in response.content.decode()
    assert not ProposalList.objects.exists()


def test_cancel_from_the_review_page(operator_client, program):
    _upload(operator_client, program)
    proposal_list = ProposalList.objects.get()
    operator_client.post(reverse("admin:aid_proposallist_cancel", args=[proposal_list.pk]))
    proposal_list.refresh_from_db()
    assert proposal_list.import_status == ImportStatus.CANCELLED
    assert not ImportRow.objects.exists()
    assert not Application.objects.filter(proposal_list=proposal_list).exists()


def test_templates_download(operator_client):
    xlsx = operator_client.get(reverse("admin:aid_proposallist_template", args=["xlsx"]))
    assert load_workbook(io.BytesIO(xlsx.content)).active["A1"].value == "NIK"
    csv = operator_client.get(reverse("admin:aid_proposallist_template", args=["csv"]))
    assert csv.content.decode("utf-8-sig").startswith("NIK;No KK;Nama Lengkap")


@pytest.mark.parametrize("role", [roles.VERIFIKATOR, roles.PIMPINAN])
def test_other_roles_cannot_confirm(client, make_staff, upload, role):
    proposal_list = upload("outcomes.csv")
    client.force_login(make_staff(role))
    client.post(reverse("admin:aid_proposallist_confirm", args=[proposal_list.pk]))
    proposal_list.refresh_from_db()
    assert proposal_list.import_status == ImportStatus.STAGED
    assert not Application.objects.filter(proposal_list=proposal_list).exists()


def test_head_of_department_sees_masked_niks_and_cannot_download(client, make_staff, upload):
    proposal_list = upload("outcomes.csv")
    client.force_login(make_staff(roles.PIMPINAN))
    page = client.get(reverse("admin:aid_proposallist_import", args=[proposal_list.pk]))
    assert page.status_code == 200
    assert "3275014708850003" not in page.content.decode()
    download = client.get(reverse("admin:aid_proposallist_outcome", args=[proposal_list.pk, "csv"]))
    assert download.status_code == 403
