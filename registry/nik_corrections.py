"""NIK corrections: asked by one member of staff, decided by another, applied to the owner.

A correction is ``requested`` and then ``approved`` (the owner's NIK, sex and birth date
change) or ``rejected``, once: its table (:data:`ALLOWED`) is a machine on the portal's one
:mod:`umkm_portal.states`, recorded by the correction's simple-history. Refusals are
``ValidationError`` keyed by field (Indonesian messages) with nothing written, or
``PermissionDenied`` for someone who may not decide.
"""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from registry import identifiers, selectors
from registry.models import NikCorrection, Owner
from umkm_portal import states

APPROVE_NIK_CORRECTION = "registry.approve_nikcorrection"

ALLOWED: dict[str, frozenset[str]] = {
    NikCorrection.State.REQUESTED: frozenset(
        {NikCorrection.State.APPROVED, NikCorrection.State.REJECTED}
    ),
    NikCorrection.State.APPROVED: frozenset(),
    NikCorrection.State.REJECTED: frozenset(),
}


def _decision(correction, to_state: str, at, context: dict) -> dict:
    """Who decided, when, and the note, with the decision."""
    return {"decided_by": context["by"], "decided_at": at, "decision_note": context["note"]}


NIK_CORRECTION_STATE = states.register(
    states.StateMachine(model=NikCorrection, field="state", allowed=ALLOWED, values=_decision)
)


def _nik_checked(new_nik: str) -> str:
    result = identifiers.nik(new_nik)
    if result.error or not result.value:
        raise ValidationError({"new_nik": result.error or _("Wajib diisi.")})
    return result.value


def _refuse_nik_of_another_owner(nik: str, owner: Owner) -> None:
    if Owner.objects.filter(nik=nik).exclude(pk=owner.pk).exists():
        raise ValidationError(
            {"new_nik": _("NIK baru sudah terdaftar atas nama pemilik lain; tidak dapat dipakai.")}
        )


def nik_correction_check(*, owner: Owner, new_nik: str) -> None:
    """Raise ValidationError (keyed by field) when ``new_nik`` cannot be asked for: the
    owner's own NIK, another owner's, or the owner already has an open request."""
    if new_nik == owner.nik:
        raise ValidationError({"new_nik": _("NIK baru sama dengan NIK yang tercatat.")})
    _refuse_nik_of_another_owner(new_nik, owner)
    if owner.nik_corrections.filter(state=NikCorrection.State.REQUESTED).exists():
        raise ValidationError(
            {
                "owner": _(
                    "Pemilik ini sudah memiliki permintaan perbaikan NIK yang menunggu keputusan."
                )
            }
        )


@transaction.atomic
def nik_correction_request(*, owner: Owner, new_nik: str, reason: str, by) -> NikCorrection:
    """Ask for an owner's NIK to be corrected; nothing changes until another person approves.

    Refuses (ValidationError keyed by field, nothing written) an invalid NIK, the owner's
    current NIK, a NIK of another owner, a missing reason, or a second open request for the
    same owner (the database holds one open request per owner).
    """
    reason = (reason or "").strip()
    if identifiers.is_blank(reason):
        raise ValidationError({"reason": _("Wajib diisi.")})
    nik = _nik_checked(new_nik)
    owner = Owner.objects.select_for_update().get(pk=owner.pk)
    nik_correction_check(owner=owner, new_nik=nik)
    correction = NikCorrection(
        owner=owner, old_nik=owner.nik, new_nik=nik, reason=reason, requested_by=by
    )
    correction._history_user = by
    try:
        with transaction.atomic():
            correction.save()
    except IntegrityError as exc:
        raise ValidationError(
            _("Pemilik ini sudah memiliki permintaan perbaikan NIK yang menunggu keputusan.")
        ) from exc
    return correction


def _decidable(correction: NikCorrection, by) -> NikCorrection:
    if not (by and by.is_authenticated and by.has_perm(APPROVE_NIK_CORRECTION)):
        raise PermissionDenied(_("Anda tidak berwenang memutuskan perbaikan NIK."))
    locked = NikCorrection.objects.select_for_update().get(pk=correction.pk)
    if locked.state != NikCorrection.State.REQUESTED:
        raise ValidationError(_("Permintaan perbaikan NIK ini sudah diputuskan."))
    if locked.requested_by_id == by.pk:
        raise ValidationError(
            _("Perbaikan NIK harus diputuskan oleh petugas lain, bukan yang memintanya.")
        )
    return locked


def _decide(correction: NikCorrection, state: str, *, by, note: str) -> NikCorrection:
    return NIK_CORRECTION_STATE.move(correction, state, by=by, note=(note or "").strip())


def _refuse_two_grants(owner: Owner, nik: str) -> None:
    """Refuse when owners who held ``nik`` before (an approved correction moved it away from
    them) have a live or paid application in a one-time program where ``owner`` has one too:
    after the correction, one person (one NIK) would hold two."""
    Application = apps.get_model("aid", "Application")
    former = selectors.owner_ids_who_held_nik(nik, exclude=owner)
    live = Application.objects.exclude(status="rejected").filter(program__one_time=True)
    mine = live.filter(owner=owner).values("program")
    clash = live.filter(owner_id__in=former, program__in=mine).select_related("program").first()
    if clash is not None:
        raise ValidationError(
            {
                "new_nik": _(
                    "NIK baru pernah dipakai pemilik lain yang sudah memiliki permohonan "
                    "%(program)s (#%(id)s); bantuan ini hanya sekali per NIK."
                )
                % {"program": clash.program.name, "id": clash.pk}
            }
        )


@transaction.atomic
def nik_correction_approve(*, correction: NikCorrection, by, note: str = "") -> NikCorrection:
    """Apply a requested NIK correction, decided by a person other than the requester who
    holds ``registry.approve_nikcorrection``.

    In one transaction, with the owner locked: refuses (ValidationError, nothing written) when
    the owner's NIK changed since the request, when the new NIK belongs to another owner, or
    when an owner who held the new NIK before has a live or paid application in a one-time
    program where this owner has one. Otherwise the owner's NIK, sex and birth date change
    (kept in the owner's history with the reason) and the correction is marked approved.
    Raises PermissionDenied for a user without the permission.
    """
    locked = _decidable(correction, by)
    owner = Owner.objects.select_for_update().get(pk=locked.owner_id)
    if owner.nik != locked.old_nik:
        raise ValidationError(
            _("NIK pemilik sudah berubah sejak permintaan ini dibuat; ajukan permintaan baru.")
        )
    _refuse_nik_of_another_owner(locked.new_nik, owner)
    _refuse_two_grants(owner, locked.new_nik)
    facts = identifiers.nik_facts(locked.new_nik)
    owner.nik, owner.sex, owner.birth_date = locked.new_nik, facts.sex, facts.birth_date
    owner._history_user = by
    owner._change_reason = f"perbaikan NIK #{locked.pk}: {locked.reason}"[:100]
    owner.save(update_fields=["nik", "sex", "birth_date", "updated_at"])
    return _decide(locked, NikCorrection.State.APPROVED, by=by, note=note)


@transaction.atomic
def nik_correction_reject(*, correction: NikCorrection, by, note: str) -> NikCorrection:
    """Refuse a requested NIK correction with a note; the owner is unchanged. The same
    rules of who may decide apply as for :func:`nik_correction_approve`."""
    if identifiers.is_blank((note or "").strip()):
        raise ValidationError({"decision_note": _("Wajib diisi.")})
    locked = _decidable(correction, by)
    return _decide(locked, NikCorrection.State.REJECTED, by=by, note=note)
