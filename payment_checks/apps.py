from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentChecksConfig(AppConfig):
    name = "payment_checks"
    verbose_name = _("Verifikasi pembayaran")
