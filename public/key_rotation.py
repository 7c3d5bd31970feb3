"""Rotating STATUS_LOOKUP_HASH_KEY: recompute every NIK digest kept in the database.

A digest cannot be turned back into its NIK, so a digest is recomputed only where its NIK is
still somewhere in the database: every column named ``nik`` or ``*_nik`` (owners and their
history, staged list rows until ``purge_uploads``, NIK corrections) is hashed under the
previous key and under the new one, and every column named ``nik_hash`` (refused proposals,
the lookup log, pengaduan, opt-outs, outbox messages) moves from the first to the second. The
columns are found by name, so a table added later joins without a change here.

What cannot be recomputed stays under the previous key and no longer matches anything: a
refused proposal whose list file (and staged rows) was already purged, a pengaduan or an
opt-out of someone who was never registered nor proposed, lookup-log rows of unknown NIKs.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.apps import apps
from django.db import models, transaction
from django.db.models import Case, Value, When

from public.services import nik_digest

_BATCH = 2000


@dataclass
class Rehashed:
    """One column of digests after the rotation: rows moved to the new key, and rows whose NIK
    is nowhere in the database any more (left under the previous key; rows found already
    under the new key are in neither)."""

    label: str
    moved: int
    left: int


def _nik_columns() -> Iterator[tuple[type[models.Model], str]]:
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.CharField) and (
                field.name == "nik" or field.name.endswith("_nik")
            ):
                yield model, field.name


def _digest_columns() -> Iterator[tuple[type[models.Model], str]]:
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if field.name == "nik_hash":
                yield model, field.name


def _known_niks() -> set[str]:
    niks: set[str] = set()
    for model, name in _nik_columns():
        niks.update(
            model._base_manager.exclude(**{name: ""}).values_list(name, flat=True).distinct()
        )
    return niks


@transaction.atomic
def status_lookup_key_rotate(*, previous_key: str, new_key: str) -> list[Rehashed]:
    """Move every kept digest from ``previous_key`` to ``new_key``, in one transaction (all
    or nothing). Running it again changes nothing more: digests already under the new key no
    longer match any NIK's digest under the previous one."""
    if not previous_key or not new_key or previous_key == new_key:
        raise ValueError("the previous and the new key must be given and differ")
    niks = sorted(_known_niks())
    results = []
    for model, name in _digest_columns():
        rows = model._base_manager.exclude(**{name: ""})
        total = rows.count()
        moved = already = 0
        for start in range(0, len(niks), _BATCH):
            batch = {
                nik_digest(nik, key=previous_key): nik_digest(nik, key=new_key)
                for nik in niks[start : start + _BATCH]
            }
            already += rows.filter(**{f"{name}__in": batch.values()}).count()
            present = sorted(
                set(rows.filter(**{f"{name}__in": batch}).values_list(name, flat=True))
            )
            if present and _unique(model, name):
                # One row per NIK (an opt-out): if the owner already has one under the new
                # key, the older row says nothing more.
                taken = set(
                    rows.filter(**{f"{name}__in": [batch[old] for old in present]}).values_list(
                        name, flat=True
                    )
                )
                twice = [old for old in present if batch[old] in taken]
                moved += rows.filter(**{f"{name}__in": twice}).delete()[0]
                present = [old for old in present if batch[old] not in taken]
            for part in range(0, len(present), 500):
                olds = present[part : part + 500]
                moved += rows.filter(**{f"{name}__in": olds}).update(
                    **{
                        name: Case(
                            *(When(**{name: old}, then=Value(batch[old])) for old in olds),
                            output_field=models.CharField(),
                        )
                    }
                )
        results.append(Rehashed(f"{model._meta.label}.{name}", moved, total - moved - already))
    return results


def _unique(model: type[models.Model], name: str) -> bool:
    return model._meta.get_field(name).unique or any(
        isinstance(constraint, models.UniqueConstraint) and tuple(constraint.fields) == (name,)
        for constraint in model._meta.constraints
    )
