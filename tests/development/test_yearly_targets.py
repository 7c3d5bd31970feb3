"""Yearly targets and the figures the dinas reports (issue 26.9): the Pembinaan role keeps one
row of targets per year in the admin; the dashboard's coaching section shows progress against
them and the year's figures by activity kind, kecamatan and the owner's sex (from the NIK);
the same tables download as one XLSX for the LKjIP / IKU. Definitions: docs/pembinaan.md."""

import datetime
import io
import random

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from openpyxl import load_workbook

from development import selectors, services, transitions
from development.models import Activity, Attendance, ReferralStatus, YearlyTarget
from registry import fakes
from registry.models import Bank, Business, Region
from tests.development.conftest import at
from tests.factories import BusinessFactory, OwnerFactory
from umkm_portal import roles

pytestmark = pytest.mark.django_db
_rng = random.Random(26)


def _business(sex: str, kecamatan: Region, serial: int, **values) -> Business:
    owner = OwnerFactory(nik=fakes.nik(_rng, sex=sex, serial=serial))
    return BusinessFactory(owner=owner, kecamatan=kecamatan, kelurahan=None, **values)


def _activity(kind, day: datetime.date) -> Activity:
    return services.activity_create(kind=kind, topic=f"{kind} {day}", starts_on=day)


def _attend(activity, business, attendance=Attendance.PRESENT):
    services.attendance_take(
        activity=activity,
        owner=business.owner,
        attendance=attendance,
        by=None,
        at=at(activity.starts_on.year, activity.starts_on.month, activity.starts_on.day),
    )


def _kur(business, referred_on, *, asked, approved=None, disbursed_at=None):
    referral = services.referral_create(
        business=business,
        channel="kur",
        bank=Bank.objects.get(code="002"),
        amount_asked=asked,
        referred_on=referred_on,
    )
    if disbursed_at:
        transitions.move(referral, ReferralStatus.PROCESSING, by=None, at=disbursed_at)
        transitions.move(
            referral, ReferralStatus.APPROVED, by=None, amount_approved=approved, at=disbursed_at
        )
        transitions.move(referral, ReferralStatus.DISBURSED, by=None, at=disbursed_at)
    return referral


def _report(business, day, *, capital, sales):
    services.business_report_add(
        business=business, reported_on=day, capital=capital, annual_sales=sales, workers=3
    )


@pytest.fixture
def kecamatan_pair():
    return list(Region.objects.filter(level=Region.Level.KECAMATAN).order_by("code")[:2])


@pytest.fixture
def year_2025(kecamatan_pair):
    """A year of coaching in two kecamatan, with what must not count in 2025 beside it."""
    a, b = kecamatan_pair
    woman_a = _business("F", a, 1)  # training and mentoring: coached once; KUR in 2025
    man_b = _business("M", b, 2)  # a pendamping's visit only
    man_a = _business("M", a, 3)  # izin at the 2025 training, present in 2024: not coached
    woman_b = _business("F", b, 4, size_class=Business.SizeClass.MIKRO)  # naik kelas 2025
    woman_c = _business("F", b, 5, size_class=Business.SizeClass.MIKRO)  # naik kelas 2024

    training = _activity(Activity.Kind.TRAINING, datetime.date(2025, 3, 10))
    mentoring = _activity(Activity.Kind.MENTORING, datetime.date(2025, 8, 4))
    old = _activity(Activity.Kind.MARKETING, datetime.date(2024, 11, 2))
    _attend(training, woman_a)
    _attend(mentoring, woman_a)
    _attend(training, man_a, Attendance.EXCUSED)
    _attend(old, man_a)
    services.visit_record(
        business=man_b, visited_on=datetime.date(2025, 5, 20), done="Cek pembukuan"
    )

    _report(woman_b, datetime.date(2025, 6, 30), capital=800_000_000, sales=3_000_000_000)
    _report(woman_c, datetime.date(2024, 6, 30), capital=800_000_000, sales=3_000_000_000)
    _report(woman_c, datetime.date(2025, 6, 30), capital=900_000_000, sales=3_500_000_000)

    _kur(
        woman_a,
        datetime.date(2025, 2, 1),
        asked=50_000_000,
        approved=40_000_000,
        disbursed_at=at(2025, 4, 1),
    )
    _kur(woman_b, datetime.date(2024, 12, 1), asked=20_000_000, disbursed_at=at(2025, 1, 15))
    _kur(man_b, datetime.date(2025, 9, 1), asked=10_000_000)  # referred, not disbursed
    _kur(man_a, datetime.date(2024, 3, 1), asked=5_000_000, disbursed_at=at(2024, 5, 1))
    return {"a": a, "b": b}


def test_the_years_figures_follow_the_definitions(year_2025):
    figures = selectors.yearly_figures(2025)

    assert figures.coached == 2  # the woman at two activities, the man visited
    assert figures.coached_by_sex == {"F": 1, "M": 1}
    assert figures.by_kind[Activity.Kind.TRAINING] == {"events": 1, "people": 1, "M": 0, "F": 1}
    assert figures.by_kind[Activity.Kind.MENTORING]["people"] == 1
    assert figures.by_kind[selectors.VISITS] == {"events": 1, "people": 1, "M": 1, "F": 0}
    assert Activity.Kind.MARKETING not in figures.by_kind  # held in 2024
    assert figures.naik_kelas == 1  # the 2024 mover stayed kecil in 2025
    assert (figures.kur_referred, figures.kur_referred_asked) == (2, 60_000_000)
    # Disbursed in 2025: one referred in 2025 (the approved amount), one referred in 2024.
    assert (figures.kur_disbursed, figures.kur_disbursed_amount) == (2, 60_000_000)

    a, b = year_2025["a"].pk, year_2025["b"].pk
    assert figures.by_kecamatan[a] | {} == {
        "coached": 1,
        "M": 0,
        "F": 1,
        "naik_kelas": 0,
        "kur_referred": 1,
        "kur_disbursed": 1,
        "kur_disbursed_amount": 40_000_000,
    }
    assert figures.by_kecamatan[b]["coached"] == 1 and figures.by_kecamatan[b]["M"] == 1
    assert figures.by_kecamatan[b]["naik_kelas"] == 1
    assert figures.by_sex["F"] == {
        "coached": 1,
        "naik_kelas": 1,
        "kur_referred": 1,
        "kur_disbursed": 2,
        "kur_disbursed_amount": 60_000_000,
    }
    assert figures.by_sex["M"]["kur_referred"] == 1 and figures.by_sex["M"]["kur_disbursed"] == 0
    # The same naik kelas as the dashboard's table per year.
    assert [(y, n) for y, n, _moves in selectors.size_moves_per_year()] == [(2024, 1), (2025, 1)]

    earlier = selectors.yearly_figures(2024)
    assert earlier.coached == 1 and earlier.by_kind[Activity.Kind.MARKETING]["people"] == 1
    assert (earlier.naik_kelas, earlier.kur_referred, earlier.kur_disbursed) == (1, 2, 1)


def test_the_figures_take_the_same_queries_for_many_owners(
    year_2025, kecamatan_pair, django_assert_num_queries
):
    with django_assert_num_queries(7):
        selectors.yearly_figures(2025)
    training = Activity.objects.get(kind=Activity.Kind.TRAINING)
    for serial in range(10, 40):
        _attend(training, _business("MF"[serial % 2], kecamatan_pair[serial % 2], serial))
    with django_assert_num_queries(7):
        figures = selectors.yearly_figures(2025)
    assert figures.coached == 32


def _admin_values(**values) -> dict:
    return {
        "year": "2025",
        "coached": "500",
        "naik_kelas": "25",
        "kur_referred": "80",
        "kur_disbursed": "40",
        "kur_disbursed_amount": "Rp5.000.000.000",
        "note": "Renstra 2025-2029",
        **values,
    }


def test_the_pembinaan_officer_keeps_one_row_of_targets_per_year(make_staff, client):
    officer = make_staff(roles.PEMBINAAN)
    client.force_login(officer)
    add = reverse("admin:development_yearlytarget_add")

    response = client.post(add, _admin_values())
    assert response.status_code == 302
    target = YearlyTarget.objects.get(year=2025)
    assert (target.coached, target.kur_disbursed_amount) == (500, 5_000_000_000)
    assert target.updated_by == officer

    again = client.post(add, _admin_values(coached="600"))
    assert again.status_code == 200
    assert "Target tahun ini sudah ada. Ubah target itu" in again.content.decode()
    assert YearlyTarget.objects.get().coached == 500

    wrong = client.post(add, _admin_values(year="2026", kur_disbursed_amount="lima milyar"))
    assert "Tulis nominal dalam rupiah" in wrong.content.decode()
    assert not YearlyTarget.objects.filter(year=2026).exists()

    change = reverse("admin:development_yearlytarget_change", args=[target.pk])
    assert client.post(change, _admin_values(year="2030", coached="550")).status_code == 302
    target.refresh_from_db()
    assert (target.year, target.coached) == (2025, 550)  # the year stays
    listing = client.get(reverse("admin:development_yearlytarget_changelist")).content.decode()
    assert "Rp5.000.000.000" in listing
    assert reverse("development:yearly_report", args=[2025]) in listing


def test_the_database_refuses_a_second_row_for_a_year():
    services.yearly_target_save(year=2025, coached=1, naik_kelas=1, kur_referred=1, kur_disbursed=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        YearlyTarget.objects.create(
            year=2025, coached=2, naik_kelas=2, kur_referred=2, kur_disbursed=2
        )


def test_pimpinan_reads_the_targets_and_cannot_change_them(make_staff, client):
    target = services.yearly_target_save(
        year=2025, coached=1, naik_kelas=1, kur_referred=1, kur_disbursed=1
    )
    client.force_login(make_staff(roles.PIMPINAN))
    assert client.get(reverse("admin:development_yearlytarget_changelist")).status_code == 200
    assert client.get(reverse("admin:development_yearlytarget_add")).status_code == 403
    change = reverse("admin:development_yearlytarget_change", args=[target.pk])
    assert client.post(change, _admin_values(coached="9")).status_code == 403
    target.refresh_from_db()
    assert target.coached == 1


def test_the_dashboard_shows_progress_against_the_targets(year_2025, make_staff, client):
    services.yearly_target_save(
        year=2025,
        coached=4,
        naik_kelas=2,
        kur_referred=2,
        kur_disbursed=4,
        kur_disbursed_amount=120_000_000,
    )
    client.force_login(make_staff(roles.PEMBINAAN))
    page = client.get(reverse("dashboard:index"), {"year": "2025"})
    assert page.status_code == 200
    progress = page.context["tables"]["pembinaan_capaian"]
    assert progress.rows == [
        ["UMKM dibina", "orang", 4, 2, "50%"],
        ["Usaha naik kelas", "usaha", 2, 1, "50%"],
        ["Rujukan KUR", "rujukan", 2, 2, "100%"],
        ["KUR cair", "rujukan", 4, 2, "50%"],
        ["Nilai KUR cair", "rupiah", 120_000_000, 60_000_000, "50%"],
    ]
    html = page.content.decode()
    assert "Target dan capaian 2025" in html
    assert "Perempuan" in html and "Kunjungan pendamping" in html
    assert reverse("development:yearly_report", args=[2025]) in html

    no_target = client.get(reverse("dashboard:index"), {"year": "2024"})
    assert "Target tahun 2024 belum diisi" in no_target.content.decode()
    assert no_target.context["tables"]["pembinaan_capaian"].rows[0] == [
        "UMKM dibina",
        "orang",
        "",
        1,
        "–",
    ]


def test_pimpinan_downloads_the_years_figures_as_one_workbook(year_2025, make_staff, client):
    client.force_login(make_staff(roles.PIMPINAN))
    response = client.get(reverse("development:yearly_report", args=[2025]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="capaian-pembinaan-2025.xlsx"'
    book = load_workbook(io.BytesIO(response.content))
    # Sheets named as the tables are headed (Excel's 31 characters), not by code.
    assert book.sheetnames == [
        "Target dan capaian pembinaan",
        "UMKM dibina per jenis kegiatan",
        "Capaian pembinaan per kecamatan",
        "Capaian pembinaan per jenis kel",
    ]
    sexes = list(book["Capaian pembinaan per jenis kel"].iter_rows(values_only=True))
    assert sexes[0][:3] == ("Jenis kelamin", "UMKM dibina", "Usaha naik kelas")
    assert sexes[1][:2] == ("Laki-laki", 1) and sexes[2][:2] == ("Perempuan", 1)
    assert sexes[2][-1] == 60_000_000  # rupiah stay numbers
    kinds = [row[0] for row in book["UMKM dibina per jenis kegiatan"].iter_rows(values_only=True)]
    assert kinds == [
        "Jenis kegiatan",
        "Pelatihan",
        "Pendampingan",
        "Kunjungan pendamping",
        "Jumlah (tiap orang sekali)",
    ]


def test_roles_without_the_targets_cannot_download_the_report(make_staff, client):
    client.force_login(make_staff(roles.VERIFIKATOR))
    assert client.get(reverse("development:yearly_report", args=[2025])).status_code == 403
