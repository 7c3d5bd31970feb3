"""The admin's home page says when the outbox refused messages today for the daily cap of
messages to numbers outside the registry (``NOTIFY_NEW_NUMBER_DAILY_CAP``)."""

from django import template
from django.conf import settings
from django.utils.translation import gettext as _

from notifications.services import new_number_cap_reached

register = template.Library()


@register.simple_tag(takes_context=True)
def outbox_cap_notice(context) -> str:
    """The notice's text, or "": only on the admin's home page (one indexed query), and
    only for staff who may read the outbox."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    if match is None or match.view_name != "admin:index":
        return ""
    if not request.user.has_perm("notifications.view_outboxmessage"):
        return ""
    if not new_number_cap_reached():
        return ""
    return _(
        "Batas harian %(cap)s pesan ke nomor HP di luar registri tercapai hari ini; pesan "
        "berikutnya ke nomor seperti itu ditolak (lihat Pesan keluar, status ditolak). "
        "Periksa apakah ada pendaftaran daring yang tidak wajar."
    ) % {"cap": settings.NOTIFY_NEW_NUMBER_DAILY_CAP}
