"""Decisions on rows that contradicted the registry: "berbeda dengan data registry"."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aid import transitions
from aid.models import RegistryConflict
from registry import services as registry_services


@transaction.atomic
def registry_conflict_decide(
    *, conflict: RegistryConflict, decision: str, by, note: str = ""
) -> RegistryConflict:
    """Record a verifier's decision on a conflict between a list and the registry.

    ``keep_registry``: the owner stays as registered. ``take_list``: the owner's name and/or
    phone (those that differed) become the list's, through the registry's service, with the
    owner's history naming ``by`` and this conflict. Either way the application is no longer
    held by it, and the decision (who, when, which, note) is kept in the conflict's history.
    Refused (``TransitionRefused`` or ``ValidationError``, nothing written) when already
    decided, when the list's phone is not a valid one, or when ``take_list`` comes without a
    note: it rewrites the owner's registered identity for good, so the why must be on record.
    """
    if decision not in RegistryConflict.Decision.values:
        raise ValidationError(_("Keputusan tidak dikenal."))
    note = note.strip()
    if decision == RegistryConflict.Decision.TAKE_LIST and not note:
        raise ValidationError(
            _(
                "Tulis catatan mengapa data daftar usulan yang benar (misalnya: KTP dicek di "
                "kelurahan), lalu tekan Pakai data daftar lagi. Data pemilik belum diubah."
            )
        )
    locked = (
        RegistryConflict.objects.select_for_update(of=("self",))
        .select_related("application__owner", "decided_by")
        .get(pk=conflict.pk)
    )
    if locked.decision:
        transitions.refuse(
            _("Data berbeda dengan registry ini sudah diputuskan (%(decision)s) oleh %(by)s.")
            % {"decision": locked.get_decision_display(), "by": locked.decided_by or "-"}
        )
    if decision == RegistryConflict.Decision.TAKE_LIST:
        registry_services.owner_take_listed_details(
            owner=locked.application.owner,
            full_name=locked.list_name if locked.name_differs else "",
            phone=locked.list_phone if locked.phone_differs else "",
            by=by,
            reason=f"data daftar usulan, permohonan #{locked.application_id}",
        )
    locked.decision, locked.decided_by, locked.decided_at = decision, by, timezone.now()
    locked.note = note
    locked._history_user = by
    locked.save(update_fields=["decision", "decided_by", "decided_at", "note"])
    return locked
