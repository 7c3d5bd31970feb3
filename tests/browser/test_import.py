"""An operator imports a proposal list in the browser, from upload to new applications."""

import io

import pytest

from aid import services
from aid.models import Application, ImportStatus, Program, ProposalList
from tests.aid.importing.conftest import FILES
from umkm_portal import roles

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def reference_data(transactional_db):
    """Regions, banks and role groups come from data migrations, which a transactional test
    before this one may have flushed away: load them again when missing."""
    from django.apps import apps
    from django.contrib.auth.models import Group, Permission

    from registry.models import Region

    if not Region.objects.exists():
        import importlib

        importlib.import_module("registry.migrations.0002_load_reference_data").load(apps, None)
    for role, names in roles.ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        for name in names:
            app_label, codename = name.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


@pytest.fixture
def bpum(transactional_db):
    return Program.objects.create(code="bpum-2020", name="BPUM 2020", amount=2_400_000)


def test_operator_uploads_reviews_downloads_and_confirms(
    page, admin_login, make_staff, screenshot, bpum, tmp_path
):
    admin_login(page, make_staff(roles.OPERATOR))
    page.set_viewport_size({"width": 1366, "height": 768})  # an office screen
    page.goto("/admin/aid/proposallist/add/")
    page.select_option("#id_program", str(bpum.pk))
    page.fill("#id_new_proposer_name", "Kelurahan Perwira")
    page.select_option("#id_new_proposer_kind", "kelurahan")
    page.fill("#id_new_proposer_address", "Jl. Perwira Raya 12")
    page.fill("#id_new_proposer_phone", "0812 3456 7890")
    page.set_input_files("#id_upload", str(FILES / "outcomes.csv"))
    screenshot(page, "import-upload-form")
    page.click("input[name=_save]")

    page.wait_for_selector("text=Ringkasan pemeriksaan")
    assert "Siap ditinjau" in page.locator("#import-progress").inner_text()
    office = ProposalList.objects.get().proposer
    assert (office.address, office.phone) == ("Jl. Perwira Raya 12", "+6281234567890")
    summary = page.locator(".import-summary").inner_text()
    assert "Data ganda dalam satu daftar usulan" in summary
    assert "NIK tidak valid" in summary
    screenshot(page, "import-review")

    with page.expect_download() as download_info:
        page.click("text=Hasil pemeriksaan (Excel)")
    saved = tmp_path / "hasil.xlsx"
    download_info.value.save_as(saved)
    from openpyxl import load_workbook

    rows = list(load_workbook(saved).active.iter_rows(values_only=True))
    assert len(rows) == 16 and rows[0][-4] == "Hasil"

    page.click("text=Gabungkan 8 baris yang diterima")
    page.wait_for_selector("text=8 permohonan dibuat dari daftar ini.")
    page.click("text=Lihat permohonan dari daftar ini")
    page.wait_for_selector("#result_list")
    table = page.locator("#result_list").inner_text()
    assert "Siti Aminah" in table and "Kelurahan Perwira" in table
    screenshot(page, "import-applications")
    assert Application.objects.filter(proposal_list__proposer_name="Kelurahan Perwira").count() == 8


def test_progress_page_updates_itself_until_checking_is_done(
    page, admin_login, make_staff, screenshot, bpum
):
    operator = make_staff(roles.OPERATOR)
    proposal_list = services.proposal_list_upload(
        program=bpum,
        proposer_name="Koperasi Mitra",
        proposer_kind=ProposalList.ProposerKind.KOPERASI,
        file=io.BytesIO((FILES / "outcomes.csv").read_bytes()),
        filename="outcomes.csv",
        by=operator,
        process=False,  # the worker has not picked it up yet
    )
    admin_login(page, operator)
    page.goto(f"/admin/aid/proposallist/{proposal_list.pk}/impor/")
    assert page.locator("#import-progress progress").is_visible()
    assert page.get_by_role("link", name="Muat ulang").is_visible()  # works without JavaScript too
    screenshot(page, "import-progress")

    services.proposal_list_stage(proposal_list=proposal_list)  # the worker runs

    # No click: the page polls the status endpoint and reloads itself when done.
    page.wait_for_selector("text=Ringkasan pemeriksaan", timeout=15000)
    assert not page.locator("#import-progress progress").count()
    proposal_list.refresh_from_db()
    assert proposal_list.import_status == ImportStatus.STAGED
