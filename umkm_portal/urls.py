from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from umkm_portal.admin import autocomplete_view
from umkm_portal.views import admin_login, healthz

admin.site.site_header = _("Portal UMKM – Dinas Koperasi dan UKM Kota Bekasi")
admin.site.site_title = _("Portal UMKM")
admin.site.index_title = _("Administrasi")
# The side menu of every model takes a quarter of a 1366-pixel screen from the lists; the
# admin index and the breadcrumbs lead to every list instead.
admin.site.enable_nav_sidebar = False

urlpatterns = [
    path("", include("public.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    # Before the admin's own login URL: the same view behind a per-username ceiling.
    path("admin/login/", admin_login),
    # Before the admin's own autocomplete URL: the same view, with labels a model admin
    # may give (a business with its owner, kecamatan and size).
    path("admin/autocomplete/", autocomplete_view),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("dashboard/", include("dashboard.urls")),
    path("pengusul/", include("workspace.urls")),
    path("", include("complaints.urls")),
    path("", include("notifications.urls")),
    path("", include("development.urls")),
]
