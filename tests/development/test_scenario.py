"""Issue 17's acceptance scenario, on SQLite and PostgreSQL alike: an owner paid BPUM in 2020
attends a training in 2021, joins a cooperative, is referred for KUR in 2022 and approved,
and in 2023 reports sales that make the business kecil. The timeline shows each step in
order, the dashboard counts them, and a role without full identity sees the NIK masked."""

import datetime

import pytest
from django.urls import reverse

from aid import demo_rows
from aid.models import Status
from dashboard.selectors import Filters
from dashboard.services import summary_refresh
from dashboard.tables import dashboard_tables
from development import services, transitions
from development.models import Activity, Attendance, ReferralStatus
from privacy.masking import mask_nik
from registry.models import Bank, Business
from tests.development.conftest import at
from tests.factories import BankAccountFactory, BusinessFactory
from umkm_portal import roles

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(program, kecamatan):
    business = BusinessFactory(kecamatan=kecamatan, kelurahan=None, sector="Kuliner")
    owner = business.owner
    BankAccountFactory(owner=owner)
    application = demo_rows.propose(
        business=business, program=program, proposal_list=None, at=at(2020, 8, 20), source="t"
    )
    demo_rows.walk(
        application,
        {
            Status.PROPOSED: at(2020, 8, 20),
            Status.VERIFIED: at(2020, 8, 25),
            Status.SUBMITTED: at(2020, 8, 28),
            Status.APPROVED: at(2020, 9, 5),
            Status.TRANSFERRED: at(2020, 9, 10),
        },
        reference="BPUM-TEST-1",
    )
    services.business_report_add(
        business=business,
        reported_on=datetime.date(2021, 1, 10),
        capital=150_000_000,
        annual_sales=400_000_000,
        workers=2,
    )
    training = services.activity_create(
        kind=Activity.Kind.TRAINING,
        topic="Pembukuan sederhana",
        starts_on=datetime.date(2021, 3, 15),
        kecamatan=kecamatan,
    )
    services.attendance_take(
        activity=training, owner=owner, attendance=Attendance.PRESENT, by=None, at=at(2021, 3, 15)
    )
    cooperative = services.cooperative_create(
        name="Koperasi Maju Bersama", legal_number="AHU-0001234.AH.01.26.TAHUN 2019"
    )
    services.membership_add(cooperative=cooperative, owner=owner, since=datetime.date(2021, 6, 1))
    referral = services.referral_create(
        business=business,
        channel="kur",
        bank=Bank.objects.get(code="002"),
        amount_asked=50_000_000,
        referred_on=datetime.date(2022, 2, 1),
    )
    transitions.move(referral, ReferralStatus.PROCESSING, by=None, at=at(2022, 2, 10))
    transitions.move(referral, ReferralStatus.APPROVED, by=None, at=at(2022, 3, 1))
    services.business_report_add(
        business=business,
        reported_on=datetime.date(2023, 12, 31),
        capital=800_000_000,
        annual_sales=3_000_000_000,
        workers=7,
        nib="1234567890123",
        kbli="56102, 47241",
    )
    return business


def test_the_business_moved_up_to_kecil_through_the_registry(story):
    business = Business.objects.get(pk=story.pk)
    assert business.size_class == Business.SizeClass.KECIL
    assert business.nib == "1234567890123"
    assert business.workers == 7
    # The registry's own history says the change came from a report.
    assert business.history.first().size_class == Business.SizeClass.KECIL


def test_the_timeline_shows_each_step_in_order(story, make_staff, client):
    client.force_login(make_staff(roles.OPERATOR))
    response = client.get(reverse("development:timeline", args=[story.pk]))
    assert response.status_code == 200
    titles = [e.title for e in response.context["entries"]]
    expected = [
        "BPUM 2020: Diusulkan",
        "BPUM 2020: Ditransfer",
        "Laporan usaha: skala Mikro",
        "Pelatihan: Pembukuan sederhana",
        "Bergabung dengan Koperasi Maju Bersama",
        "KUR melalui bank (BRI): Dirujuk",
        "KUR melalui bank (BRI): Disetujui",
        "Naik kelas: Mikro → Kecil",
        "NIB tercatat: 1234567890123",
    ]
    positions = [titles.index(title) for title in expected]
    assert positions == sorted(positions)
    # In time order (the registration itself is dated today, when the test made it).
    days = [e.day for e in response.context["entries"] if e.kind != "registri"]
    assert days == sorted(days)
    assert story.owner.nik in response.content.decode()


def test_the_dashboard_counts_each_step(story, make_staff, client):
    summary_refresh()
    tables = dashboard_tables(Filters())
    reach = tables["pembinaan_jangkauan"]
    assert [row[1:] for row in reach.rows] == [["Kuliner", 1, 1]]
    assert tables["pembinaan_penerima"].rows == [["Semua program", 1, 1, "100%"]]
    assert tables["pembinaan_rujukan"].rows == [
        ["KUR melalui bank", "Disetujui", 1, 50_000_000, 50_000_000]
    ]
    assert tables["pembinaan_naik_kelas"].rows == [["2023", 1, "Mikro → Kecil: 1"]]

    client.force_login(make_staff(roles.PIMPINAN))
    page = client.get(reverse("dashboard:index"))
    assert page.status_code == 200
    assert "Usaha naik kelas per tahun" in page.content.decode()
    download = client.get(reverse("dashboard:download", args=["pembinaan_rujukan", "csv"]))
    assert "50000000" in download.content.decode()


def test_a_role_without_full_identity_sees_the_nik_masked(story, make_staff, client):
    nik = story.owner.nik
    client.force_login(make_staff(roles.PIMPINAN))
    page = client.get(reverse("development:timeline", args=[story.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert mask_nik(nik) in body and nik not in body
    for fmt in ("csv", "xlsx"):
        download = client.get(reverse("development:timeline_download", args=[story.pk, fmt]))
        assert download.status_code == 200
        assert nik.encode() not in download.content
    csv = client.get(reverse("development:timeline_download", args=[story.pk, "csv"]))
    assert mask_nik(nik) in csv.content.decode("utf-8-sig")
    assert "Naik kelas: Mikro → Kecil" in csv.content.decode("utf-8-sig")


def test_a_role_without_the_registry_cannot_open_the_timeline(story, make_staff, client):
    client.force_login(make_staff(roles.BENDAHARA))
    assert client.get(reverse("development:timeline", args=[story.pk])).status_code == 403


def test_the_business_page_links_to_its_timeline(story, make_staff, client):
    client.force_login(make_staff(roles.OPERATOR))
    page = client.get(reverse("admin:registry_business_change", args=[story.pk]))
    assert reverse("development:timeline", args=[story.pk]) in page.content.decode()


def test_the_download_escapes_formulas(story, make_staff, client):
    Business.objects.filter(pk=story.pk).update(name='=HYPERLINK("http://x","klik")')
    client.force_login(make_staff(roles.OPERATOR))
    csv = client.get(reverse("development:timeline_download", args=[story.pk, "csv"]))
    assert "'=HYPERLINK" in csv.content.decode("utf-8-sig")
