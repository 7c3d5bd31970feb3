"""Cooperatives and their memberships."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from development.models import (
    Cooperative,
    Membership,
)
from proposers.models import Proposer
from registry.models import Owner, Region

# --- cooperatives -------------------------------------------------------------------------


def _cooperative_check(name: str, legal_number: str, proposer: Proposer | None) -> dict:
    errors = {}
    if not (name or "").strip():
        errors["name"] = _("Wajib diisi.")
    if not (legal_number or "").strip():
        errors["legal_number"] = _("Wajib diisi.")
    if proposer is not None and proposer.kind != Proposer.Kind.KOPERASI:
        errors["proposer"] = _("Lembaga pengusul yang ditautkan harus berjenis koperasi.")
    return errors


@transaction.atomic
def cooperative_create(
    *,
    name: str,
    legal_number: str,
    kecamatan: Region | None = None,
    is_active: bool = True,
    proposer: Proposer | None = None,
    by=None,
) -> Cooperative:
    """Record a cooperative; linked to a koperasi proposer it can propose lists."""
    errors = _cooperative_check(name, legal_number, proposer)
    if errors:
        raise ValidationError(errors)
    cooperative = Cooperative(
        name=" ".join(name.split()),
        legal_number=legal_number.strip(),
        kecamatan=kecamatan,
        is_active=is_active,
        proposer=proposer,
    )
    cooperative._history_user = by
    cooperative.full_clean()
    cooperative.save()
    return cooperative


@transaction.atomic
def cooperative_update(*, cooperative: Cooperative, by=None, **changes) -> Cooperative:
    """Change a cooperative's details (name, legal number, kecamatan, active, proposer)."""
    merged = {f: changes.get(f, getattr(cooperative, f)) for f in ("name", "legal_number")}
    errors = _cooperative_check(merged["name"], merged["legal_number"], changes.get("proposer"))
    if errors:
        raise ValidationError(errors)
    changed = [f for f, v in changes.items() if getattr(cooperative, f) != v]
    for name in changed:
        setattr(cooperative, name, changes[name])
    if changed:
        cooperative._history_user = by
        cooperative.full_clean()
        cooperative.save(update_fields=changed)
    return cooperative


@transaction.atomic
def membership_add(
    *,
    cooperative: Cooperative,
    owner: Owner,
    since: datetime.date,
    role: str = Membership.Role.MEMBER,
    by=None,
) -> Membership:
    """Make ``owner`` a member of ``cooperative`` from ``since``.

    Refuses a second open membership of the same cooperative (the database holds that too)
    and an inactive cooperative.
    """
    if not cooperative.is_active:
        raise ValidationError({"cooperative": _("Koperasi ini tidak aktif.")})
    if Membership.objects.filter(cooperative=cooperative, owner=owner, ended_on=None).exists():
        raise ValidationError({"owner": _("Pemilik ini sudah menjadi anggota koperasi ini.")})
    return Membership.objects.create(
        cooperative=cooperative, owner=owner, since=since, role=role, by=by
    )


@transaction.atomic
def membership_end(*, membership: Membership, ended_on: datetime.date, by=None) -> Membership:
    """End a membership on ``ended_on`` (not before it started)."""
    if ended_on < membership.since:
        raise ValidationError({"ended_on": _("Tanggal berhenti sebelum tanggal masuk.")})
    membership.ended_on = ended_on
    membership.by = by
    membership.save(update_fields=["ended_on", "by"])
    return membership
