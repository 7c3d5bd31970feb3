"""The portal's URLs plus the benchmark's comparison view; used only by the benchmark's server."""

from django.urls import path

from devtools.status_page import views
from umkm_portal.urls import urlpatterns as portal_urlpatterns

urlpatterns = [
    *portal_urlpatterns,
    path("bench/one-row/", views.one_row, name="bench_one_row"),
]
