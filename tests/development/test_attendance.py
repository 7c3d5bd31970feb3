import datetime
import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from aid.importing.guards import ListRefused
from development import selectors, services
from development.models import Participant
from tests.factories import BusinessFactory, OwnerFactory

pytestmark = pytest.mark.django_db


def test_capacity_is_kept_at_registration_but_not_at_the_door(make_activity):
    activity = make_activity(capacity=1, starts_on=timezone.localdate())
    first, second = OwnerFactory(), OwnerFactory()
    services.participant_register(activity=activity, owner=first)
    assert services.participant_register(activity=activity, owner=first)[1] is False
    with pytest.raises(ValidationError):
        services.participant_register(activity=activity, owner=second)
    services.attendance_take(activity=activity, owner=second, attendance="hadir", by=None)
    assert selectors.attendance_counts(activity)["hadir"] == 1
    assert Participant.objects.get(owner=second).channel == "pintu"


def test_search_finds_owners_by_nik_phone_or_name():
    owner = OwnerFactory(full_name="Siti Aminah", phone="+6281234567890")
    assert selectors.owners_matching(owner.nik) == [owner]
    assert selectors.owners_matching("0812-3456-7890") == [owner]
    assert selectors.owners_matching("aminah") == [owner]
    assert selectors.owners_matching("si") == []  # too short to search by


def _xlsx(rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_attendance_list_is_imported_in_one_pass(make_activity, make_staff):
    activity = make_activity(starts_on=timezone.localdate())
    known = [BusinessFactory().owner for _ in range(3)]
    services.participant_register(activity=activity, owner=known[0])
    csv = "\n".join(
        [
            "NIK;Nama;Kehadiran",
            f"{known[0].nik};{known[0].full_name};izin",
            f"{known[1].nik};{known[1].full_name};",
            f"{known[2].nik};{known[2].full_name};tidak hadir",
            "3275011708900009;Belum Terdaftar;hadir",
            f"{known[1].nik[:-1]};Rusak;hadir",
        ]
    ).encode()
    upload = SimpleUploadedFile("hadir.csv", csv)
    outcome = services.attendance_import(activity=activity, file=upload, by=make_staff("Operator"))
    assert (outcome.recorded, outcome.registered) == (3, 2)
    assert [n for n, _m in outcome.problems] == [5, 6]
    got = dict(Participant.objects.filter(activity=activity).values_list("owner", "attendance"))
    assert got == {known[0].pk: "izin", known[1].pk: "hadir", known[2].pk: "tidak_hadir"}


def test_the_import_uses_the_upload_guards(make_activity, client, make_staff):
    activity = make_activity(starts_on=timezone.localdate())
    with pytest.raises(ListRefused):
        services.attendance_import(
            activity=activity, file=SimpleUploadedFile("x.csv", b""), by=None
        )
    header_only = _xlsx([["NIK", "Nama"]])  # refused by open_list
    client.force_login(make_staff("Operator"))
    owner = OwnerFactory()
    page = client.post(
        f"/pembinaan/kegiatan/{activity.pk}/impor-hadir/",
        {
            "upload": SimpleUploadedFile(
                "h.xlsx", _xlsx([["NIK", "Nama"], [owner.nik, owner.full_name]])
            )
        },
    )
    assert page.status_code == 200 and page.context["outcome"].recorded == 1
    page = client.post(
        f"/pembinaan/kegiatan/{activity.pk}/impor-hadir/",
        {"upload": SimpleUploadedFile("h.xlsx", header_only)},
    )
    assert page.context["form"].errors


def test_the_door_pages_are_for_staff_who_keep_attendance(make_activity, make_staff, client):
    activity = make_activity()
    url = f"/pembinaan/kegiatan/{activity.pk}/hadir/"
    assert client.get(url).status_code == 302  # to the login
    client.force_login(make_staff("Pimpinan"))
    assert client.get(url).status_code == 403


def test_hadir_is_refused_before_the_activity_and_izin_is_not(make_activity):
    """Issue 26.5: attendance 'Hadir' was accepted two days before the activity."""
    activity = make_activity(starts_on=timezone.localdate() + datetime.timedelta(days=2))
    participant, _ = services.participant_register(activity=activity, owner=OwnerFactory())
    for attendance in ("hadir", "tidak_hadir"):
        with pytest.raises(ValidationError, match="mulai hari kegiatan"):
            services.attendance_record(participant=participant, attendance=attendance, by=None)
    services.attendance_record(participant=participant, attendance="izin", by=None)
    participant.refresh_from_db()
    assert participant.attendance == "izin"
    upload = SimpleUploadedFile("hadir.csv", f"NIK;Nama\n{participant.owner.nik};X\n".encode())
    with pytest.raises(ValidationError, match="mulai hari kegiatan"):
        services.attendance_import(activity=activity, file=upload, by=None)


def test_an_uploaded_row_whose_name_is_not_the_registered_one_is_reported(
    make_activity, make_staff
):
    """Issue 26.5: the attendance upload compared no names, so a NIK typo marked another
    person present. Titles and small slips still match."""
    activity = make_activity(starts_on=timezone.localdate())
    siti = OwnerFactory(full_name="Siti Aminah")
    budi = OwnerFactory(full_name="Budi Santoso")
    csv = "\n".join(
        [
            "NIK;Nama;Kehadiran",
            f"{siti.nik};Hj. SITI AMINAH, S.E.;hadir",
            f"{budi.nik};Dewi Lestari;hadir",
        ]
    ).encode()
    outcome = services.attendance_import(
        activity=activity, file=SimpleUploadedFile("hadir.csv", csv), by=make_staff("Operator")
    )
    assert outcome.recorded == 1
    assert [(n, "tidak sama dengan nama yang terdaftar" in m) for n, m in outcome.problems] == [
        (3, True)
    ]
    assert list(Participant.objects.filter(activity=activity).values_list("owner", flat=True)) == [
        siti.pk
    ]


def test_hadir_tapped_at_the_door_before_the_day_says_why_and_records_nothing(
    make_activity, make_staff, client
):
    """Walkthrough: tapping Hadir at the door before the activity's day gave a server error."""
    activity = make_activity(starts_on=timezone.localdate() + datetime.timedelta(days=2))
    owner = OwnerFactory()
    client.force_login(make_staff("Pembinaan"))
    response = client.post(
        f"/pembinaan/kegiatan/{activity.pk}/hadir/catat/",
        {"owner": owner.pk, "attendance": "hadir"},
        follow=True,
    )
    assert response.status_code == 200
    assert "mulai hari kegiatan" in response.content.decode()
    assert not Participant.objects.filter(activity=activity).exists()
