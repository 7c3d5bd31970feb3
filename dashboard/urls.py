from django.urls import path

from dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.dashboard, name="index"),
    path("unduh/<slug:key>.<str:fmt>", views.download, name="download"),
]
