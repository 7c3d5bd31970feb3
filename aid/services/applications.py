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
    ImportStatus,
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
    """Verify a list (one UPDATE per batch of ``BATCH``, each its own short transaction).
    Applications that cannot be verified now are left as they were and returned in
    ``refused`` with the reason, by application id. Applications of a list still being merged (``merging``) are not part of the round yet
    and are left out."""
    return _in_batches(
        applications.exclude(proposal_list__import_status=ImportStatus.MERGING),
        Status.VERIFIED,
        by=by,
        note=note,
        source=source,
    )


def applications_reject(
    *,
    applications: QuerySet[Application],
    by,
    reason_code: str,
    note: str = "",
    source: str = "verifikasi",
) -> transitions.MoveResult:
    """Reject a list with one reason; the rest as :func:`applications_verify`."""
    return _in_batches(
        applications, Status.REJECTED, by=by, reason_code=reason_code, note=note, source=source
    )


# Applications moved per transaction by the list actions above: each batch holds SQLite's
# write lock for a moment only, and a batch that committed stays done if a later one fails.
BATCH = 2000


def _in_batches(
    applications: QuerySet[Application], to_status: str, **move
) -> transitions.MoveResult:
    """:func:`transitions.move_many` over ``applications`` in batches of ``BATCH`` (ten times
    that on PostgreSQL: :func:`aid.importing.sql.write_batch`), each its
    own transaction; the results added up. Running it again moves only what is left."""
    from aid.importing.sql import write_batch, yield_write_lock

    ids = list(applications.order_by("pk").values_list("pk", flat=True))
    result = transitions.MoveResult()
    size = write_batch(BATCH)
    for start in range(0, len(ids), size):
        part = transitions.move_many(
            Application.objects.filter(pk__in=ids[start : start + size]), to_status, **move
        )
        result.moved += part.moved
        result.refused.update(part.refused)
        result.held |= part.held
        yield_write_lock()
    return result


def application_submit(*, application: Application, by, source: str = "", at=None) -> Application:
    """Mark a verified application as submitted to the ministry."""
    return transitions.move(application, Status.SUBMITTED, by=by, source=source, at=at)


def application_approve(*, application: Application, by, source: str = "", at=None) -> Application:
    """Record the ministry's decision (SK) naming this owner as a recipient."""
    return transitions.move(application, Status.APPROVED, by=by, source=source, at=at)


def application_return(*, application: Application, by, source: str = "", at=None) -> Application:
    """Record that an unwithdrawn transfer went back to the state treasury."""
    return transitions.move(application, Status.RETURNED, by=by, source=source, at=at)
