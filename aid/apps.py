from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AidConfig(AppConfig):
    name = "aid"
    verbose_name = _("Bantuan")

    def ready(self) -> None:
        # transitions registers the state machines declared there (umkm_portal.states);
        # todo registers this app's items of the admin home's "Perlu dikerjakan" panel;
        # aid.jobs registers the round's background jobs (the jobs app).
        from aid import receivers, todo, transitions  # noqa: F401
        from aid.jobs import register_all
        from umkm_portal import events

        todo.register_items()
        register_all()
        # A merge of two owners moves their applications here, or is refused here.
        events.owner_merging.connect(receivers.owner_merging, dispatch_uid="aid.owner_merging")
