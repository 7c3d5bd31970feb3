"""The grant desks' items of the admin home's "Perlu dikerjakan" panel (umkm_portal.todo),
registered by :class:`aid.apps.AidConfig`."""

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from umkm_portal.todo import Item, register


def _changelist(model: str, query: str = "") -> str:
    url = reverse(f"admin:aid_{model}_changelist")
    return f"{url}?{query}" if query else url


def lists_waiting() -> int:
    from aid.models import ImportStatus, ProposalList

    return ProposalList.objects.filter(import_status=ImportStatus.SUBMITTED).count()


def lists_staged() -> int:
    from aid.models import ImportStatus, ProposalList

    return ProposalList.objects.filter(
        import_status=ImportStatus.STAGED, sent_by_proposer=False
    ).count()


def in_status(status: str):
    def count() -> int:
        from aid.models import Application

        return Application.objects.filter(status=status).count()

    return count


def open_pairs() -> int:
    from aid.models import PossibleDuplicate

    return PossibleDuplicate.objects.filter(decision="").count()


def held() -> int:
    from aid import selectors
    from aid.models import Application, Status

    return Application.objects.filter(
        status__in=(Status.PROPOSED, Status.VERIFIED),
        pk__in=selectors.open_duplicate_application_ids(),
    ).count()


def failed_with_new_account() -> int:
    """Failed transfers whose owner has an active account entered after the failure, and
    confirmed where a confirmation is needed: ready to be sent again."""
    from aid.models import Application, Status
    from registry.models import BankAccount

    newer = BankAccount.objects.filter(
        owner_id=OuterRef("owner_id"),
        is_active=True,
        created_at__gt=OuterRef("transfer_failed_at"),
    ).exclude(confirmation_required=True, confirmed_at__isnull=True)
    return Application.objects.filter(status=Status.TRANSFER_FAILED).filter(Exists(newer)).count()


def register_items() -> None:
    register(
        Item(
            key="aid.lists_waiting",
            permission="aid.merge_proposallist",
            label=_("daftar usulan dikirim pengusul, menunggu digabungkan"),
            count=lists_waiting,
            url=lambda: _changelist("proposallist", "import_status__exact=submitted"),
            order=10,
        )
    )
    register(
        Item(
            key="aid.lists_staged",
            permission="aid.merge_proposallist",
            label=_("daftar usulan sudah diperiksa, belum digabungkan"),
            count=lists_staged,
            url=lambda: _changelist("proposallist", "import_status__exact=staged"),
            order=15,
        )
    )
    register(
        Item(
            key="aid.open_pairs",
            permission="aid.change_possibleduplicate",
            label=_("pasangan kemungkinan data ganda belum diputuskan"),
            count=open_pairs,
            url=lambda: _changelist("possibleduplicate"),
            order=20,
        )
    )
    register(
        Item(
            key="aid.held",
            permission="aid.verify_application",
            label=_("permohonan ditahan karena kemungkinan data ganda"),
            count=held,
            url=lambda: _changelist("application", "data_ganda=open"),
            order=30,
        )
    )
    register(
        Item(
            key="aid.to_verify",
            permission="aid.verify_application",
            label=_("permohonan diusulkan, menunggu verifikasi"),
            count=in_status("proposed"),
            url=lambda: _changelist("application", "status__exact=proposed"),
            order=40,
        )
    )
    register(
        Item(
            key="aid.failed_with_new_account",
            permission="aid.add_disbursement",
            label=_("transfer gagal dengan rekening baru, siap dikirim ulang"),
            count=failed_with_new_account,
            url=lambda: _changelist("application", "status__exact=transfer_failed"),
            order=50,
        )
    )
    register(
        Item(
            key="aid.approved",
            permission="aid.add_disbursement",
            label=_("permohonan ditetapkan, menunggu transfer"),
            count=in_status("approved"),
            url=lambda: _changelist("application", "status__exact=approved"),
            order=45,
        )
    )
    register(
        Item(
            key="aid.awaiting_decision",
            permission="aid.record_decision",
            label=_("permohonan diajukan, menunggu keputusan Kementerian"),
            count=in_status("submitted"),
            url=lambda: _changelist("application", "status__exact=submitted"),
            order=35,
        )
    )
