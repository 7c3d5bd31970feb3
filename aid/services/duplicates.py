"""Decisions on possible duplicates (data ganda) flagged at import."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from aid import transitions
from aid.models import (
    PossibleDuplicate,
    Reason,
    Status,
)


@transaction.atomic
def possible_duplicate_decide(
    *, flag: PossibleDuplicate, decision: str, by, note: str = ""
) -> PossibleDuplicate:
    """Record a verifier's decision on a flagged pair of applications.

    ``same_person``: the later of the two (by proposal time) is rejected as
    ``duplicate_existing`` through the transitions, unless it is already rejected.
    ``different_people``: the flag is cleared and both go on. Every open flag of the same
    pair (under any rule) is decided together. A flag already decided, or a later
    application that can no longer be rejected, is refused and nothing changes.
    """
    if decision not in PossibleDuplicate.Decision.values:
        raise ValidationError(_("Keputusan tidak dikenal."))
    locked = (
        PossibleDuplicate.objects.select_for_update(of=("self",))
        .select_related("application", "other", "decided_by")
        .get(pk=flag.pk)
    )
    if locked.decision:
        transitions.refuse(
            _("Kemungkinan data ganda ini sudah diputuskan (%(decision)s) oleh %(by)s.")
            % {"decision": locked.get_decision_display(), "by": locked.decided_by or "-"}
        )
    first, second = locked.application, locked.other
    if decision == PossibleDuplicate.Decision.SAME_PERSON:
        earlier, later = sorted((first, second), key=lambda a: (a.proposed_at, a.pk))
        if later.status != Status.REJECTED:
            transitions.move(
                later,
                Status.REJECTED,
                by=by,
                reason_code=Reason.DUPLICATE_EXISTING,
                note=_("Orang yang sama dengan permohonan #%(id)s. %(note)s")
                % {"id": earlier.pk, "note": note},
                source=f"kemungkinan data ganda #{locked.pk}",
            )
    PossibleDuplicate.objects.filter(
        Q(application=first, other=second) | Q(application=second, other=first), decision=""
    ).update(decision=decision, decided_by=by, decided_at=timezone.now(), note=note)
    locked.refresh_from_db()
    return locked
