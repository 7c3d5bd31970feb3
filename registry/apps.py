from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = _("Registri UMKM")

    def ready(self) -> None:
        # Registers the state machines declared there (umkm_portal.states).
        from registry import nik_corrections  # noqa: F401
