from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifikasi")

    def ready(self) -> None:
        from notifications import receivers
        from umkm_portal import events

        events.complaint_answered.connect(
            receivers.complaint_answered, dispatch_uid="notifications.complaint_answered"
        )
        events.participant_registered.connect(
            receivers.participant_registered, dispatch_uid="notifications.participant_registered"
        )
