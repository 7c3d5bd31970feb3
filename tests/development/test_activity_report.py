"""SPJ paperwork (issue 26.7): the participants' export (NIK masked unless the role may
export identities; logged), and the activity report the finance office files: summary,
photos kept privately after the upload guards, pre/post test scores with their averages,
downloadable as XLSX and linked from the activity's admin page."""

import io
import os
import re
import stat
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from development import services
from development.models import ActivityPhoto, Participant
from privacy.masking import mask_nik
from privacy.models import AccessLog
from tests.factories import BusinessFactory
from umkm_portal import roles

pytestmark = pytest.mark.django_db

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 200


def _text(content: bytes) -> str:
    sheet = load_workbook(io.BytesIO(content)).active
    return " | ".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row if c)


@pytest.fixture
def activity_with_people(make_activity):
    activity = make_activity(topic="Pembukuan sederhana")
    people = [
        BusinessFactory(owner__full_name=name, name=f"Usaha {name}")
        for name in ("Ani Lestari", "Budi Santoso", "Citra Dewi")
    ]
    for business in people:
        services.participant_register(activity=activity, owner=business.owner, business=business)
    return activity, people


def test_the_participant_export_masks_the_nik_unless_the_role_may_export_identities(
    activity_with_people, make_staff, client
):
    activity, people = activity_with_people
    url = reverse("development:participants_download", args=[activity.pk])
    officer = make_staff(roles.PEMBINAAN)
    client.force_login(officer)

    page = client.get(reverse("admin:development_activity_change", args=[activity.pk]))
    assert url in page.content.decode()
    masked = _text(client.get(url).content)
    for business in people:
        assert business.owner.full_name in masked
        assert business.owner.nik not in masked and mask_nik(business.owner.nik) in masked
    assert AccessLog.objects.filter(
        user=officer, subject="development.activity.participants", rows=3, full_identity=False
    ).exists()

    admin = make_staff(None)
    client.force_login(admin)
    full = _text(client.get(url).content)
    assert all(business.owner.nik in full for business in people)
    assert AccessLog.objects.filter(user=admin, full_identity=True).exists()

    client.force_login(make_staff(roles.BENDAHARA))
    assert client.get(url).status_code == 403


def test_the_activity_report_is_written_and_downloaded(activity_with_people, make_staff, client):
    activity, people = activity_with_people
    officer = make_staff(roles.PEMBINAAN)
    client.force_login(officer)
    page_url = reverse("development:activity_report", args=[activity.pk])
    change_page = client.get(reverse("admin:development_activity_change", args=[activity.pk]))
    assert page_url in change_page.content.decode()
    ani, budi, citra = (
        Participant.objects.get(activity=activity, owner=b.owner).pk for b in people
    )

    client.post(page_url, {"part": "summary", "summary": "Peserta belajar mencatat kas harian."})
    client.post(
        page_url,
        {
            "part": "scores",
            f"pre-{ani}": "40",
            f"post-{ani}": "80",
            f"pre-{budi}": "55",
            f"post-{budi}": "70",
            f"pre-{citra}": "",
            f"post-{citra}": "",
        },
    )
    client.post(
        page_url,
        {
            "part": "photo",
            "caption": "Sesi praktik",
            "photo": SimpleUploadedFile("../../etc/passwd.jpg", JPEG, "image/jpeg"),
        },
    )

    page = client.get(page_url).content.decode()
    assert "Peserta belajar mencatat kas harian." in page
    assert "47,5" in page and "75" in page  # the averages of those who took the test
    photo = ActivityPhoto.objects.get(activity=activity)
    path = Path(photo.file.path)
    assert path.is_relative_to(settings.PRIVATE_UPLOAD_ROOT)
    assert "passwd" not in path.name and path.suffix == ".jpg"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    shown = client.get(reverse("development:activity_photo", args=[activity.pk, photo.pk]))
    assert shown["Content-Type"] == "image/jpeg"
    assert b"".join(shown.streaming_content) == JPEG

    download = client.get(reverse("development:activity_report_download", args=[activity.pk]))
    text = _text(download.content)
    assert "LAPORAN PELAKSANAAN KEGIATAN" in text
    assert "Peserta belajar mencatat kas harian." in text
    assert "Rata-rata | 47,5 | 75,0 | 27,5" in text
    assert "Sesi praktik" in text
    assert all(b.owner.nik not in text for b in people)
    assert AccessLog.objects.filter(subject="development.activity.report", rows=3).exists()


def test_wrong_scores_and_files_are_refused_and_nothing_is_half_written(
    activity_with_people, make_staff, client
):
    activity, people = activity_with_people
    client.force_login(make_staff(roles.PEMBINAAN))
    page_url = reverse("development:activity_report", args=[activity.pk])
    ani, budi, _citra = (
        Participant.objects.get(activity=activity, owner=b.owner).pk for b in people
    )

    refused = client.post(
        page_url,
        {
            "part": "scores",
            f"pre-{ani}": "60",
            f"post-{ani}": "90",
            f"pre-{budi}": "120",
            f"post-{budi}": "abc",
        },
    ).content.decode()

    assert "harus angka bulat 0 sampai 100" in refused
    assert not Participant.objects.filter(pre_test_score__isnull=False).exists()
    assert 'value="120"' in refused  # what was typed stays on the form to correct

    fake = SimpleUploadedFile("foto.jpg", b"<html>not a photo</html>", "image/jpeg")
    page = client.post(page_url, {"part": "photo", "photo": fake}).content.decode()
    assert "bukan foto JPG atau PNG" in page
    settings_mb = 1
    big = SimpleUploadedFile(
        "besar.png", b"\x89PNG\r\n\x1a\n" + b"0" * (settings_mb * 1024 * 1024 + 1)
    )
    from django.test import override_settings

    with override_settings(ACTIVITY_PHOTO_MAX_MB=settings_mb):
        page = client.post(page_url, {"part": "photo", "photo": big}).content.decode()
    # The size is written the Indonesian way, with a decimal comma.
    assert "Foto terlalu besar (1,0 MB; batasnya 1 MB)" in page
    assert not ActivityPhoto.objects.exists()


def test_pimpinan_reads_the_report_but_cannot_change_it(activity_with_people, make_staff, client):
    activity, _people = activity_with_people
    client.force_login(make_staff(roles.PIMPINAN))
    page_url = reverse("development:activity_report", args=[activity.pk])

    assert client.get(page_url).status_code == 200
    assert client.post(page_url, {"part": "summary", "summary": "x"}).status_code == 403


def test_staff_see_who_entered_each_participants_scores(activity_with_people, make_staff, client):
    activity, people = activity_with_people
    page_url = reverse("development:activity_report", args=[activity.pk])
    ani, budi, citra = (
        Participant.objects.get(activity=activity, owner=b.owner).pk for b in people
    )
    first, second = make_staff(roles.PEMBINAAN, "pembinaan-rina"), make_staff(None, "admin-joko")

    client.force_login(first)
    client.post(
        page_url,
        {"part": "scores", f"pre-{ani}": "40", f"post-{ani}": "80", f"pre-{budi}": "55"},
    )
    # A second officer corrects Budi's post-test only; Ani's scores stay Rina's.
    client.force_login(second)
    client.post(
        page_url,
        {
            "part": "scores",
            f"pre-{ani}": "40",
            f"post-{ani}": "80",
            f"pre-{budi}": "55",
            f"post-{budi}": "70",
        },
    )

    rows = {
        participant.pk: participant
        for participant in Participant.objects.filter(activity=activity).select_related("scores_by")
    }
    assert (rows[ani].scores_by, rows[budi].scores_by, rows[citra].scores_by) == (
        first,
        second,
        None,
    )
    page = client.get(page_url).content.decode()
    cells = re.findall(r'<td class="scores-by">([^<]*)</td>', page)
    # Ordered by name: Ani, Budi, Citra.
    assert cells[0].startswith("pembinaan-rina, ") and cells[1].startswith("admin-joko, ")
    assert cells[2] == "–"
    admin_page = client.get(reverse("admin:development_participant_change", args=[budi]))
    assert "admin-joko" in admin_page.content.decode()


def test_every_view_of_an_activity_photo_is_in_the_access_log(
    activity_with_people, make_staff, client
):
    activity, _people = activity_with_people
    officer, head = make_staff(roles.PEMBINAAN), make_staff(roles.PIMPINAN)
    photo = services.activity_photo_add(
        activity=activity,
        file=SimpleUploadedFile("peserta.jpg", JPEG, "image/jpeg"),
        caption="Peserta praktik",
        by=officer,
    )
    url = reverse("development:activity_photo", args=[activity.pk, photo.pk])

    for user in (officer, head, officer):
        client.force_login(user)
        response = client.get(url)
        assert b"".join(response.streaming_content) == JPEG
        assert "no-cache" in response["Cache-Control"]  # each view reaches the log

    logged = AccessLog.objects.filter(subject="development.activityphoto", object_id=photo.pk)
    assert [(e.user, e.action, e.detail) for e in logged.order_by("pk")] == [
        (officer, AccessLog.Action.DOWNLOAD, photo.file.name),
        (head, AccessLog.Action.DOWNLOAD, photo.file.name),
        (officer, AccessLog.Action.DOWNLOAD, photo.file.name),
    ]
    # A photo of another activity is not found, and not logged.
    client.get(reverse("development:activity_photo", args=[activity.pk + 1, photo.pk]))
    assert logged.count() == 3
