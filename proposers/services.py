"""Writes for proposing organisations and their staff accounts."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from proposers.models import Proposer, ProposerMember
from registry import identifiers
from registry.selectors import RegionIndex
from umkm_portal import roles


def _normal_name(name: str) -> str:
    return " ".join((name or "").split())


# What staff may set on a proposer (the admin's form).
PROPOSER_FIELDS = (
    "name",
    "kind",
    "kecamatan",
    "kelurahan",
    "contact_name",
    "phone",
    "address",
    "opening_hours",
    "is_active",
)


@transaction.atomic
def proposer_create(*, name: str, kind: str, by=None, **details) -> Proposer:
    """A proposer with its details (``PROPOSER_FIELDS``), checked like a model form would;
    its history records ``by``."""
    proposer = Proposer(name=_normal_name(name), kind=kind, **details)
    proposer._history_user = by
    proposer.full_clean()
    proposer.save()
    return proposer


@transaction.atomic
def proposer_update(*, proposer: Proposer, by=None, **changes) -> Proposer:
    """Change a proposer's details (``PROPOSER_FIELDS``); saves only the fields that
    changed, and nothing when none did."""
    unknown = set(changes) - set(PROPOSER_FIELDS)
    if unknown:
        raise TypeError(f"not a proposer detail: {', '.join(sorted(unknown))}")
    if "name" in changes:
        changes["name"] = _normal_name(changes["name"])
    changed = [name for name, value in changes.items() if getattr(proposer, name) != value]
    for name in changed:
        setattr(proposer, name, changes[name])
    if changed:
        proposer._history_user = by
        proposer.full_clean()
        proposer.save(update_fields=changed)
    return proposer


@transaction.atomic
def proposer_resolve(
    *, name: str, kind: str = Proposer.Kind.OTHER, address: str = "", phone: str = ""
) -> Proposer:
    """The proposer of this name (any case and spacing), created on first use.

    A new proposer gets the office ``address`` and ``phone`` given (both optional; the phone
    must be a mobile number, stored as ``+628…``, since the Dinas's messages about its lists
    go to it by SMS); an existing one keeps its own. A new kelurahan office named after a
    kelurahan of the city ("Kelurahan Aren Jaya") gets that kelurahan as its area; other
    kinds start without one (staff can set it).
    """
    name = _normal_name(name)
    if not name:
        raise ValidationError(_("Nama pengusul wajib diisi."))
    existing = Proposer.objects.filter(name__iexact=name).first()
    if existing is not None:
        return existing
    checked = identifiers.phone(phone)
    if checked.error:
        raise ValidationError({"phone": checked.error})
    proposer = Proposer(
        name=name, kind=kind, address=" ".join((address or "").split()), phone=checked.value
    )
    if kind == Proposer.Kind.KELURAHAN:
        match = RegionIndex.load().match(kelurahan=name)
        if not match.error and match.kelurahan is not None and not match.warnings:
            proposer.kelurahan, proposer.kecamatan = match.kelurahan, match.kecamatan
    proposer.save()
    return proposer


@transaction.atomic
def proposer_member_create(
    *, proposer: Proposer, username: str, password: str, position: str = "", full_name: str = ""
):
    """A staff account of the proposer, in the Pengusul role (no access to the admin)."""
    User = get_user_model()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(_("Nama pengguna %(u)s sudah dipakai.") % {"u": username})
    first, _sep, last = (full_name or "").partition(" ")
    user = User.objects.create_user(
        username=username, password=password, is_staff=False, first_name=first, last_name=last
    )
    user.groups.add(Group.objects.get(name=roles.PENGUSUL))
    ProposerMember.objects.create(user=user, proposer=proposer, position=position)
    return user


@transaction.atomic
def proposer_member_update(*, member: ProposerMember, position: str) -> ProposerMember:
    """Change a staff account's position at its proposer (its organisation stays)."""
    if member.position != position:
        member.position = position
        member.full_clean()
        member.save(update_fields=["position"])
    return member


@transaction.atomic
def proposer_member_remove(*, member: ProposerMember) -> None:
    """Take a staff account off its proposer: it keeps its login but sees no organisation's
    lists any more (its pages need a membership)."""
    member.delete()
