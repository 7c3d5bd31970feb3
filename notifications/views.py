"""Opting out: an owner replying STOP (the gateway's inbound endpoint) or asking on the
status page gets no more messages."""

import hmac
import json

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from notifications import services
from notifications.models import OptOut
from registry import identifiers
from umkm_portal.owner_tokens import found_by_list_phone, owner_from_token

STOP_WORDS = frozenset({"STOP", "BERHENTI", "UNREG", "UNSUBSCRIBE"})


def _authorised(request) -> bool:
    expected = settings.NOTIFY_INBOUND_TOKEN
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    # No token configured: the endpoint is closed.
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


@csrf_exempt  # called by the gateway, authenticated by its token instead
@require_POST
def inbound(request):
    """``{"from": "+62812…", "text": "STOP"}`` with ``Authorization: Bearer <token>``."""
    if not _authorised(request):
        return JsonResponse({"error": "unauthorised"}, status=401)
    try:
        payload = json.loads(request.body or b"{}")
        sender, text = str(payload["from"]), str(payload.get("text", ""))
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": "bad request"}, status=400)
    phone = identifiers.phone(sender)
    if not phone.ok or not phone.value:
        return JsonResponse({"error": "bad phone"}, status=400)
    words = text.strip().upper().split()
    if words and words[0] in STOP_WORDS:
        services.opt_out(source=OptOut.Source.SMS_STOP, phone=phone.value)
        return JsonResponse({"opted_out": True})
    return JsonResponse({"opted_out": False})


@never_cache
@require_POST
def status_page_stop(request):
    """The owner, just checked on the status page, asks for no more messages."""
    token = request.POST.get("token", "")
    nik_hash = owner_from_token(token)
    # A check that matched a list's proposed phone (issue 24.3) is not the registered
    # owner's: it never stops the owner's messages (the page offers no button for it).
    if nik_hash is None or found_by_list_phone(token):
        return render(request, "complaints/expired.html", status=403)
    services.opt_out(source=OptOut.Source.STATUS_PAGE, nik_hash=nik_hash)
    return render(request, "notifications/stopped.html")
