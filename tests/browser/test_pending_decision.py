"""The decision page of a registration waiting for a check, on the pembinaan officer's phone
(360×740) and on the office screen (1366×768): the page never scrolls sideways (a wide table
scrolls inside its own box) and passes an accessibility scan."""

import pytest
from django.utils import timezone

from development import services
from development.models import Activity
from registry.models import Region
from tests.browser.test_attendance import _serious_violations
from tests.factories import BusinessFactory, OwnerFactory
from umkm_portal import roles

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def pending(transactional_db):
    """A claim whose NIK is one digit off a registered owner's, with a phone another owner
    holds: the page lists both as possible matches, with long names and addresses."""
    kecamatan = Region.objects.filter(level=Region.Level.KECAMATAN).order_by("code").first()
    activity = services.activity_create(
        kind=Activity.Kind.TRAINING,
        topic="Pemasaran digital dan foto produk untuk usaha kuliner rumahan",
        starts_on=timezone.localdate(),
        kecamatan=kecamatan,
        venue="Aula Kecamatan",
        registration_open=True,
    )
    registered = BusinessFactory(
        owner=OwnerFactory(full_name="Siti Aminah Rahmawati Kusumadewi", phone="+6281234567890")
    ).owner
    OwnerFactory(full_name="Bambang Sutrisno Wijayakusuma", phone="+6281299998888")
    typo = registered.nik[:15] + str((int(registered.nik[15]) + 1) % 10)
    outcome = services.public_registration(
        activity=activity,
        nik=typo,
        phone="081299998888",
        full_name="Siti Aminah Rahmawati Kusumadewi",
        ktp_address="Jl. Melati Raya Blok C3 No. 17, RT 004/RW 012, Kelurahan Jakasampurna",
        business_name="Keripik Singkong Balado Bu Siti",
        sector="Kuliner",
    )
    return outcome.pending


def _fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize(
    "screen, name",
    [({"width": 360, "height": 740}, "phone"), ({"width": 1366, "height": 768}, "office")],
)
def test_the_decision_page_fits_the_phone_and_the_office_screen(
    browser, live_server, pending, admin_login, make_staff, screenshot, screen, name
):
    # CSP bypassed so the scan can inject axe-core (the policy itself: test_csp.py).
    context = browser.new_context(
        base_url=live_server.url,
        viewport=screen,
        is_mobile=name == "phone",
        locale="id-ID",
        bypass_csp=True,
    )
    page = context.new_page()
    admin_login(page, make_staff(roles.PEMBINAAN))
    page.goto(f"/admin/development/pendingregistration/{pending.pk}/periksa/")

    screenshot(page, f"pending-decision-{name}")
    assert _fits_the_screen(page)
    assert _serious_violations(page) == []
    # Everything needed to decide is reachable without scrolling the page sideways.
    for button in (
        "Tautkan ke pemilik terpilih (data pemilik tidak diubah)",
        "Buat pemilik baru dan daftarkan",
        "Tolak pendaftaran",
    ):
        box = page.get_by_role("button", name=button).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= screen["width"], button
    page.get_by_role("radio", name="Siti Aminah Rahmawati Kusumadewi").check()
    page.get_by_role(
        "button", name="Tautkan ke pemilik terpilih (data pemilik tidak diubah)"
    ).click()
    page.wait_for_url("**/admin/development/pendingregistration/")
    assert _fits_the_screen(page)
    context.close()
