"""Admin of registrations waiting for a check: the queue and the decision page."""

from urllib.parse import urlsplit

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import Resolver404, path, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from development import selectors, services
from development.models import (
    PendingRegistration,
)
from privacy import masking
from privacy.admin import MaskedIdentityMixin
from registry.models import Owner
from umkm_portal.admin import LargeTableAdmin
from umkm_portal.states import TransitionRefused

DECIDE_PERMISSION = "development.decide_pendingregistration"


@admin.register(PendingRegistration)
class PendingRegistrationAdmin(MaskedIdentityMixin, LargeTableAdmin):
    """The queue of registrations from /kegiatan/ that matched no registered owner: read
    only; "Periksa" shows the registry's possible matches beside the claim and decides it
    through development.services (new owner, link to a registered owner, or refuse)."""

    list_display = ["created_at", "activity", "full_name", "nik", "phone", "state"]
    list_filter = ["state", "activity"]
    list_select_related = ["activity"]
    search_fields = ["=nik", "=phone", "full_name"]
    masked_fields = {"nik": "nik", "phone": "phone"}
    readonly_fields = [
        "activity",
        "nik",
        "phone",
        "full_name",
        "ktp_address",
        "business_name",
        "sector",
        "kecamatan",
        "channel",
        "client_ip",
        "user_agent",
        "created_at",
        "state",
        "owner",
        "participant",
        "decided_by",
        "decided_at",
        "note",
    ]
    fields = readonly_fields
    change_form_template = "admin/development/pendingregistration/change_form.html"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        decide = self.admin_site.admin_view(self.decide_view)
        return [
            path("<int:pk>/periksa/", decide, name="development_pendingregistration_decide"),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        if (
            obj is not None
            and obj.state == PendingRegistration.State.PENDING
            and request.user.has_perm(DECIDE_PERMISSION)
        ):
            context["decide_url"] = reverse(
                "admin:development_pendingregistration_decide", args=[obj.pk]
            )
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)

    def decide_view(self, request, pk: int):
        """The claim, the registry's possible matches beside it, and the three decisions."""
        if not request.user.has_perm(DECIDE_PERMISSION):
            raise PermissionDenied
        pending = get_object_or_404(PendingRegistration.objects.select_related("activity"), pk=pk)
        matches = selectors.pending_matches(pending)
        back = _safe_next(request)
        at_door = _is_door_of(back, pending.activity_id)
        error = ""
        if request.method == "POST" and pending.state == PendingRegistration.State.PENDING:
            decision = request.POST.get("decision", "")
            try:
                if decision == "confirm":
                    services.pending_registration_confirm(
                        pending=pending, by=request.user, at_door=at_door
                    )
                    done = _("Pemilik baru dibuat dan didaftarkan sebagai peserta.")
                elif decision == "link":
                    chosen = request.POST.get("owner", "")
                    if not chosen.isdigit():
                        raise ValidationError(_("Pilih pemilik terdaftar yang akan ditautkan."))
                    owner = get_object_or_404(Owner, pk=chosen)
                    services.pending_registration_link(
                        pending=pending, owner=owner, by=request.user, at_door=at_door
                    )
                    done = _("Pemilik terdaftar didaftarkan sebagai peserta; datanya tidak diubah.")
                elif decision == "refuse":
                    services.pending_registration_refuse(
                        pending=pending, by=request.user, note=request.POST.get("note", "")
                    )
                    done = _("Pendaftaran ditolak.")
                else:
                    raise ValidationError(_("Pilih salah satu keputusan."))
            except ValidationError as refused:
                error = " ".join(refused.messages)
            except TransitionRefused as refused:
                error = refused.message
            else:
                messages.success(request, done)
                # From the door page: back to its search, to tap Hadir for the person.
                return redirect(back or reverse("admin:development_pendingregistration_changelist"))
        user = request.user
        for match in matches:
            match.nik_shown = masking.nik_for(user, match.owner.nik)
            match.phone_shown = masking.value_for(user, "phone", match.owner.phone or "")
        return TemplateResponse(
            request,
            "admin/development/pendingregistration/decide.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": _("Periksa pendaftaran: %(name)s") % {"name": pending.full_name},
                "pending": pending,
                "nik_shown": masking.nik_for(user, pending.nik),
                "phone_shown": masking.value_for(user, "phone", pending.phone),
                "matches": matches,
                "is_pending": pending.state == PendingRegistration.State.PENDING,
                "at_door": at_door,
                "error": error,
            },
        )


def _safe_next(request) -> str:
    """The page to return to after a decision (``?next=``), when it is one of ours."""
    back = request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return back
    return ""


def _is_door_of(url: str, activity_id: int) -> bool:
    """Whether ``url`` is the door page of this activity: the claim is then decided with the
    person standing there, KTP in hand."""
    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        return False
    return match.view_name == "development:door" and match.kwargs.get("pk") == activity_id
