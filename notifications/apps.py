from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifikasi")

    def ready(self) -> None:
        from notifications import tasks, transitions  # noqa: F401 (registers the outbox's machine)
        from umkm_portal import events

        events.application_moved.connect(
            tasks.on_application_moved, dispatch_uid="notifications.application_moved"
        )
