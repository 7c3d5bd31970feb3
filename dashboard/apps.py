from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dashboard"
    verbose_name = _("Dasbor")

    def ready(self) -> None:
        from django.urls import reverse
        from django.utils.translation import gettext

        from dashboard import services
        from jobs.kinds import register

        register(
            services.SUMMARY_JOB,
            run=services.summary_refresh_job,
            label=_("Pembaruan ringkasan dasbor"),
            phases={"rebuilding": _("Membangun ulang ringkasan")},
            links=lambda job: [(gettext("Buka dasbor"), reverse("dashboard:index"))],
            permission="dashboard.view_dashboard",
        )
