"""Staff admin for programs, proposal lists, applications and disbursements.

Applications are read-only here: their status changes only through the actions, which call
aid.services (and so aid.transitions) and report each refusal in Indonesian.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from aid import services
from aid.forms import ProposalListUploadForm, RejectForm
from aid.importing import review, template_file
from aid.models import (
    Application,
    Disbursement,
    ImportStatus,
    PossibleDuplicate,
    Program,
    ProposalList,
    StatusChange,
)
from aid.transitions import TransitionRefused
from privacy.masking import can_view_full_identity, nik_for
from privacy.models import AccessLog
from privacy.services import access_log_record
from registry.admin import KecamatanFilter, LargeTableAdmin, NikOrNameSearchMixin

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@admin.register(Program)
class ProgramAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "amount", "one_time", "withdrawal_days", "starts_on"]
    search_fields = ["code", "name"]


@admin.register(ProposalList)
class ProposalListAdmin(LargeTableAdmin):
    """Upload (the add form), then the import page: progress, review, confirm or cancel.

    Every change goes through aid.services; the import page's figures come from
    aid.importing.review.
    """

    list_display = [
        "proposer_name",
        "proposer_kind",
        "program",
        "received_on",
        "import_status",
        "uploaded_by",
        "import_link",
    ]
    list_filter = ["program", "proposer_kind", "import_status"]
    list_select_related = ["program", "uploaded_by"]
    search_fields = ["proposer_name"]
    fields = [
        "program",
        "proposer_name",
        "proposer_kind",
        "received_on",
        "original_filename",
        "import_status",
        "rows_read",
        "import_error",
        "uploaded_by",
        "merged_by",
        "merged_at",
        "created_at",
    ]
    readonly_fields = [
        "original_filename",
        "import_status",
        "rows_read",
        "import_error",
        "uploaded_by",
        "merged_by",
        "merged_at",
        "created_at",
    ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ProposalListUploadForm
            kwargs["fields"] = [*ProposalListUploadForm.Meta.fields, "upload"]
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return [*ProposalListUploadForm.Meta.fields, "upload"]
        return self.fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        data = form.cleaned_data
        upload = data["upload"]
        created = services.proposal_list_upload(
            program=data["program"],
            proposer_name=data["proposer_name"],
            proposer_kind=data["proposer_kind"],
            received_on=data.get("received_on"),
            file=upload,
            filename=upload.name,
            by=request.user,
        )
        obj.pk, obj.received_on = created.pk, created.received_on

    def response_add(self, request, obj, post_url_continue=None):
        return redirect("admin:aid_proposallist_import", obj.pk)

    @admin.display(description=_lazy("hasil impor"))
    def import_link(self, obj):
        if not obj.import_status:
            return "-"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:aid_proposallist_import", args=[obj.pk]),
            _("Lihat"),
        )

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "templat.<str:fmt>",
                view(self.template_view),
                name="aid_proposallist_template",
            ),
            path("<int:pk>/impor/", view(self.import_view), name="aid_proposallist_import"),
            path(
                "<int:pk>/impor/status.json",
                view(self.status_view),
                name="aid_proposallist_import_status",
            ),
            path(
                "<int:pk>/impor/hasil.<str:fmt>",
                view(self.outcome_view),
                name="aid_proposallist_outcome",
            ),
            path(
                "<int:pk>/impor/gabungkan/",
                view(self.confirm_view),
                name="aid_proposallist_confirm",
            ),
            path(
                "<int:pk>/impor/batalkan/", view(self.cancel_view), name="aid_proposallist_cancel"
            ),
            *super().get_urls(),
        ]

    def _get_list(self, request, pk) -> ProposalList:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(ProposalList.objects.select_related("program"), pk=pk)

    def template_view(self, request, fmt):
        if not self.has_add_permission(request):
            raise PermissionDenied
        if fmt == "xlsx":
            content, content_type = template_file.template_xlsx(), XLSX_TYPE
        elif fmt == "csv":
            content, content_type = template_file.template_csv(), "text/csv; charset=utf-8"
        else:
            raise Http404
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="templat-daftar-usulan.{fmt}"'
        return response

    def import_view(self, request, pk):
        proposal_list = self._get_list(request, pk)
        status = proposal_list.import_status
        counts = proposal_list.counts or {}
        show_summary = status in (ImportStatus.STAGED, ImportStatus.MERGED)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Impor daftar usulan: %(list)s") % {"list": proposal_list},
            "opts": self.model._meta,
            "proposal_list": proposal_list,
            "in_progress": status in (ImportStatus.UPLOADED, ImportStatus.PROCESSING),
            "progress_max": max(proposal_list.rows_total, proposal_list.rows_read, 1),
            "progress_text": review.progress_text(proposal_list),
            "show_summary": show_summary,
            "counts": counts,
            "outcome_rows": review.outcome_table(counts) if show_summary else [],
            "problems": self._problems(request, proposal_list) if show_summary else [],
            "can_download": can_view_full_identity(request.user),
            "can_confirm": status == ImportStatus.STAGED
            and request.user.has_perm("aid.merge_proposallist"),
            "can_cancel": status
            in (ImportStatus.UPLOADED, ImportStatus.STAGED, ImportStatus.FAILED)
            and self.has_change_permission(request, proposal_list),
        }
        return TemplateResponse(request, "admin/aid/proposallist/import.html", context)

    def _problems(self, request, proposal_list):
        problems = list(review.first_problems(proposal_list))
        for row in problems:
            row.nik = nik_for(request.user, row.nik)
        return problems

    def status_view(self, request, pk):
        proposal_list = self._get_list(request, pk)
        return JsonResponse(
            {
                "status": proposal_list.import_status,
                "status_label": proposal_list.get_import_status_display(),
                "rows_read": proposal_list.rows_read,
                "rows_total": max(proposal_list.rows_total, proposal_list.rows_read),
                "counts": proposal_list.counts,
                "progress_text": review.progress_text(proposal_list),
            }
        )

    def outcome_view(self, request, pk, fmt):
        proposal_list = self._get_list(request, pk)
        if not can_view_full_identity(request.user):
            raise PermissionDenied  # the file holds full NIKs and account numbers
        if proposal_list.import_status not in (ImportStatus.STAGED, ImportStatus.MERGED):
            raise Http404
        filename = f"hasil-pemeriksaan-daftar-{proposal_list.pk}.{fmt}"
        if fmt == "csv":
            response = StreamingHttpResponse(
                review.outcome_csv(proposal_list), content_type="text/csv; charset=utf-8"
            )
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
        elif fmt == "xlsx":
            response = FileResponse(
                review.outcome_xlsx(proposal_list),
                as_attachment=True,
                filename=filename,
                content_type=XLSX_TYPE,
            )
        else:
            raise Http404
        access_log_record(
            user=request.user,
            action=AccessLog.Action.EXPORT,
            subject="aid.importrow",
            object_id=proposal_list.pk,
            rows=(proposal_list.counts or {}).get("rows", 0),
            full_identity=True,
            detail=_("Hasil pemeriksaan daftar usulan (%(fmt)s)") % {"fmt": fmt.upper()},
        )
        return response

    def confirm_view(self, request, pk):
        proposal_list = self._get_list(request, pk)
        if request.method != "POST":
            return redirect("admin:aid_proposallist_import", pk)
        if not request.user.has_perm("aid.merge_proposallist"):
            raise PermissionDenied
        try:
            created = services.proposal_list_confirm(proposal_list=proposal_list, by=request.user)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
        except IntegrityError:
            self.message_user(
                request,
                _(
                    "Penggabungan dibatalkan karena data berubah bersamaan (misalnya pemilik yang "
                    "sama baru saja diusulkan). Tidak ada yang tersimpan; coba gabungkan lagi."
                ),
                messages.ERROR,
            )
        else:
            self.message_user(
                request,
                ngettext(
                    "%(n)d permohonan dibuat dari daftar ini.",
                    "%(n)d permohonan dibuat dari daftar ini.",
                    created,
                )
                % {"n": created},
                messages.SUCCESS,
            )
        return redirect("admin:aid_proposallist_import", pk)

    def cancel_view(self, request, pk):
        proposal_list = self._get_list(request, pk)
        if request.method != "POST":
            return redirect("admin:aid_proposallist_import", pk)
        if not self.has_change_permission(request, proposal_list):
            raise PermissionDenied
        try:
            services.proposal_list_cancel(proposal_list=proposal_list, by=request.user)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
        else:
            self.message_user(
                request,
                _("Impor dibatalkan; baris yang diperiksa dan berkasnya sudah dihapus."),
                messages.SUCCESS,
            )
        return redirect("admin:aid_proposallist_import", pk)


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
class ApplicationAdmin(NikOrNameSearchMixin, LargeTableAdmin):
    nik_field = "owner__nik"
    name_field = "owner__full_name"
    list_display = [
        "pk",
        "owner",
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
class DisbursementAdmin(LargeTableAdmin):
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
