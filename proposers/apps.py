from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposersConfig(AppConfig):
    name = "proposers"
    verbose_name = _("Pengusul")
    default_auto_field = "django.db.models.BigAutoField"
