"""The pembinaan officer sets this year's targets in the admin and reads the progress in the
dashboard's coaching section, at a desktop's 1366×768 (issue 26.9)."""

import datetime
import importlib
import random
import shutil
from pathlib import Path

import pytest

from umkm_portal import roles

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/work/shots/targets")


@pytest.fixture(autouse=True)
def reference_data(transactional_db):
    from django.apps import apps

    from registry.models import Region
    from umkm_portal.roles import sync_roles

    if not Region.objects.exists():
        importlib.import_module("registry.migrations.0002_load_reference_data").load(apps, None)
    sync_roles(apps)


@pytest.fixture
def desk(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1366, "height": 768}, locale="id-ID"
    )
    page = context.new_page()
    yield page
    context.close()


def _year_of_coaching(year: int) -> None:
    from development import services, transitions
    from development.models import Activity, Attendance, ReferralStatus
    from registry import fakes
    from registry.models import Bank, Region
    from tests.development.conftest import at
    from tests.factories import BusinessFactory, OwnerFactory

    rng = random.Random(year)
    kecamatan = list(Region.objects.filter(level=Region.Level.KECAMATAN).order_by("code"))
    training = services.activity_create(
        kind=Activity.Kind.TRAINING, topic="Pembukuan", starts_on=datetime.date(year, 3, 10)
    )
    for i in range(12):
        owner = OwnerFactory(nik=fakes.nik(rng, sex="MF"[i % 3 == 0], serial=i + 1))
        business = BusinessFactory(owner=owner, kecamatan=kecamatan[i % 4], kelurahan=None)
        services.attendance_take(
            activity=training,
            owner=owner,
            attendance=Attendance.PRESENT,
            by=None,
            at=at(year, 3, 10),
        )
        if i % 4 == 0:
            referral = services.referral_create(
                business=business,
                channel="kur",
                bank=Bank.objects.get(code="002"),
                amount_asked=25_000_000,
                referred_on=datetime.date(year, 4, 1),
            )
            for status in (ReferralStatus.PROCESSING, ReferralStatus.APPROVED):
                transitions.move(referral, status, by=None, at=at(year, 5, 1))
            if i % 8 == 0:
                transitions.move(referral, ReferralStatus.DISBURSED, by=None, at=at(year, 6, 1))
        if i % 3 == 1:
            services.business_report_add(
                business=business,
                reported_on=datetime.date(year, 6, 30),
                capital=800_000_000,
                annual_sales=3_000_000_000,
                workers=4,
            )


def _shot(page, name: str, screenshot, element=None) -> None:
    path = screenshot(page, name) if element is None else None
    if element is not None:
        from tests.browser.conftest import ARTIFACTS

        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        element.screenshot(path=str(path))
    if SHOTS.parent.exists():
        SHOTS.mkdir(exist_ok=True)
        shutil.copy(path, SHOTS / path.name)


def test_the_officer_sets_the_targets_and_reads_the_progress(
    desk, admin_login, make_staff, screenshot
):
    from django.utils import timezone

    year = timezone.localdate().year
    _year_of_coaching(year)
    admin_login(desk, make_staff(roles.PEMBINAAN))

    desk.goto("/admin/development/yearlytarget/add/")
    desk.fill("#id_year", str(year))
    desk.fill("#id_coached", "20")
    desk.fill("#id_naik_kelas", "8")
    desk.fill("#id_kur_referred", "6")
    desk.fill("#id_kur_disbursed", "4")
    desk.fill("#id_kur_disbursed_amount", "Rp100.000.000")
    desk.fill("#id_note", "Sesuai Renstra Dinas Koperasi dan UKM")
    _shot(desk, "targets-admin-add", screenshot)
    desk.click("input[name=_save]")
    desk.wait_for_url("**/admin/development/yearlytarget/")
    assert "Rp100.000.000" in desk.locator("#result_list").inner_text()
    _shot(desk, "targets-admin-list", screenshot)

    desk.goto("/dashboard/")
    section = desk.locator("#pembinaan")
    assert f"Target dan capaian {year}" in section.inner_text()
    progress = desk.locator("table", has_text=f"Target dan capaian pembinaan {year}")
    rows = progress.locator("tbody tr")
    assert rows.nth(0).inner_text().split("\t") == ["UMKM dibina", "orang", "20", "12", "60%"]
    assert rows.nth(4).inner_text().split("\t")[2:] == ["Rp100.000.000", "Rp50.000.000", "50%"]
    section.scroll_into_view_if_needed()
    _shot(desk, "dashboard-pembinaan-section", screenshot, element=section)
