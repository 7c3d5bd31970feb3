"""The grant desks' items of the admin home's "Perlu dikerjakan" panel (umkm_portal.todo),
registered by :class:`aid.apps.AidConfig`."""

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


def registry_conflicts() -> int:
    from aid import selectors
    from aid.models import Application, Status

    return Application.objects.filter(
        status__in=(Status.PROPOSED, Status.VERIFIED),
        pk__in=selectors.open_conflict_application_ids(),
    ).count()


def failed_with_new_account() -> int:
    """Failed transfers whose owner has since given another account (aid.selectors)."""
    from aid.selectors import ready_to_transfer_again

    return ready_to_transfer_again().count()


# (key, permission, label, count, changelist of, its filter, order)
ITEMS = [
    (
        "aid.lists_waiting",
        "aid.merge_proposallist",
        _("daftar usulan dikirim pengusul, menunggu digabungkan"),
        lists_waiting,
        ("proposallist", "import_status__exact=submitted"),
        10,
    ),
    (
        "aid.lists_staged",
        "aid.merge_proposallist",
        _("daftar usulan sudah diperiksa, belum digabungkan"),
        lists_staged,
        ("proposallist", "import_status__exact=staged"),
        15,
    ),
    (
        "aid.open_pairs",
        "aid.change_possibleduplicate",
        _("pasangan kemungkinan data ganda belum diputuskan"),
        open_pairs,
        ("possibleduplicate", ""),
        20,
    ),
    (
        "aid.held",
        "aid.verify_application",
        _("permohonan ditahan karena kemungkinan data ganda"),
        held,
        ("application", "data_ganda=open"),
        30,
    ),
    (
        "aid.registry_conflicts",
        "aid.verify_application",
        _("permohonan ditahan: data berbeda dengan data registry"),
        registry_conflicts,
        ("application", "data_registry=berbeda"),
        32,
    ),
    (
        "aid.awaiting_decision",
        "aid.record_decision",
        _("permohonan diajukan, menunggu keputusan Kementerian"),
        in_status("submitted"),
        ("application", "status__exact=submitted"),
        35,
    ),
    (
        "aid.to_verify",
        "aid.verify_application",
        _("permohonan diusulkan, menunggu verifikasi"),
        in_status("proposed"),
        ("application", "status__exact=proposed"),
        40,
    ),
    (
        "aid.approved",
        "aid.add_disbursement",
        _("permohonan ditetapkan, menunggu transfer"),
        in_status("approved"),
        ("application", "status__exact=approved"),
        45,
    ),
    (
        "aid.failed_with_new_account",
        "aid.add_disbursement",
        _("transfer gagal dengan rekening baru, siap dikirim ulang"),
        failed_with_new_account,
        ("application", "kirim_ulang=siap"),
        50,
    ),
]


def register_items() -> None:
    for key, permission, label, count, (model, query), order in ITEMS:
        register(
            Item(
                key=key,
                permission=permission,
                label=label,
                count=count,
                url=lambda model=model, query=query: _changelist(model, query),
                order=order,
            )
        )
