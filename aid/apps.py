from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AidConfig(AppConfig):
    name = "aid"
    verbose_name = _("Bantuan")

    def ready(self) -> None:
        # Registers the state machines declared there (umkm_portal.states).
        from aid import transitions  # noqa: F401
