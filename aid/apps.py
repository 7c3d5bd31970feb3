from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AidConfig(AppConfig):
    name = "aid"
    verbose_name = _("Bantuan")

    def ready(self) -> None:
        from aid.jobs import register_all

        register_all()
