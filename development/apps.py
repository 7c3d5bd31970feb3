from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DevelopmentConfig(AppConfig):
    name = "development"
    verbose_name = _("Pembinaan UMKM")

    def ready(self) -> None:
        # Registers the state machines declared there (umkm_portal.states).
        from development import transitions  # noqa: F401
