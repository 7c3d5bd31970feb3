"""Time the pages that must stay fast at scale, cold and warm, and print a table.

Requests go through Django's test client (all middleware, templates, the session and the
database), logged in as a superuser. "Cold" is the first request on a new database
connection; "warm" is the median of ``--repeat`` further requests. The operating system's
and PostgreSQL's caches stay as they are: this measures the application, not the disk.

The dashboard keeps its computed tables in the cache until the summary is rebuilt. So that
"cold" measures that computation, the cached tables of the page's filters are dropped before
its cold request; its warm figure is then the cached page. The "tanpa cache" row drops them
before every request: its warm figure is the page computed from the summary each time.
"""

from __future__ import annotations

import statistics
import time
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.http import QueryDict
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aid.models import Application
from dashboard import services
from dashboard.forms import FilterForm
from dashboard.models import SummaryRefresh
from dashboard.tables import dashboard_tables_forget
from registry.models import Owner, Region

BENCH_USER = "bench-dashboard"


class Command(BaseCommand):
    help = "Ukur waktu daftar admin, pencarian NIK dan nama, serta dasbor (dingin dan hangat)."

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=5)
        parser.add_argument("--name", default="", help="kata pencarian nama (bawaan: dari data)")

    def handle(self, *args, repeat, name, **options):
        owner = Owner.objects.order_by("-pk").first()
        if owner is None:
            raise CommandError("Basis data kosong: jalankan seed_scale dulu.")
        name = name or owner.full_name.split()[0]
        # The phone as people write it (08…); the NIK if the owner has none.
        phone = "0" + owner.phone[3:] if owner.phone else owner.nik
        user, temporary = self._superuser()
        host = next((h for h in settings.ALLOWED_HOSTS if h != "*"), "testserver").lstrip(".")
        client = Client(HTTP_HOST=host)
        client.force_login(user)
        try:
            refresh_ms = self._fresh_summary()
            kecamatan = Region.objects.filter(level=Region.Level.KECAMATAN).first()
            dashboard = reverse("dashboard:index")
            one_kecamatan = f"{dashboard}?kecamatan={kecamatan.pk}"
            cases = [
                ("Daftar permohonan", reverse("admin:aid_application_changelist"), 100, None),
                ("Daftar pemilik", reverse("admin:registry_owner_changelist"), 100, None),
                ("Cari NIK (pemilik)", self._search("owner", owner.nik), 20, None),
                ("Cari NIK (permohonan)", self._search("application", owner.nik), 20, None),
                ("Cari NIK awal (pemilik)", self._search("owner", owner.nik[:10]), 20, None),
                ("Cari nomor HP (pemilik)", self._search("owner", phone), 20, None),
                ("Cari nama (pemilik)", self._search("owner", name), 200, None),
                ("Cari nama (permohonan)", self._search("application", name), 200, None),
                ("Dasbor", dashboard, 300, "cold"),
                ("Dasbor, tanpa cache", dashboard, 300, "always"),
                ("Dasbor, satu kecamatan", one_kecamatan, 300, "cold"),
            ]
            results = [
                self._time(client, label, url, target, repeat, uncached)
                for label, url, target, uncached in cases
            ]
        finally:
            client.logout()
            if temporary:
                user.delete()
        self._report(results, refresh_ms, name, repeat)

    def _superuser(self):
        User = get_user_model()
        user = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if user is not None:
            return user, False
        return User.objects.create_superuser(BENCH_USER, password=None), True

    def _search(self, model: str, term: str) -> str:
        app = "aid" if model == "application" else "registry"
        return f"{reverse(f'admin:{app}_{model}_changelist')}?q={quote(term)}"

    def _fresh_summary(self) -> int | None:
        """Rebuild the dashboard summary if the page would otherwise do it; its time in ms."""
        latest = SummaryRefresh.objects.first()
        age = latest and (time.time() - latest.finished_at.timestamp())
        if latest is None or age > settings.DASHBOARD_SUMMARY_MAX_AGE:
            return services.summary_refresh().duration_ms
        return None

    def _forget_tables(self, url: str) -> None:
        """Drop the dashboard's cached tables for the filters in ``url``."""
        query = QueryDict(url.partition("?")[2])
        refresh = SummaryRefresh.objects.first()
        if refresh is not None:
            dashboard_tables_forget(FilterForm(query or None).filters(), refresh)

    def _time(self, client, label, url, target, repeat, uncached=None):
        """``uncached``: None (no dashboard), "cold" or "always" (see the module's docstring)."""
        if uncached:
            self._forget_tables(url)
        if not connection.in_atomic_block:  # (inside a test's transaction it must stay open)
            connection.close()  # cold: a new connection, nothing cached in it
        timings = []
        for i in range(repeat + 1):
            if uncached == "always" and i:
                self._forget_tables(url)
            started = time.perf_counter()
            response = client.get(url, secure=True)
            timings.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise CommandError(f"{label}: {url} gave HTTP {response.status_code}")
        # One more request, recorded, for the database's share of the time.
        if uncached == "always":
            self._forget_tables(url)
        with CaptureQueriesContext(connection) as queries:
            client.get(url, secure=True)
        db_ms = sum(float(q["time"]) for q in queries.captured_queries) * 1000
        warm = statistics.median(timings[1:] or timings)
        return label, timings[0], warm, len(queries), db_ms, target

    def _report(self, results, refresh_ms, name, repeat):
        vendor = connection.vendor
        write = self.stdout.write
        write(
            f"Basis data {vendor}: {Application.objects.count():,} permohonan, "
            f"{Owner.objects.count():,} pemilik. Pencarian nama: {name!r}. "
            f"Hangat = median dari {repeat}."
        )
        if refresh_ms is not None:
            write(f"Ringkasan dasbor dibangun ulang lebih dulu: {refresh_ms} ms.")
        if settings.DEBUG:
            write("Catatan: DEBUG aktif; angka sedikit lebih lambat daripada produksi.")
        write(
            f"{'halaman':<24} {'dingin ms':>9} {'hangat ms':>9} {'kueri':>5} "
            f"{'basis data ms':>13} {'target ms':>9}"
        )
        for label, cold, warm, count, db_ms, target in results:
            mark = "" if warm <= target else "  > target"
            write(
                f"{label:<24} {cold:>9.1f} {warm:>9.1f} {count:>5} {db_ms:>13.1f} {target:>9}{mark}"
            )
