"""Writes for one application or a list of them: propose, verify, reject, submit, approve,
return. Every status move goes through :mod:`aid.transitions`."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from aid import transitions
from aid.models import (
    Application,
    Program,
    ProposalList,
    Reason,
    Status,
)
from aid.transitions import RECEIVED_STATUSES
from registry import selectors as registry_selectors
from registry.models import Business


@transaction.atomic
def application_create(
    *,
    business: Business,
    program: Program,
    proposal_list: ProposalList | None = None,
    by=None,
    source: str = "",
) -> Application:
    """Propose a business's owner for a program.

    Refuses, with an Indonesian message and nothing written, an owner who already has a live
    application in the program or, for a one-time program, already received it. The
    database's unique constraint is the last guard against two requests racing.
    """
    owner = business.owner
    if type(owner).objects.filter(pk=owner.pk, merged_into__isnull=False).exists():
        raise ValidationError(
            _(
                "%(name)s sudah digabungkan ke pemilik lain (data ganda); usulkan usaha "
                "pemilik yang dipertahankan."
            )
            % {"name": owner.full_name},
            code=Reason.DUPLICATE_EXISTING,
        )
    live = (
        Application.objects.filter(owner=owner, program=program)
        .exclude(status=Status.REJECTED)
        .select_related("proposal_list")
        .first()
    )
    if live is not None:
        if live.status in RECEIVED_STATUSES and program.one_time:
            raise ValidationError(
                _("%(name)s sudah menerima %(program)s; bantuan ini hanya diberikan sekali.")
                % {"name": owner.full_name, "program": program.name},
                code=Reason.ALREADY_RECEIVED,
            )
        where = live.proposal_list or _("input manual")
        raise ValidationError(
            _("%(name)s sudah diusulkan untuk %(program)s (permohonan #%(id)s, %(where)s).")
            % {"name": owner.full_name, "program": program.name, "id": live.pk, "where": where},
            code=Reason.DUPLICATE_EXISTING,
        )
    if program.one_time:
        # The same NIK is the same person: an owner whose NIK was corrected away from this
        # one keeps counting for it.
        former = registry_selectors.owner_ids_who_held_nik(owner.nik, exclude=owner)
        held = (
            Application.objects.filter(owner_id__in=former, program=program)
            .exclude(status=Status.REJECTED)
            .first()
        )
        if held is not None:
            raise ValidationError(
                _(
                    "NIK %(name)s pernah tercatat pada permohonan #%(id)s %(program)s; bantuan "
                    "ini hanya diberikan sekali per NIK."
                )
                % {"name": owner.full_name, "id": held.pk, "program": program.name},
                code=Reason.ALREADY_RECEIVED,
            )
    try:
        with transaction.atomic():
            application = Application.objects.create(
                owner=owner, business=business, program=program, proposal_list=proposal_list
            )
    except IntegrityError as exc:
        raise ValidationError(
            _("%(name)s baru saja diusulkan oleh petugas lain untuk program ini.")
            % {"name": owner.full_name},
            code=Reason.DUPLICATE_EXISTING,
        ) from exc
    transitions.record_proposed([application], by=by, source=source)
    return application


def application_verify(
    *, application: Application, by, note: str = "", source: str = "verifikasi", at=None
) -> Application:
    """Mark a proposed application as verified by the department."""
    return transitions.move(application, Status.VERIFIED, by=by, note=note, source=source, at=at)


def application_reject(
    *, application: Application, by, reason_code: str, note: str = "", source: str = "verifikasi"
) -> Application:
    """Reject an application with a reason the owner will see on the status page."""
    return transitions.move(
        application, Status.REJECTED, by=by, reason_code=reason_code, note=note, source=source
    )


def applications_verify(
    *, applications: QuerySet[Application], by, note: str = "", source: str = "verifikasi"
) -> transitions.MoveResult:
    """Verify a list at once (one UPDATE). Applications that cannot be verified now are
    left as they were and returned in ``refused`` with the reason, by application id."""
    return transitions.move_many(applications, Status.VERIFIED, by=by, note=note, source=source)


def applications_reject(
    *,
    applications: QuerySet[Application],
    by,
    reason_code: str,
    note: str = "",
    source: str = "verifikasi",
) -> transitions.MoveResult:
    """Reject a list at once with one reason; the rest as :func:`applications_verify`."""
    return transitions.move_many(
        applications, Status.REJECTED, by=by, reason_code=reason_code, note=note, source=source
    )


def application_submit(*, application: Application, by, source: str = "", at=None) -> Application:
    """Mark a verified application as submitted to the ministry."""
    return transitions.move(application, Status.SUBMITTED, by=by, source=source, at=at)


def application_approve(*, application: Application, by, source: str = "", at=None) -> Application:
    """Record the ministry's decision (SK) naming this owner as a recipient."""
    return transitions.move(application, Status.APPROVED, by=by, source=source, at=at)


def application_return(*, application: Application, by, source: str = "", at=None) -> Application:
    """Record that an unwithdrawn transfer went back to the state treasury."""
    return transitions.move(application, Status.RETURNED, by=by, source=source, at=at)
