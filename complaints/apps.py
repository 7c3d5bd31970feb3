from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Pengaduan")

    def ready(self) -> None:
        # Registers the state machines declared there (umkm_portal.states).
        from complaints import transitions  # noqa: F401
