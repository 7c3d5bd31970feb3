"""The admin home's "Perlu dikerjakan" panel: what waits for the signed-in member of staff.

Each app registers its items in its ``AppConfig.ready`` (the project package knows none of
them: the apps point down at it): a permission, a label, how to count and where the link
goes. A member of staff sees the items whose permission they hold, each with its count and a
link to the filtered list, so the panel follows the roles table (:mod:`umkm_portal.roles`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import DatabaseError

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Item:
    key: str
    # The permission the item needs ("" for any member of staff).
    permission: str
    label: str  # lazy text: put in words for the reader when shown
    # count() -> int, or count(user) -> int when ``per_user``: what that member of staff sees.
    count: Callable[..., int]
    url: Callable[[], str]
    # Shown in the panel's order: lower first.
    order: int = 100
    per_user: bool = False


@dataclass
class Due:
    label: str
    count: int
    url: str


_ITEMS: dict[str, Item] = {}


def register(item: Item) -> None:
    """Add (or replace, by key) an item of the panel."""
    _ITEMS[item.key] = item


def due_for(user) -> list[Due]:
    """The items ``user`` may act on, in order, each counted now (a count that fails is left
    out and logged: the admin home must open whatever happens)."""
    shown = []
    for item in sorted(_ITEMS.values(), key=lambda i: (i.order, i.key)):
        if item.permission and not user.has_perm(item.permission):
            continue
        if not item.permission and not user.is_staff:
            continue
        try:
            count = item.count(user) if item.per_user else item.count()
        except DatabaseError:
            logger.exception("to-do item %s could not be counted", item.key)
            continue
        shown.append(Due(label=str(item.label), count=count, url=item.url()))
    return shown
