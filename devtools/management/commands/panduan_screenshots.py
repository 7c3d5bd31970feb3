"""Screenshots of the staff desk at 1366×768 for the staff guides (docs/panduan/img/).

Run it on demo data only, e.g. through ``scripts/panduan-screenshots`` (a throwaway SQLite
database with seed_demo's data). It serves the portal in this process, logs in as a
temporary superuser (deleted afterwards), walks a Verifikator's morning in Debian's
Chromium and saves one PNG per page. Nothing is changed in the data: the verification is
shown up to its confirmation page, not confirmed.
"""

from __future__ import annotations

import os
import secrets
import shutil
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.management.base import BaseCommand, CommandError
from django.test.testcases import LiveServerThread

from aid.models import Application, ProposalList, Status

SCREEN = {"width": 1366, "height": 768}
USERNAME = "panduan-screenshots"


class Command(BaseCommand):
    help = "Buat tangkapan layar halaman utama petugas (1366×768) untuk docs/panduan/img/."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", type=Path, default=Path(settings.BASE_DIR) / "docs" / "panduan" / "img"
        )

    def handle(self, *args, output, **options):
        chromium = os.environ.get("CHROMIUM") or shutil.which("chromium")
        if chromium is None:
            raise CommandError("Chromium tidak ditemukan (apt-get install -y chromium).")
        first_list = ProposalList.objects.order_by("received_on", "pk").first()
        if first_list is None or not Application.objects.exists():
            raise CommandError("Tidak ada data demo: jalankan seed_demo dulu.")
        password = secrets.token_urlsafe(16)
        User = get_user_model()
        User.objects.filter(username=USERNAME).delete()
        User.objects.create_superuser(USERNAME, password=password)
        server = LiveServerThread("localhost", StaticFilesHandler, port=0)
        server.daemon = True
        server.start()
        server.is_ready.wait()
        if server.error:
            raise server.error
        try:
            output.mkdir(parents=True, exist_ok=True)
            saved = self._walk(chromium, f"http://localhost:{server.port}", password, output)
        finally:
            server.terminate()
            User.objects.filter(username=USERNAME).delete()
        for path in saved:
            self.stdout.write(f"  {path}")

    def _walk(self, chromium: str, base: str, password: str, output: Path) -> list[Path]:
        from playwright.sync_api import sync_playwright

        first_list = ProposalList.objects.order_by("received_on", "pk").first()
        application = (
            Application.objects.filter(status=Status.TRANSFERRED).order_by("pk").first()
            or Application.objects.order_by("pk").first()
        )
        owner = application.owner
        saved = []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium, headless=True, args=["--no-sandbox", "--disable-gpu"]
            )
            page = browser.new_context(base_url=base, viewport=SCREEN, locale="id-ID").new_page()

            def shot(name: str, element: str | None = None) -> None:
                path = output / f"{name}.png"
                target = page.locator(element).first if element else page
                target.screenshot(path=str(path))
                saved.append(path)

            page.goto("/admin/login/")
            page.fill("#id_username", USERNAME)
            page.fill("#id_password", password)
            page.click("input[type=submit]")
            page.wait_for_url("**/admin/")

            page.goto("/dashboard/")
            shot("dasbor")
            page.goto("/admin/aid/proposallist/")
            shot("daftar-usulan")
            page.goto(f"/admin/aid/application/?daftar={first_list.pk}&status__exact=proposed")
            shot("permohonan-satu-daftar")
            page.locator("#action-toggle").check()
            page.select_option("select[name=action]", "verify")
            page.get_by_role("button", name="Jalankan").click()
            page.wait_for_selector(".confirm-question")
            shot("verifikasi-konfirmasi")
            national = "0" + owner.phone[3:] if owner.phone else owner.nik
            page.goto("/admin/registry/owner/")
            page.fill("#searchbar", national)
            page.press("#searchbar", "Enter")
            page.wait_for_selector("#result_list")
            shot("cari-pemilik-nomor-hp")
            page.goto(f"/admin/registry/owner/{owner.pk}/change/")
            page.locator("table.owner-applications").scroll_into_view_if_needed()
            shot("pemilik-dan-permohonannya")
            page.goto(f"/admin/aid/application/{application.pk}/change/")
            shot("riwayat-status", "table.status-history")
            page.goto("/admin/aid/disbursement/")
            shot("penyaluran")
            browser.close()
        return saved
