from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    """Pages for the public: the landing page and the owners' status check."""

    name = "public"
    verbose_name = _("Halaman publik")
