from django.contrib.auth import views as auth_views
from django.urls import path

from workspace import views

# The namespace of the URL names stays "proposers" (proposers:home, proposers:detail …).
app_name = "proposers"

urlpatterns = [
    path("masuk/", views.login, name="login"),
    path("keluar/", auth_views.LogoutView.as_view(next_page="proposers:login"), name="logout"),
    path("", views.home, name="home"),
    path("unggah/", views.upload, name="upload"),
    path("daftar/<int:pk>/", views.detail, name="detail"),
    path("daftar/<int:pk>/kirim/", views.submit, name="submit"),
    path("daftar/<int:pk>/hasil.<str:fmt>", views.outcome_file, name="outcome"),
    path("daftar/<int:pk>/baris/<int:row>/", views.row, name="row"),
    path("sptjm.docx", views.sptjm_template, name="sptjm"),
    path("daftar/<int:pk>/sptjm.docx", views.sptjm_template, name="sptjm_for_list"),
]
