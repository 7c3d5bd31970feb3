"""Staff take attendance for ten people at the door on a 360×740 phone; the pembinaan pages
pass an accessibility scan."""

import time
from pathlib import Path

import axe_playwright_python
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from development import services
from development.models import Activity, Attendance, Participant
from registry.models import Region
from tests.factories import BusinessFactory, OwnerFactory
from umkm_portal import roles

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

AXE_JS = Path(axe_playwright_python.__file__).parent / "axe.min.js"


@pytest.fixture
def activity(transactional_db):
    kecamatan = Region.objects.filter(level=Region.Level.KECAMATAN).order_by("code").first()
    activity = services.activity_create(
        kind=Activity.Kind.TRAINING,
        topic="Foto produk dengan ponsel",
        # Today: attendance is taken at the door on the activity's day (before it, only izin).
        starts_on=timezone.localdate(),
        kecamatan=kecamatan,
        venue="Aula Kecamatan",
        capacity=30,
        registration_open=True,
    )
    for _ in range(10):
        owner = BusinessFactory().owner
        services.participant_register(activity=activity, owner=owner)
    return activity


def _serious_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE_JS))
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']]}"
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def _fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_staff_take_attendance_for_ten_people_on_a_phone(
    phone_page, activity, admin_login, make_staff, screenshot
):
    page = phone_page
    admin_login(page, make_staff(roles.OPERATOR))
    page.goto(f"/pembinaan/kegiatan/{activity.pk}/hadir/")
    assert _fits_the_screen(page)
    people = list(activity.participants.select_related("owner").order_by("pk"))
    started = time.monotonic()
    for number, participant in enumerate(people, start=1):
        owner = participant.owner
        search = page.get_by_label("Cari NIK, nomor HP atau nama")
        # By NIK from the KTP, by mobile number, or by a part of the name.
        search.fill([owner.nik, owner.phone, owner.full_name][number % 3])
        search.press("Enter")
        page.get_by_role("button", name=f"Hadir: {owner.full_name}", exact=True).click()
        page.wait_for_selector(f"text=Hadir {number} ·")
    elapsed = time.monotonic() - started
    screenshot(page, "door-attendance-phone")
    assert _fits_the_screen(page)
    assert elapsed / len(people) < 5  # seconds per person, including the browser's work
    recorded = Participant.objects.filter(activity=activity, attendance=Attendance.PRESENT)
    assert recorded.count() == 10
    assert set(recorded.values_list("attendance_by__username", flat=True)) == {"operator"}


def test_a_walk_in_is_registered_at_the_door(phone_page, activity, admin_login, make_staff):
    page = phone_page
    admin_login(page, make_staff(roles.OPERATOR))
    walk_in = OwnerFactory(full_name="Sutini Wulandari")
    page.goto(f"/pembinaan/kegiatan/{activity.pk}/hadir/")
    page.get_by_label("Cari NIK, nomor HP atau nama").fill("Sutini")
    page.get_by_label("Cari NIK, nomor HP atau nama").press("Enter")
    walk_in_izin = page.get_by_role("button", name="Izin: Sutini Wulandari")
    expect(walk_in_izin).to_be_visible()  # the search's answer has loaded
    expect(page.get_by_text("Belum terdaftar").first).to_be_visible()
    walk_in_izin.click()
    page.wait_for_selector("text=izin 1")
    assert Participant.objects.get(activity=activity, owner=walk_in).attendance == "izin"


def test_the_pembinaan_pages_have_no_serious_accessibility_violations(
    audit_page, activity, admin_login, make_staff
):
    page = audit_page
    for path in ("/kegiatan/", f"/kegiatan/{activity.pk}/daftar/"):
        page.goto(path)
        assert _serious_violations(page) == [], path
    page.get_by_role("button", name="Daftar").click()  # empty: the errors
    assert _serious_violations(page) == []

    admin_login(page, make_staff(roles.OPERATOR))
    owner = activity.participants.first().owner
    for path in (
        "/pembinaan/hadir/",
        f"/pembinaan/kegiatan/{activity.pk}/hadir/?q={owner.nik}",
        f"/pembinaan/kegiatan/{activity.pk}/impor-hadir/",
        f"/pembinaan/usaha/{owner.businesses.first().pk}/linimasa/",
    ):
        page.goto(path)
        assert _serious_violations(page) == [], path


def test_the_activity_facts_do_not_overlap_their_labels_on_a_phone(phone_page, activity):
    """Issue 26.10: "Penyelenggara" ran into its value at 360 px."""
    page = phone_page
    page.goto("/kegiatan/")
    overlaps = page.evaluate(
        """() => [...document.querySelectorAll('.facts div')].filter(row => {
            const dt = row.querySelector('dt'), dd = row.querySelector('dd');
            return dt.scrollWidth > dt.clientWidth
                || dt.getBoundingClientRect().right > dd.getBoundingClientRect().left;
        }).map(row => row.innerText)"""
    )
    assert overlaps == []
    assert _fits_the_screen(page)
