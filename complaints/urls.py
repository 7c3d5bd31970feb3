from django.urls import path

from complaints import views

urlpatterns = [path("cek-status/pengaduan/", views.complaint_send, name="complaint_send")]
