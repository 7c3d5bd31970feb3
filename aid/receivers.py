"""What aid does when the registry announces an event (umkm_portal/events.py)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from aid.models import Application
from aid.models.choices import Status
from aid.transitions import RECEIVED_STATUSES


def _described(application: Application) -> str:
    return _("#%(id)s %(program)s (%(status)s, %(owner)s)") % {
        "id": application.pk,
        "program": application.program.name,
        "status": application.get_status_display(),
        "owner": application.owner.nik,
    }


def owner_merging(*, survivor, merged, **kwargs) -> dict[str, int]:
    """Move the merged owner's applications to the survivor, or refuse the merge when both
    hold a live (not rejected) application in the same program: one person, one grant per
    program (the one-grant rule, which the database holds as one live application per owner
    and program). The refusal names the applications that clash."""
    live = Application.objects.exclude(status=Status.REJECTED).select_related("program", "owner")
    theirs = {a.program_id: a for a in live.filter(owner=merged)}
    clashes = [
        (a, theirs[a.program_id]) for a in live.filter(owner=survivor) if a.program_id in theirs
    ]
    if clashes:
        lines = []
        for kept, other in clashes:
            both_received = kept.status in RECEIVED_STATUSES and other.status in RECEIVED_STATUSES
            template = (
                _("keduanya sudah menerima %(program)s: %(first)s dan %(second)s")
                if both_received
                else _(
                    "keduanya memiliki permohonan %(program)s yang masih berjalan: "
                    "%(first)s dan %(second)s"
                )
            )
            lines.append(
                template
                % {
                    "program": kept.program.name,
                    "first": _described(kept),
                    "second": _described(other),
                }
            )
        raise ValidationError(
            _(
                "Tidak dapat digabungkan: bantuan hanya satu kali per orang per program, "
                "dan %(clashes)s. Tolak atau selesaikan salah satu permohonan lebih dulu."
            )
            % {"clashes": "; ".join(lines)}
        )
    moved = Application.objects.filter(owner=merged).update(owner=survivor)
    return {"aid.application": moved}
