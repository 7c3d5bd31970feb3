"""A kelurahan officer's loop, in Chromium on a phone (issue 13's acceptance): upload a
list with problems, fix a row in the page, send it with the SPTJM; the Dinas merges; the
officer downloads the outcome file, fixes two more rows in it and sends it again: exactly
those two become new applications and nothing else changes."""

import pytest
from openpyxl import load_workbook

from aid.models import Application, ProposalList
from proposers.models import Proposer
from proposers.services import proposer_member_create
from tests.lists import as_csv
from umkm_portal import roles

pytestmark = pytest.mark.browser

ROWS = [
    [
        "3275014708850031",
        "Ani Rahayu",
        "Jl. Melati 1",
        "Bks Timur",
        "Warung Ani",
        "Kuliner",
        "081200000021",
    ],
    [
        "3275091203800032",
        "Budi Santoso",
        "Jl. Kenari 2",
        "Jatiasih",
        "Bengkel Budi",
        "Otomotif",
        "081200000022",
    ],
    # Row 4: no KTP address (fixed in the page).
    [
        "3275085506900033",
        "Cici Paramitha",
        "",
        "Pondokgede",
        "Jahit Cici",
        "Konveksi",
        "081200000023",
    ],
    # Row 5: a phone too short; row 6: a kecamatan of Kabupaten Bekasi (fixed in the file).
    [
        "3275041010750034",
        "Dedi Kurnia",
        "Jl. Anggrek 4",
        "Bekasi Selatan",
        "Toko Dedi",
        "Kelontong",
        "0812",
    ],
    [
        "3275021111820035",
        "Eko Prasetyo",
        "Jl. Dahlia 5",
        "Cikarang Utara",
        "Kopi Eko",
        "Kuliner",
        "081200000025",
    ],
]


def _csv(tmp_path) -> str:
    path = tmp_path / "usulan-arenjaya.csv"
    path.write_bytes(as_csv(*ROWS))
    return str(path)


def _send(page, officer="Sri Wahyuni"):
    page.check("#id_sptjm_agreed")
    page.fill("#id_sptjm_name", officer)
    page.fill("#id_sptjm_position", "Lurah Arenjaya")
    page.get_by_role("button", name="Kirim ke Dinas").click()
    page.get_by_text("Dikirim ke Dinas pada").wait_for()


def _merge_as_operator(browser, live_server, admin_login, operator, proposal_list):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1366, "height": 768})
    desk = context.new_page()
    admin_login(desk, operator)
    desk.goto(f"/admin/aid/proposallist/{proposal_list.pk}/impor/")
    desk.locator("input[type=submit][value^='Gabungkan']").click()
    desk.get_by_text("permohonan dibuat dari daftar ini").wait_for()
    context.close()


def test_an_officer_fixes_sends_and_resends_and_only_the_fixed_rows_are_added(
    phone_page, browser, live_server, admin_login, make_staff, program, tmp_path, screenshot
):
    page = phone_page
    proposer = Proposer.objects.create(name="Kelurahan Arenjaya", kind=Proposer.Kind.KELURAHAN)
    proposer_member_create(proposer=proposer, username="sri", password="kata-sandi-sri-123")
    operator = make_staff(roles.OPERATOR)

    page.goto("/pengusul/masuk/")
    page.fill("#id_username", "sri")
    page.fill("#id_password", "kata-sandi-sri-123")
    page.get_by_role("button", name="Masuk").click()
    page.get_by_role("link", name="Unggah daftar baru").click()
    page.set_input_files("#id_upload", _csv(tmp_path))
    page.get_by_role("button", name="Unggah dan periksa").click()
    page.get_by_role("heading", name="Baris yang perlu diperbaiki").wait_for()
    screenshot(page, "pengusul-hasil-pemeriksaan")

    page.get_by_role("link", name="Perbaiki baris 4").click()
    page.fill("#id_ktp_address", "Jl. Mawar 3")
    page.get_by_role("button", name="Simpan dan periksa").click()
    page.get_by_text("Baris 4 sudah benar dan diterima.").wait_for()
    _send(page)

    first = ProposalList.objects.get()
    _merge_as_operator(browser, live_server, admin_login, operator, first)
    assert Application.objects.count() == 3
    before = set(Application.objects.values_list("pk", "status", "owner__nik"))

    page.reload()
    with page.expect_download() as download:
        page.get_by_role("link", name="Excel (.xlsx)").click()
    outcome = tmp_path / download.value.suggested_filename
    download.value.save_as(outcome)
    workbook = load_workbook(outcome)
    sheet = workbook.active
    header = [c.value for c in sheet[1]]
    phone, kecamatan = header.index("No HP") + 1, header.index("Kecamatan") + 1
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == 5:
            row[phone - 1].value = "081200000024"
        if row[0].value == 6:
            row[kecamatan - 1].value = "Bks Utara"
    fixed = tmp_path / "usulan-arenjaya-perbaikan.xlsx"
    workbook.save(fixed)

    page.get_by_role("link", name="Unggah daftar").first.click()
    page.set_input_files("#id_upload", str(fixed))
    page.get_by_role("button", name="Unggah dan periksa").click()
    page.get_by_text("Sudah diterima pada versi sebelumnya").first.wait_for()
    screenshot(page, "pengusul-versi-2")
    _send(page)

    second = ProposalList.objects.latest("pk")
    assert (second.version, second.counts["previous"], second.counts["accepted"]) == (2, 3, 2)
    _merge_as_operator(browser, live_server, admin_login, operator, second)

    assert (
        set(
            Application.objects.filter(proposal_list=first).values_list(
                "pk", "status", "owner__nik"
            )
        )
        == before
    )
    added = Application.objects.filter(proposal_list=second)
    assert sorted(added.values_list("owner__nik", flat=True)) == sorted([ROWS[3][0], ROWS[4][0]])
    assert Application.objects.count() == 5
