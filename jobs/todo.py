"""The jobs' item of the admin home's "Perlu dikerjakan" panel: background jobs running,
waiting, or failed without a newer attempt, among those the member of staff may see."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from umkm_portal.todo import Item, register


def register_items() -> None:
    from jobs import selectors

    register(
        Item(
            key="jobs.attention",
            permission="",
            label=_("pekerjaan latar belakang berjalan, menunggu atau gagal"),
            count=lambda user: selectors.needing_attention(user).count(),
            url=lambda: reverse("admin:jobs_job_changelist"),
            order=5,
            per_user=True,
        )
    )
