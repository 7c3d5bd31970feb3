"""The portal's URLs plus one view that always fails, for the error-page tests."""

from django.urls import path

from umkm_portal.urls import urlpatterns as portal_urlpatterns


def broken(request):
    raise RuntimeError("rahasia-internal")


urlpatterns = [*portal_urlpatterns, path("rusak/", broken)]
