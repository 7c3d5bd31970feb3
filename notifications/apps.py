from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifikasi")

    def ready(self) -> None:
        # transitions registers the outbox's machine (umkm_portal.states).
        from notifications import receivers, tasks, transitions  # noqa: F401
        from umkm_portal import events

        events.application_moved.connect(
            tasks.on_application_moved, dispatch_uid="notifications.application_moved"
        )
        events.transfer_sent_again.connect(
            tasks.on_transfer_sent_again, dispatch_uid="notifications.transfer_sent_again"
        )
        events.proposal_list_merged.connect(
            receivers.proposal_list_merged, dispatch_uid="notifications.proposal_list_merged"
        )
        events.proposal_list_returned.connect(
            receivers.proposal_list_returned, dispatch_uid="notifications.proposal_list_returned"
        )
        events.complaint_answered.connect(
            receivers.complaint_answered, dispatch_uid="notifications.complaint_answered"
        )
        events.participant_registered.connect(
            receivers.participant_registered, dispatch_uid="notifications.participant_registered"
        )
        events.owner_merging.connect(
            receivers.owner_merging, dispatch_uid="notifications.owner_merging"
        )
        events.referral_decided.connect(
            receivers.referral_decided, dispatch_uid="notifications.referral_decided"
        )
        events.pending_registration_recorded.connect(
            receivers.pending_registration_recorded,
            dispatch_uid="notifications.pending_registration_recorded",
        )
