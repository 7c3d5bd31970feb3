from django.urls import path

from development import views

app_name = "development"

urlpatterns = [
    # Public, phone first, no personal data.
    path("kegiatan/", views.activities, name="activities"),
    path("kegiatan/<int:pk>/daftar/", views.register, name="register"),
    # Staff (the admin's login).
    path("pembinaan/hadir/", views.door_activities, name="door_activities"),
    path("pembinaan/kegiatan/<int:pk>/hadir/", views.door, name="door"),
    path(
        "pembinaan/kegiatan/<int:pk>/daftar-hadir.xlsx",
        views.attendance_sheet,
        name="attendance_sheet",
    ),
    path(
        "pembinaan/kegiatan/<int:pk>/peserta.xlsx",
        views.participants_download,
        name="participants_download",
    ),
    path("pembinaan/kegiatan/<int:pk>/laporan/", views.activity_report, name="activity_report"),
    path(
        "pembinaan/kegiatan/<int:pk>/laporan.xlsx",
        views.activity_report_download,
        name="activity_report_download",
    ),
    path(
        "pembinaan/kegiatan/<int:pk>/foto/<int:photo_pk>/",
        views.activity_photo,
        name="activity_photo",
    ),
    path("pembinaan/kegiatan/<int:pk>/hadir/catat/", views.door_record, name="door_record"),
    path(
        "pembinaan/kegiatan/<int:pk>/impor-hadir/",
        views.attendance_import,
        name="attendance_import",
    ),
    path(
        "pembinaan/capaian/<int:year>.xlsx",
        views.yearly_report,
        name="yearly_report",
    ),
    path("pembinaan/usaha/<int:pk>/linimasa/", views.timeline, name="timeline"),
    path(
        "pembinaan/usaha/<int:pk>/linimasa.<str:fmt>",
        views.timeline_download,
        name="timeline_download",
    ),
]
