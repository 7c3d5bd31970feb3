from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The project package itself: health check, error pages, operations commands, and the
    system checks of its settings (umkm_portal/checks.py)."""

    name = "umkm_portal"

    def ready(self) -> None:
        from umkm_portal import checks  # noqa: F401  (registers the checks)
