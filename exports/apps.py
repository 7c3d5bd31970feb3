from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExportsConfig(AppConfig):
    """Data exports from the command line (``manage.py export_data``): above ``aid`` and
    ``registry``, whose masked resources they write; masking itself stays low, in
    ``privacy``."""

    name = "exports"
    verbose_name = _("Ekspor data")
