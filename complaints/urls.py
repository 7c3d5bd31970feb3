from django.urls import path

from complaints import views

urlpatterns = [
    path("cek-status/pengaduan/baru/", views.complaint_start, name="complaint_start"),
    path("cek-status/pengaduan/", views.complaint_send, name="complaint_send"),
]
