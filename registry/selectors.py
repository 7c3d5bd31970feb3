"""Reads of the registry shared by the admin, the import and the status page."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.apps import apps
from django.utils.translation import gettext as _

from registry.models import BankAccount, NikCorrection, Owner, Region

_REGION_NOISE = re.compile(r"^(kecamatan|kec|kelurahan|kel|desa)\b\.?", re.IGNORECASE)
_NON_ALNUM = re.compile(r"[^0-9a-z]")


def region_key(name: str) -> str:
    """Fold loose spellings together: "Pondok Gede", "PONDOKGEDE", "Kec. Pondok-Gede"."""
    text = _REGION_NOISE.sub("", (name or "").strip().lower()).strip()
    return _NON_ALNUM.sub("", text)


@dataclass(frozen=True, slots=True)
class RegionMatch:
    kecamatan: Region | None = None
    kelurahan: Region | None = None
    error: str = ""


class RegionIndex:
    """All Kota Bekasi regions in memory (68 rows), for matching names typed in lists."""

    def __init__(self, regions: list[Region]):
        self.kecamatan = {}
        self.kelurahan = {}
        for region in regions:
            target = self.kecamatan if region.level == Region.Level.KECAMATAN else self.kelurahan
            target[region_key(region.name)] = region

    @classmethod
    def load(cls) -> RegionIndex:
        return cls(list(Region.objects.select_related("parent")))

    def match(self, kecamatan: str = "", kelurahan: str = "") -> RegionMatch:
        """Find the kecamatan and kelurahan named; either may be blank.

        Returns an Indonesian error when a name is not in Kota Bekasi or the kelurahan does
        not lie in the kecamatan given.
        """
        kec = kel = None
        if region_key(kecamatan):
            kec = self.kecamatan.get(region_key(kecamatan))
            if kec is None:
                return RegionMatch(
                    error=_('Kecamatan "%(name)s" tidak ada di Kota Bekasi. Periksa ejaannya.')
                    % {"name": kecamatan.strip()}
                )
        if region_key(kelurahan):
            kel = self.kelurahan.get(region_key(kelurahan))
            if kel is None:
                return RegionMatch(
                    kecamatan=kec,
                    error=_('Kelurahan "%(name)s" tidak ada di Kota Bekasi. Periksa ejaannya.')
                    % {"name": kelurahan.strip()},
                )
            if kec is not None and kel.parent_id != kec.pk:
                return RegionMatch(
                    kecamatan=kec,
                    error=_(
                        "Kelurahan %(kel)s berada di Kecamatan %(right)s, bukan Kecamatan %(kec)s."
                    )
                    % {"kel": kel.name, "right": kel.parent.name, "kec": kec.name},
                )
            kec = kel.parent
        return RegionMatch(kecamatan=kec, kelurahan=kel)


def region_match(*, kecamatan: str = "", kelurahan: str = "") -> RegionMatch:
    """Match one pair of names; for many rows load a :class:`RegionIndex` once instead."""
    return RegionIndex.load().match(kecamatan, kelurahan)


def owner_accounts(owner: Owner) -> list[BankAccount]:
    """Every account of the owner, the active one first."""
    return list(owner.bank_accounts.select_related("bank").order_by("-is_active", "-created_at"))


def owner_disbursements(owner: Owner) -> list:
    """Every transfer made to the owner, with the account it was paid to (newest first)."""
    # Looked up by name: the registry does not import the aid app.
    Disbursement = apps.get_model("aid", "Disbursement")
    return list(Disbursement.objects.filter(application__owner=owner).order_by("-transferred_at"))


def owner_ids_by_name(name: str, *, bound: int) -> list[int] | None:
    """Ids of the owners whose name contains ``name`` (the trigram index serves it on
    PostgreSQL), or None when more than ``bound`` match: the name is then too common to
    filter by ids and the caller joins instead."""
    owners = Owner.objects.filter(full_name__icontains=name).order_by()
    ids = list(owners.values_list("pk", flat=True)[: bound + 1])
    return ids if len(ids) <= bound else None


def kecamatan_choices() -> list[tuple[int, str]]:
    """Kota Bekasi's kecamatan as (id, name), in code order."""
    return list(
        Region.objects.filter(level=Region.Level.KECAMATAN)
        .order_by("code")
        .values_list("pk", "name")
    )


def owner_ids_who_held_nik(nik: str, *, exclude: Owner | None = None) -> list[int]:
    """Owners whose NIK was ``nik`` until an approved correction changed it: for the
    one-time rule, the same NIK is the same person."""
    held = NikCorrection.objects.filter(old_nik=nik, state=NikCorrection.State.APPROVED)
    if exclude is not None:
        held = held.exclude(owner=exclude)
    return list(held.values_list("owner_id", flat=True).distinct())
