from django.apps import AppConfig
from django.db import transaction
from django.utils.translation import gettext_lazy as _


def _link_pending_after_merge(sender=None, **kwargs) -> None:
    """A merged proposal list may have registered the NIK and phone of a waiting claim
    from /kegiatan/: link those once the merge commits (never inside it, so a failure here
    cannot undo a merge)."""
    from development import services

    transaction.on_commit(services.pending_registrations_link_registered, robust=True)


class DevelopmentConfig(AppConfig):
    name = "development"
    verbose_name = _("Pembinaan UMKM")

    def ready(self) -> None:
        # transitions and pending register the state machines declared there
        # (umkm_portal.states); cases registers this app's items of the admin home's
        # "Perlu dikerjakan" panel.
        from development import cases, pending, receivers, transitions  # noqa: F401
        from umkm_portal import events

        cases.register_items()
        self._connect_dashboard()
        events.proposal_list_merged.connect(
            _link_pending_after_merge, dispatch_uid="development.link_pending_after_merge"
        )
        events.owner_merging.connect(
            receivers.owner_merging, dispatch_uid="development.owner_merging"
        )

    def _connect_dashboard(self) -> None:
        """Every saved or deleted activity, participant, referral (and its moves), business
        report, pendamping's visit or yearly target refreshes the dashboard's live pembinaan tables; bulk writes call
        development.tables.live_tables_changed themselves."""
        from django.db.models.signals import post_delete, post_save

        from development import models, tables

        for model in (
            models.Activity,
            models.Participant,
            models.Referral,
            models.ReferralChange,
            models.BusinessReport,
            models.Visit,
            models.YearlyTarget,
        ):
            for signal in (post_save, post_delete):
                signal.connect(
                    tables.live_tables_changed,
                    sender=model,
                    dispatch_uid=f"development.dashboard.{signal is post_save}.{model.__name__}",
                )
