"""A ministry decision file ends with an explanatory note row (issue 25.7): the dry run
recognises it, skips it and says so, instead of counting it as a refused row."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from aid.models import DecisionFile, Status
from tests.aid.conftest import in_status, statuses, xlsx_bytes
from umkm_portal import roles


def _ministry_file(*niks) -> bytes:
    rows = [["No", "NIK", "Nama Penerima"]]
    rows += [[n, nik, f"Penerima {n}"] for n, nik in enumerate(niks, start=1)]
    rows.append(
        ["Keterangan: daftar ini ditetapkan dengan SK Menteri Koperasi dan UKM Nomor 12/2020."]
    )
    return xlsx_bytes(rows)


def test_the_dry_run_skips_the_note_row_and_says_so(program, make_staff, client):
    client.force_login(make_staff(roles.PIMPINAN))
    listed = [in_status(program, Status.SUBMITTED) for _ in range(2)]

    response = client.post(
        reverse("admin:aid_decisionfile_add"),
        {
            "program": program.pk,
            "file": SimpleUploadedFile("sk.xlsx", _ministry_file(*[a.owner.nik for a in listed])),
            "dry_run": "on",
        },
    )

    page = response.content.decode()
    assert response.status_code == 200 and "Hasil pemeriksaan (belum disimpan)" in page
    assert "Baris 4 berisi catatan, bukan data penerima" in page
    record = response.context["record"]
    assert (record.rows, record.applied, record.refused) == (2, 2, 0)
    assert record.problems == []
    assert not DecisionFile.objects.exists()
    assert statuses(*listed) == [Status.SUBMITTED, Status.SUBMITTED]


def test_a_recipient_row_without_a_nik_is_still_refused(program, make_staff, client):
    client.force_login(make_staff(roles.PIMPINAN))
    listed = in_status(program, Status.SUBMITTED)
    content = xlsx_bytes([["NIK", "Nama"], [listed.owner.nik, "Ani"], ["", "Budi Santoso"]])

    response = client.post(
        reverse("admin:aid_decisionfile_add"),
        {"program": program.pk, "file": SimpleUploadedFile("sk.xlsx", content), "dry_run": "on"},
    )

    record = response.context["record"]
    assert (record.rows, record.refused) == (2, 1)
    assert "berisi catatan" not in response.content.decode()
