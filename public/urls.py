from django.urls import path

from public import views

urlpatterns = [
    path("", views.home, name="home"),
    path("cek-status/", views.status_check, name="status_check"),
]
