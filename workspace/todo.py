"""The proposers' item of the admin home's "Perlu dikerjakan" panel, registered by
:class:`workspace.apps.WorkspaceConfig`: offices still without an address or a phone."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from umkm_portal.todo import Item, register


def register_items() -> None:
    from proposers import selectors
    from workspace.admin import ContactFilter

    register(
        Item(
            key="proposers.missing_contact",
            permission="proposers.change_proposer",
            label=_("lembaga pengusul aktif tanpa alamat atau telepon kantor"),
            count=lambda: selectors.missing_contact().count(),
            url=lambda: (
                reverse("admin:proposers_proposer_changelist")
                + f"?is_active__exact=1&{ContactFilter.parameter_name}={ContactFilter.MISSING}"
            ),
            order=60,
        )
    )
