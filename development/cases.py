"""Case follow-up reads: overdue next actions and referrals left waiting at the lender.

Set-based: each is one query, used by the admin's filters and the admin home's "Perlu
dikerjakan" panel (registered by :class:`development.apps.DevelopmentConfig`).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from development.models import Referral, ReferralStatus, Visit
from umkm_portal.todo import Item, register


def overdue_followups(today: datetime.date | None = None) -> QuerySet[Visit]:
    """The latest visit of each business whose next action's date has passed with no visit
    since: what a pendamping still owes."""
    today = today or timezone.localdate()
    later = Visit.objects.filter(business_id=OuterRef("business_id")).filter(
        Q(visited_on__gt=OuterRef("visited_on"))
        | Q(visited_on=OuterRef("visited_on"), pk__gt=OuterRef("pk"))
    )
    return Visit.objects.filter(next_action_on__lt=today).exclude(Exists(later))


def stale_referrals(today: datetime.date | None = None) -> QuerySet[Referral]:
    """Referrals still "dirujuk" ``REFERRAL_STALE_DAYS`` days or more after they were made."""
    today = today or timezone.localdate()
    since = today - datetime.timedelta(days=settings.REFERRAL_STALE_DAYS)
    return Referral.objects.filter(status=ReferralStatus.REFERRED, referred_on__lte=since)


def register_items() -> None:
    register(
        Item(
            key="development.overdue_followups",
            permission="development.add_visit",
            label=_("tindak lanjut pendampingan lewat tanggal"),
            count=lambda: overdue_followups().count(),
            url=lambda: f"{reverse('admin:development_visit_changelist')}?tindak_lanjut=lewat",
            order=80,
        )
    )
    register(
        Item(
            key="development.stale_referrals",
            permission="development.change_referral",
            label=_("rujukan permodalan masih menunggu jawaban penyalur"),
            count=lambda: stale_referrals().count(),
            url=lambda: f"{reverse('admin:development_referral_changelist')}?menunggu=lama",
            order=90,
        )
    )
