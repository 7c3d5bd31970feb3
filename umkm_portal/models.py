"""Model pieces shared by the apps."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ChangeRecord(models.Model):
    """Who made a recorded move and when: the common part of the records that each owning
    service writes with every status move (applications, pengaduan, referrals). The moved
    record, its from/to states and the reason are each subclass's own."""

    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("waktu"), default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]
