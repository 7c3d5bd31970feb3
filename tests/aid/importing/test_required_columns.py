"""What a program requires, the program says (issue 25, item 9): the Nomor KK read from a
list (checked like a NIK), rows refused when they lack what the program requires, the KK
taken into the registry by the merge, and the ministry file carrying the program's columns."""

import pytest

from aid import services
from aid.models import ImportRow, ImportStatus, Reason, RequiredColumn
from aid.models.programs import BPUM_2021_REQUIRED
from registry.models import Owner, Region
from tests.aid.conftest import xlsx_rows
from tests.factories import OwnerFactory

pytestmark = pytest.mark.django_db

HEADER = "NIK,No KK,Nama Lengkap,Alamat KTP,Nama Usaha,Bidang Usaha,No HP"
KK = "3275011503150004"


def _rows(proposal_list):
    return {r.row_number: r for r in ImportRow.objects.filter(proposal_list=proposal_list)}


def _csv(*lines, header=HEADER) -> bytes:
    return "\n".join([header, *lines]).encode()


def test_kk_headers_are_read_under_every_usual_name():
    from aid.importing.columns import map_header

    for header in ("No KK", "Nomor KK", "KK", "NO_KK", "No. KK"):
        assert map_header(["NIK", header, "Nama"]) == {"nik": 0, "kk": 1, "full_name": 2}


def test_a_program_that_requires_the_kk_refuses_rows_without_one(upload, program):
    program.required_columns = BPUM_2021_REQUIRED
    program.save()
    proposal_list = upload(
        "kk.csv",
        data=_csv(
            f"3275014708850003,{KK},Siti,Jl. Melati 5,Warung Siti,Kuliner,081234567890",
            "3275011203800011,,Budi,Jl. Mawar 2,Toko Budi,Kelontong,081234567891",
            "3275011304810021,3275015503150004,Cici,Jl. Kenanga 3,Jahit,Konveksi,081234567892",
        ),
    )
    assert proposal_list.import_status == ImportStatus.STAGED
    rows = _rows(proposal_list)
    assert (rows[2].outcome, rows[2].kk) == (ImportRow.Outcome.ACCEPTED, KK)
    assert rows[3].reason_code == Reason.INCOMPLETE
    assert "No KK belum diisi" in rows[3].message
    # A day with 40 added is a NIK's (a woman's birth date), never a card's issue date.
    assert rows[4].reason_code == Reason.INVALID_FIELD
    assert "Tanggal terbit di dalam Nomor KK" in rows[4].message


def test_bpum_2020_needs_no_kk_and_keeps_a_valid_one(upload, program):
    assert program.required_columns == []
    proposal_list = upload(
        "kk.csv",
        data=_csv(
            "3275011203800011,,Budi,Jl. Mawar 2,Toko Budi,Kelontong,081234567891",
            f"3275014708850003,{KK},Siti,Jl. Melati 5,Warung Siti,Kuliner,081234567890",
            "3275011304810021,3275015503150004,Cici,Jl. Kenanga 3,Jahit,Konveksi,081234567892",
        ),
    )
    rows = _rows(proposal_list)
    assert {r.outcome for r in rows.values()} == {ImportRow.Outcome.ACCEPTED}
    assert (rows[2].kk, rows[3].kk, rows[4].kk) == ("", KK, "")
    # A wrong KK the program does not ask for is pointed out, not kept.
    assert "Nomor KK tidak disimpan" in rows[4].remarks


def test_a_program_requiring_kelurahan_and_account_names_them_as_missing(upload, program):
    program.required_columns = [RequiredColumn.KELURAHAN, RequiredColumn.ACCOUNT]
    program.save()
    line = "3275011203800011,,Budi,Jl. Mawar 2,Toko Budi,Kelontong,081234567891"
    proposal_list = upload("kel.csv", proposer="Koperasi Mitra Usaha", data=_csv(line))
    row = _rows(proposal_list)[2]
    assert row.reason_code == Reason.INCOMPLETE
    assert "Kelurahan, Bank dan No Rekening belum diisi" in row.message

    # A kelurahan office's list is of its own kelurahan unless a row names another.
    proposal_list = upload("kel.csv", proposer="Kelurahan Perwira", data=_csv(line))
    row = _rows(proposal_list)[2]
    assert row.kelurahan_id == Region.objects.get(name="Perwira").pk
    assert "Data kurang lengkap: Bank dan No Rekening belum diisi" in row.message


def test_the_merge_gives_the_kk_to_new_owners_and_to_registered_owners_without_one(upload, program):
    without_kk = OwnerFactory(nik="3275011203800011", kk_number="")
    with_kk = OwnerFactory(nik="3275011304810021", kk_number="3275010101100001")
    proposal_list = upload(
        "kk.csv",
        data=_csv(
            f"3275014708850003,{KK},Siti,Jl. Melati 5,Warung Siti,Kuliner,081234567890",
            "3275011203800011,3275012002120002,Budi,Jl. Mawar 2,Toko Budi,Kelontong,081234567891",
            "3275011304810021,3275012002120003,Cici,Jl. Kenanga 3,Jahit,Konveksi,081234567892",
        ),
    )
    assert services.proposal_list_confirm(proposal_list=proposal_list, by=upload.operator) == 3

    assert Owner.objects.get(nik="3275014708850003").kk_number == KK
    without_kk.refresh_from_db()
    assert without_kk.kk_number == "3275012002120002"
    change = without_kk.history.order_by("-history_id").first()
    assert (change.history_type, change.kk_number) == ("~", "3275012002120002")
    assert change.history_user == upload.operator
    # An owner who has a KK keeps it (a different one in a list is not applied).
    with_kk.refresh_from_db()
    assert with_kk.kk_number == "3275010101100001"
    assert with_kk.history.filter(history_type="~").count() == 0


def test_the_program_admin_sets_the_required_columns(admin_client, program):
    from django.urls import reverse

    url = reverse("admin:aid_program_change", args=[program.pk])
    page = admin_client.get(url)
    assert "Nomor KK" in page.text and 'name="required_columns"' in page.text
    data = {
        "code": program.code,
        "name": program.name,
        "amount": "2.400.000",
        "one_time": "on",
        "withdrawal_days": "90",
        "starts_on": "2020-08-17",
        "required_columns": ["kk", "kelurahan"],
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    program.refresh_from_db()
    assert program.required_columns == ["kk", "kelurahan"]


def test_the_ministry_file_carries_no_kk_when_the_program_requires_it(program, verifier):
    from aid.models import Status
    from tests.aid.conftest import in_status

    application = in_status(program, Status.VERIFIED)
    Owner.objects.filter(pk=application.owner_id).update(kk_number=KK)
    batch = services.submission_create(program=program, file_format="xlsx", by=verifier)
    assert "NO_KK" not in xlsx_rows(batch.file.read())[0]

    program.required_columns = BPUM_2021_REQUIRED
    program.save()
    content = services.submission_export(batch=batch, file_format="xlsx", by=verifier)
    header, line = xlsx_rows(content)[:2]
    assert header[:3] == ["NIK", "NO_KK", "NAMA"]
    assert line[1] == KK


def test_a_file_without_kelurahan_takes_the_one_chosen_at_upload(program, make_staff, admin_client):
    import io

    from umkm_portal import roles

    operator = make_staff(roles.OPERATOR, username="operator-kel")
    aren_jaya = Region.objects.get(name="Arenjaya")
    header = "NIK,Nama Lengkap,Alamat KTP,Kecamatan,Kelurahan,Nama Usaha,No HP"
    proposal_list = services.proposal_list_upload(
        program=program,
        proposer_name="Rekap kelurahan se-Kota Bekasi",
        proposer_kind="dinas",
        kelurahan=aren_jaya,
        file=io.BytesIO(
            _csv(
                "3275014708850003,Siti,Jl. Melati 5,,,Warung Siti,081234567890",
                "3275011203800011,Budi,Jl. Mawar 2,,Margahayu,Toko Budi,081234567891",
                "3275011304810021,Cici,Jl. Kenanga 3,Bantar Gebang,,Jahit,081234567892",
                header=header,
            )
        ),
        filename="rekap.csv",
        by=operator,
    )
    rows = _rows(proposal_list)
    assert (rows[2].kelurahan_id, rows[2].kecamatan_id) == (aren_jaya.pk, aren_jaya.parent_id)
    # A row that names its own kelurahan, or another kecamatan, keeps what it names.
    assert rows[3].kelurahan_id == Region.objects.get(name="Margahayu").pk
    assert rows[4].kelurahan_id is None
    assert rows[4].kecamatan_id == Region.objects.get(name="Bantargebang", level="kecamatan").pk

    from django.urls import reverse

    page = admin_client.get(reverse("admin:aid_proposallist_import", args=[proposal_list.pk]))
    assert "Baris tanpa kelurahan dibaca sebagai Kelurahan Arenjaya, Bekasi Timur" in page.text
