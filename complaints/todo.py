"""The pengaduan queue's items of the admin home's "Perlu dikerjakan" panel."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from umkm_portal.todo import Item, register


def overdue() -> int:
    from complaints.models import Complaint, State

    return Complaint.objects.exclude(state=State.CLOSED).filter(due_at__lt=timezone.now()).count()


def new() -> int:
    from complaints.models import Complaint, State

    return Complaint.objects.filter(state=State.NEW).count()


def register_items() -> None:
    changelist = "admin:complaints_complaint_changelist"
    register(
        Item(
            key="complaints.overdue",
            permission="complaints.change_complaint",
            label=_("pengaduan lewat target waktu"),
            count=overdue,
            url=lambda: f"{reverse(changelist)}?overdue=yes",
            order=60,
        )
    )
    register(
        Item(
            key="complaints.new",
            permission="complaints.change_complaint",
            label=_("pengaduan baru belum ditangani"),
            count=new,
            url=lambda: f"{reverse(changelist)}?state__exact=new",
            order=70,
        )
    )
