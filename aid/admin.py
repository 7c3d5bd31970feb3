"""Staff admin for programs, proposal lists, applications and disbursements.

Applications are read-only here: their status changes only through the actions, which call
aid.services (and so aid.transitions) and report each refusal in Indonesian.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from aid import services
from aid.forms import RejectForm
from aid.models import (
    Application,
    Disbursement,
    PossibleDuplicate,
    Program,
    ProposalList,
    StatusChange,
)
from aid.resources import ApplicationResource, DisbursementResource
from aid.transitions import TransitionRefused
from privacy.admin import MaskedIdentityMixin
from privacy.exports import PersonalDataExportAdminMixin
from registry.admin import KecamatanFilter, LargeTableAdmin, NikOrNameSearchMixin


@admin.register(Program)
class ProgramAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "amount", "one_time", "withdrawal_days", "starts_on"]
    search_fields = ["code", "name"]


@admin.register(ProposalList)
class ProposalListAdmin(LargeTableAdmin):
    list_display = ["proposer_name", "proposer_kind", "program", "received_on", "uploaded_by"]
    list_filter = ["program", "proposer_kind"]
    list_select_related = ["program", "uploaded_by"]
    search_fields = ["proposer_name"]
    readonly_fields = ["uploaded_by", "created_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    fields = ["at", "from_status", "to_status", "reason_code", "note", "source", "by"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = _lazy("riwayat status")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ApplicationKecamatanFilter(KecamatanFilter):
    title = _lazy("kecamatan usaha")
    kelurahan_field = "business__kelurahan"


@admin.register(Application)
class ApplicationAdmin(
    MaskedIdentityMixin, PersonalDataExportAdminMixin, NikOrNameSearchMixin, LargeTableAdmin
):
    resource_classes = [ApplicationResource]
    nik_field = "owner__nik"
    name_field = "owner__full_name"
    masked_fields = {"owner__nik": "nik"}
    identity_owner_path = "owner"
    list_display = [
        "pk",
        "owner",
        "owner__nik",
        "program",
        "proposal_list",
        "status",
        "reason_code",
        "proposed_at",
    ]
    list_filter = [
        "status",
        "program",
        ApplicationKecamatanFilter,
        "proposal_list__proposer_kind",
        "reason_code",
    ]
    list_select_related = ["owner", "program", "proposal_list"]
    search_fields = ["=owner__nik", "owner__full_name"]
    search_help_text = _lazy("Cari dengan NIK lengkap (16 digit) atau sebagian nama pemilik.")
    raw_id_fields = ["owner", "business", "proposal_list"]
    readonly_fields = [
        "status",
        "reason_code",
        "reason_note",
        "proposed_at",
        "verified_at",
        "submitted_at",
        "approved_at",
        "transferred_at",
        "transfer_failed_at",
        "withdrawn_at",
        "returned_at",
        "rejected_at",
    ]
    inlines = [StatusChangeInline]
    actions = ["verify", "reject"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_verify_permission(self, request):
        return request.user.has_perm("aid.verify_application")

    def save_model(self, request, obj, form, change):
        obj.pk = services.application_create(
            business=form.cleaned_data["business"],
            program=form.cleaned_data["program"],
            proposal_list=form.cleaned_data.get("proposal_list"),
            by=request.user,
            source="admin",
        ).pk

    def _report(self, request, done: int, refused: list[str], verb: str) -> None:
        if done:
            self.message_user(
                request,
                ngettext("%(n)d permohonan %(verb)s.", "%(n)d permohonan %(verb)s.", done)
                % {"n": done, "verb": verb},
                messages.SUCCESS,
            )
        for message in refused[:20]:
            self.message_user(request, message, messages.ERROR)
        if len(refused) > 20:
            self.message_user(
                request,
                _("… dan %(n)d lainnya ditolak.") % {"n": len(refused) - 20},
                messages.ERROR,
            )

    @admin.action(description=_lazy("Verifikasi permohonan terpilih"), permissions=["verify"])
    def verify(self, request, queryset):
        done, refused = 0, []
        for application in queryset.select_related("owner"):
            try:
                services.application_verify(application=application, by=request.user)
                done += 1
            except TransitionRefused as exc:
                refused.append(f"#{application.pk} {application.owner}: {exc.message}")
        self._report(request, done, refused, _("diverifikasi"))

    @admin.action(description=_lazy("Tolak permohonan terpilih…"), permissions=["verify"])
    def reject(self, request, queryset):
        if not self.has_verify_permission(request):
            raise PermissionDenied
        form = RejectForm(request.POST if "confirm" in request.POST else None)
        if form.is_valid():
            done, refused = 0, []
            for application in queryset.select_related("owner"):
                try:
                    services.application_reject(
                        application=application,
                        by=request.user,
                        reason_code=form.cleaned_data["reason_code"],
                        note=form.cleaned_data["note"],
                    )
                    done += 1
                except TransitionRefused as exc:
                    refused.append(f"#{application.pk} {application.owner}: {exc.message}")
            self._report(request, done, refused, _("ditolak"))
            return None
        return TemplateResponse(
            request,
            "admin/aid/application/reject.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Tolak permohonan"),
                "opts": self.model._meta,
                "form": form,
                "applications": queryset.select_related("owner", "program")[:100],
                "count": queryset.count(),
                "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
                "select_across": request.POST.get("select_across", "0"),
            },
        )


@admin.register(StatusChange)
class StatusChangeAdmin(LargeTableAdmin):
    list_display = ["at", "application", "from_status", "to_status", "reason_code", "by", "source"]
    list_filter = ["to_status", "reason_code"]
    list_select_related = ["application__owner", "application__program", "by"]
    raw_id_fields = ["application"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Disbursement)
class DisbursementAdmin(MaskedIdentityMixin, PersonalDataExportAdminMixin, LargeTableAdmin):
    resource_classes = [DisbursementResource]
    masked_fields = {"account_number": "account"}
    identity_owner_path = "application__owner"
    list_display = [
        "bank_reference",
        "application",
        "amount",
        "bank_code",
        "account_number",
        "outcome",
        "transferred_at",
        "withdrawn_at",
    ]
    list_filter = ["outcome", "application__program", "bank_code"]
    list_select_related = ["application__owner", "application__program"]
    search_fields = ["=bank_reference", "=application__owner__nik"]
    raw_id_fields = ["application"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PossibleDuplicate)
class PossibleDuplicateAdmin(LargeTableAdmin):
    list_display = ["application", "other", "rule", "decision", "decided_by", "decided_at"]
    list_filter = ["rule", "decision"]
    list_select_related = ["application__owner", "other__owner", "decided_by"]
    raw_id_fields = ["application", "other"]
