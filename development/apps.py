from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DevelopmentConfig(AppConfig):
    name = "development"
    verbose_name = _("Pembinaan UMKM")

    def ready(self) -> None:
        # transitions registers the state machines declared there (umkm_portal.states);
        # cases registers this app's items of the admin home's "Perlu dikerjakan" panel.
        from development import cases, transitions  # noqa: F401

        cases.register_items()
