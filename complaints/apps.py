from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Pengaduan")

    def ready(self) -> None:
        # transitions registers the state machines declared there (umkm_portal.states);
        # todo registers this app's items of the admin home's "Perlu dikerjakan" panel.
        from complaints import todo, transitions  # noqa: F401

        todo.register_items()
