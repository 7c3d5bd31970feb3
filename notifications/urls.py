from django.urls import path

from notifications import views

urlpatterns = [
    path("notifikasi/masuk/", views.inbound, name="notifications_inbound"),
    path("cek-status/berhenti-pesan/", views.status_page_stop, name="notifications_stop"),
]
