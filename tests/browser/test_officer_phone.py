"""The kelurahan officer's row page and list on a phone (issue 25.6), in Chromium at
360×740: the faulty field is marked and described, the keypad for digits is numeric,
removing is asked on a page of its own, the list filters by reason; no serious
accessibility finding on any of these pages."""

import shutil
from pathlib import Path

import pytest

from proposers.models import Proposer
from proposers.services import proposer_member_create
from tests.browser.test_proposer_workspace import ROWS, _csv
from tests.browser.test_staff_desk import _serious_violations

pytestmark = pytest.mark.browser

SHOTS = Path("/work/shots/officer")


def _shot(page, screenshot, name):
    path = screenshot(page, name)
    if SHOTS.parent.is_dir():
        SHOTS.mkdir(exist_ok=True)
        shutil.copy(path, SHOTS / path.name)


def test_an_officer_fixes_a_row_on_a_phone(audit_page, program, tmp_path, screenshot):
    page = audit_page
    proposer = Proposer.objects.create(name="Kelurahan Arenjaya", kind=Proposer.Kind.KELURAHAN)
    proposer_member_create(proposer=proposer, username="sri", password="kata-sandi-sri-123")
    page.goto("/pengusul/masuk/")
    page.fill("#id_username", "sri")
    page.fill("#id_password", "kata-sandi-sri-123")
    page.get_by_role("button", name="Masuk").click()
    page.get_by_role("link", name="Unggah daftar baru").click()
    page.set_input_files("#id_upload", _csv(tmp_path))
    page.get_by_role("button", name="Unggah dan periksa").click()
    page.get_by_role("heading", name="Baris yang perlu diperbaiki").wait_for()
    assert _serious_violations(page) == []
    _shot(page, screenshot, "pengusul-daftar")

    page.get_by_role("link", name="Data tidak sesuai format (2)").click()
    page.get_by_role("link", name="Perbaiki baris 5").wait_for()
    assert page.get_by_role("link", name="Perbaiki baris 4").count() == 0
    _shot(page, screenshot, "pengusul-daftar-saring")

    page.get_by_role("link", name="Perbaiki baris 5").click()
    phone = page.locator("#id_phone")
    assert phone.get_attribute("aria-invalid") == "true"
    assert phone.get_attribute("inputmode") == "numeric"
    assert page.locator("#id_nik").get_attribute("inputmode") == "numeric"
    described = page.locator(f"#{phone.get_attribute('aria-describedby')}")
    assert ROWS[3][6] in described.inner_text()
    assert _serious_violations(page) == []
    _shot(page, screenshot, "pengusul-baris")

    page.get_by_role("link", name="Hapus baris ini").click()
    page.get_by_role("heading", name="Hapus baris 5?").wait_for()
    assert _serious_violations(page) == []
    _shot(page, screenshot, "pengusul-hapus-baris")
    page.get_by_role("link", name="Batal, kembali ke baris ini").click()

    phone.fill("081200000024")
    page.get_by_role("button", name="Simpan dan periksa").click()
    page.get_by_text("Baris 5 sudah benar dan diterima.").wait_for()
