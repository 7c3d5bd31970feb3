"""The landing page and the owners' status check.

The status check answers a POST only (the NIK never appears in a URL, a log line of the web
server or the browser history) and renders the very same page for an unknown NIK and for
wrong phone digits, so it cannot be used to learn whether someone is registered.
"""

from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from complaints.selectors import complaints_for_owner
from public import services
from public.forms import StatusCheckForm
from public.models import StatusLookup
from public.selectors import RefusedStatus
from umkm_portal import ratelimits
from umkm_portal.client_address import client_ip
from umkm_portal.owner_tokens import owner_token

Outcome = StatusLookup.Outcome


def home(request):
    return render(request, "public/home.html")


@never_cache
@require_http_methods(["GET", "POST"])
def status_check(request):
    if request.method != "POST":
        # A NIK in the query string is ignored, never looked up nor logged.
        return _form_page(request, StatusCheckForm())

    ip = client_ip(request)
    try:
        return _checked(request, ip)
    except ratelimits.CountersUnavailable:
        # Fail closed (umkm_portal/ratelimits.py): no answer without the counters.
        services.status_lookup_record(nik_hash="", client_ip=ip, outcome=Outcome.RATE_LIMITED)
        return render(request, "public/unavailable.html", status=503)


def _checked(request, ip):
    if ratelimits.ip_over_limit(request):
        services.status_lookup_record(nik_hash="", client_ip=ip, outcome=Outcome.RATE_LIMITED)
        return _rate_limited(request)

    form = StatusCheckForm(request.POST)
    if not form.is_valid():
        services.status_lookup_record(nik_hash="", client_ip=ip, outcome=Outcome.INVALID)
        return _form_page(request, form)

    nik = form.cleaned_data["nik"]
    nik_hash = services.nik_digest(nik)
    if ratelimits.nik_blocked(request, nik_hash):
        services.status_lookup_record(nik_hash=nik_hash, client_ip=ip, outcome=Outcome.RATE_LIMITED)
        return _rate_limited(request)

    # The lookup and its log row (found / not found) in one round trip.
    result = services.status_check(
        nik=nik, phone_last4=form.cleaned_data["phone_last4"], nik_hash=nik_hash, client_ip=ip
    )
    if result is None:
        ratelimits.nik_failed(request, nik_hash)
        return _form_page(request, StatusCheckForm(), not_found=True)
    # What follows a successful check (a request, stopping messages) trusts this signed
    # token, never a NIK from the browser. The owner's requests are read only now, after a
    # match, so a failed check costs the same single query as before.
    # Found by a list's phone (issue 24.3): the registered owner's pengaduan (and the
    # Dinas's answers) and the opt-out from their messages are not this person's.
    by_list_phone = getattr(result, "by_list_phone", False)
    context = {
        "result": result,
        "owner_token": owner_token(
            nik_hash, getattr(result, "owner_id", None), by_list_phone=by_list_phone
        ),
        "complaints": [] if by_list_phone else complaints_for_owner(nik_hash),
        "by_list_phone": by_list_phone,
    }
    if isinstance(result, RefusedStatus):
        return render(request, "public/refused_result.html", context)
    return render(request, "public/status_result.html", context)


def _form_page(request, form, *, not_found: bool = False):
    return render(request, "public/status_check.html", {"form": form, "not_found": not_found})


def _rate_limited(request):
    return render(request, "public/rate_limited.html", status=429)
