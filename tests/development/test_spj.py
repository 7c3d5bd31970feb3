"""SPJ paperwork (issue 26.7): an activity's admin page links its daftar hadir, which
downloads as an XLSX to print and sign: letterhead, the activity's header, one numbered row
per participant with a signature column, the "Mengetahui" block; no NIK on paper."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from development import services
from privacy.models import AccessLog
from tests.factories import BusinessFactory
from umkm_portal import roles

pytestmark = pytest.mark.django_db


def _cells(content: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(content)).active
    return [[c for c in row if c not in (None, "")] for row in sheet.iter_rows(values_only=True)]


def test_the_activity_page_links_a_daftar_hadir_to_sign(
    make_activity, make_staff, client, settings
):
    settings.LETTERHEAD_SIGNATORY_NAME = "Drs. H. Abdul Rahman"
    settings.LETTERHEAD_SIGNATORY_NIP = "196801011990031001"
    activity = make_activity(
        topic="Pembukuan sederhana",
        starts_on=datetime.date(2026, 9, 14),
        facilitator="Ibu Rina",
    )
    people = [BusinessFactory(owner__full_name=name) for name in ("Siti Aminah", "=cmd|x")]
    for business in people:
        services.participant_register(activity=activity, owner=business.owner, business=business)
    officer = make_staff(roles.PEMBINAAN)
    client.force_login(officer)

    page = client.get(reverse("admin:development_activity_change", args=[activity.pk]))
    link = reverse("development:attendance_sheet", args=[activity.pk])
    assert link in page.content.decode()

    download = client.get(link)
    assert download.status_code == 200
    assert download["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    rows = _cells(download.content)
    text = " | ".join(str(c) for row in rows for c in row)
    assert rows[0] == ["PEMERINTAH KOTA BEKASI"]
    assert ["DAFTAR HADIR"] in rows
    assert "Pelatihan: Pembukuan sederhana" in text
    assert "Senin, 14 September 2026" in text and "Ibu Rina" in text
    header = rows.index(["No", "Nama", "Nama usaha", "Kelurahan", "No HP", "Tanda tangan"])
    people_rows = rows[header + 1 : header + 3]
    assert [row[0] for row in people_rows] == [1, 2]
    assert [row[-1] for row in people_rows] == ["1.", "2."]
    assert "Siti Aminah" in text and "'=cmd|x" in text  # never a formula
    for business in people:
        assert business.owner.nik not in text
    assert "Mengetahui," in text and "Drs. H. Abdul Rahman" in text
    assert "NIP 196801011990031001" in text
    assert AccessLog.objects.filter(
        user=officer, subject="development.activity.attendance_sheet", rows=2
    ).exists()


def test_staff_without_the_pembinaan_permissions_cannot_download_it(
    make_activity, make_staff, client
):
    activity = make_activity()
    client.force_login(make_staff(roles.BENDAHARA))
    url = reverse("development:attendance_sheet", args=[activity.pk])
    assert client.get(url).status_code == 403
