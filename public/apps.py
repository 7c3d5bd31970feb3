from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    """Pages for the public: the landing page and the owners' status check."""

    name = "public"
    verbose_name = _("Halaman publik")

    def ready(self) -> None:
        from public import receivers
        from umkm_portal import events

        events.proposal_list_merged.connect(
            receivers.proposal_list_merged, dispatch_uid="public.proposal_list_merged"
        )
        events.retention_due.connect(receivers.retention_due, dispatch_uid="public.retention_due")
        events.owner_merging.connect(receivers.owner_merging, dispatch_uid="public.owner_merging")
