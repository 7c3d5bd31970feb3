"""A pengaduan from the status result page: the result page's button opens the form
(``complaint_start``), the form sends it (``complaint_send``). Both POST only, CSRF-protected
and tied to the owner by the signed token of a successful check; sending is rate-limited."""

from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from complaints import ratelimits, services
from complaints.forms import ComplaintForm
from complaints.models import Complaint
from umkm_portal.owner_tokens import (
    found_by_list_phone,
    owner_from_token,
    registered_owner_from_token,
)
from umkm_portal.ratelimits import CountersUnavailable


@never_cache
@require_http_methods(["GET", "POST"])
def complaint_start(request):
    """The empty form, for the owner whose check issued ``token``.

    A GET (the language switch reloads the page it is on, and the token never travels in a
    URL) goes back to the status check, where the owner checks again in the new language.
    """
    if request.method != "POST":
        return redirect("status_check")
    token = request.POST.get("token", "")
    if owner_from_token(token) is None:
        return render(request, "complaints/expired.html", status=403)
    form = ComplaintForm(
        initial={"token": token}, phone_known=registered_owner_from_token(token) is not None
    )
    return render(
        request,
        "complaints/form_page.html",
        {"form": form, "by_list_phone": found_by_list_phone(token)},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def complaint_send(request):
    if request.method != "POST":  # as complaint_start: the language switch reloads with a GET
        return redirect("status_check")
    token = request.POST.get("token", "")
    owner_id = registered_owner_from_token(token)
    form = ComplaintForm(request.POST, phone_known=owner_id is not None)
    nik_hash = owner_from_token(request.POST.get("token", ""))
    if nik_hash is None:
        # Forged, altered or older than COMPLAINT_TOKEN_MAX_AGE: check the status again.
        return render(request, "complaints/expired.html", status=403)
    try:
        if ratelimits.over_limit(request, nik_hash):
            return render(request, "public/rate_limited.html", status=429)
    except CountersUnavailable:
        return render(request, "public/unavailable.html", status=503)
    if not form.is_valid():
        return render(
            request,
            "complaints/form_page.html",
            {"form": form, "by_list_phone": found_by_list_phone(token)},
            status=200,
        )
    complaint = services.complaint_create(
        nik_hash=nik_hash,
        category=form.cleaned_data["category"],
        message=form.cleaned_data["message"],
        contact_phone=form.cleaned_data["contact_phone"],
        owner_id=owner_id,
        # After a check by a list's phone: kept apart from the registered owner's requests.
        source=Complaint.Source.LIST_PHONE
        if found_by_list_phone(token)
        else Complaint.Source.OWNER,
    )
    return render(request, "complaints/sent.html", {"complaint": complaint})
