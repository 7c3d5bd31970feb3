"""Proposal lists: upload, the import review page, confirm and cancel; every change goes
through aid.services."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db.models import Q
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
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from aid import jobs as aid_jobs
from aid import money, services, transitions
from aid.admin.applications import applications_of_list_url
from aid.admin.numbers import grouped
from aid.forms import (
    ProposalListUploadForm,
)
from aid.importing import review, template_file
from aid.models import (
    ImportRow,
    ImportStatus,
    ProposalList,
)
from aid.selectors import IMPORT_STUCK_AFTER, import_stuck, import_waiting_for_worker
from jobs import selectors as job_selectors
from jobs import services as job_services
from privacy.admin import file_response
from privacy.masking import can_view_full_identity, nik_for
from privacy.models import AccessLog
from privacy.services import access_log_record
from umkm_portal import content_types
from umkm_portal.admin import LargeTableAdmin
from umkm_portal.service_admin import ServiceSaveMixin


def _worker_note(*, waiting: bool, stuck: bool) -> str:
    """What the review page says when no worker is on the list (empty when one is)."""
    if waiting:
        return _(
            "Menunggu pemeriksa latar belakang: belum ada pemeriksa yang mengambil daftar "
            "ini. Bila tetap begini, pastikan proses pemeriksa (db_worker) berjalan, lalu "
            "tekan Periksa ulang."
        )
    if stuck:
        return _(
            "Pemeriksaan berhenti: tidak ada kemajuan selama lebih dari %(minutes)d menit, "
            "pemeriksanya kemungkinan mati. Periksa ulang daftar ini atau batalkan impornya."
        ) % {"minutes": IMPORT_STUCK_AFTER.total_seconds() // 60}
    return ""


# Statuses whose rows can be reviewed and whose outcome file can be downloaded.
REVIEWABLE = (
    ImportStatus.STAGED,
    ImportStatus.SUBMITTED,
    ImportStatus.RETURNED,
    ImportStatus.MERGED,
)


# The upload form's fields, in order (the new organisation's two fields are a quick add).
UPLOAD_FIELDS = [
    "program",
    "proposer",
    "new_proposer_name",
    "new_proposer_kind",
    "new_proposer_address",
    "new_proposer_phone",
    "kelurahan",
    "received_on",
    "upload",
]


@admin.register(ProposalList)
class ProposalListAdmin(ServiceSaveMixin, LargeTableAdmin):
    """Upload (the add form), then the import page: progress, review, confirm or cancel.

    Every change goes through aid.services; the import page's figures come from
    aid.importing.review.
    """

    list_display = [
        "name_link",
        "proposer_kind",
        "version",
        "program",
        "received_on",
        "import_status",
        "applications_link",
    ]
    # The name opens the list's review page (its import), not the edit form.
    list_display_links = None
    list_filter = ["program", "proposer_kind", "import_status"]
    list_select_related = ["program", "uploaded_by"]
    search_fields = ["proposer_name"]
    fields = [
        "program",
        "proposer_name",
        "proposer_kind",
        "kelurahan",
        "received_on",
        "original_filename",
        "import_status",
        "rows_read_grouped",
        "import_error",
        "uploaded_by",
        "merged_by",
        "merged_at",
        "created_at",
    ]
    readonly_fields = [
        "original_filename",
        "import_status",
        "rows_read_grouped",
        "import_error",
        "uploaded_by",
        "merged_by",
        "merged_at",
        "created_at",
    ]

    rows_read_grouped = grouped(ProposalList, "rows_read")

    @admin.display(description=_lazy("nama pengusul"), ordering="proposer_name")
    def name_link(self, obj):
        view = "import" if obj.import_status else "change"
        url = reverse(f"admin:aid_proposallist_{view}", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.proposer_name)

    @admin.display(description=_lazy("permohonan"))
    def applications_link(self, obj):
        link = format_html(
            '<a href="{}">{}</a>', applications_of_list_url(obj), _("Lihat permohonan")
        )
        refused = self._refused_file_link(obj)
        return format_html("{}<br>{}", link, refused) if refused else link

    def _refused_file_link(self, obj):
        """For a list the Dinas uploaded on a proposer's behalf: the refused rows with their
        reasons, to send back to that proposer (who has no workspace copy of this list).
        Under the applications link, so the list stays as wide as it was."""
        refused = sum(((obj.counts or {}).get("rejected") or {}).values())
        if obj.sent_by_proposer or obj.import_status not in REVIEWABLE or not refused:
            return ""
        return format_html(
            '<a href="{}" title="{}">{}</a>',
            reverse("admin:aid_proposallist_refused", args=[obj.pk]),
            _("Hanya baris yang ditolak, dengan alasannya, untuk dikirim ke pengusul"),
            ngettext("%(n)s baris ditolak (Excel)", "%(n)s baris ditolak (Excel)", refused)
            % {"n": money.thousands(refused)},
        )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "kelurahan" and hasattr(field.widget, "widget"):
            # A region is reference data: a plain select, nothing to add or open from here.
            field.widget = field.widget.widget
        return field

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ProposalListUploadForm
            kwargs["fields"] = UPLOAD_FIELDS
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return UPLOAD_FIELDS
        return self.fields

    def get_readonly_fields(self, request, obj=None):
        # Once uploaded, a list's program, proposer and date are fixed: its applications
        # were checked and merged against them (issue 11, finding 6).
        if obj is None:
            return []
        return [
            "program",
            "proposer_name",
            "proposer_kind",
            "kelurahan",
            "received_on",
            *self.readonly_fields,
        ]

    def save_with_service(self, request, obj, data, change):
        if change:
            # Once uploaded every field of a list is read-only here (see above): nothing to
            # write. Its state changes through the import page's actions.
            return obj
        upload = data["upload"]
        return services.proposal_list_upload(
            program=data["program"],
            # Chosen from the register, or the new organisation added on the form.
            proposer=data["proposer"],
            proposer_name=data["new_proposer_name"],
            proposer_kind=data["new_proposer_kind"],
            proposer_address=data["new_proposer_address"],
            proposer_phone=data["new_proposer_phone"],
            received_on=data.get("received_on"),
            kelurahan=data.get("kelurahan"),
            file=upload,
            filename=upload.name,
            by=request.user,
        )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if object_id is None and request.method == "POST":
            # The upload is one service call whose writes are each short; Django's
            # transaction around the whole add view would hold SQLite's write lock while
            # the form and the service read the file (seconds for a large workbook).
            return self._changeform_view(request, object_id, form_url, extra_context)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def response_add(self, request, obj, post_url_continue=None):
        return redirect("admin:aid_proposallist_import", obj.pk)

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
                "<int:pk>/impor/ditolak.xlsx",
                view(self.refused_view),
                name="aid_proposallist_refused",
            ),
            path(
                "<int:pk>/impor/gabungkan/",
                view(self.confirm_view),
                name="aid_proposallist_confirm",
            ),
            path(
                "<int:pk>/impor/batalkan/", view(self.cancel_view), name="aid_proposallist_cancel"
            ),
            path("<int:pk>/impor/sptjm.pdf", view(self.sptjm_view), name="aid_proposallist_sptjm"),
            path(
                "<int:pk>/impor/kembalikan/",
                view(self.return_view),
                name="aid_proposallist_return",
            ),
            path(
                "<int:pk>/impor/periksa-ulang/",
                view(self.requeue_view),
                name="aid_proposallist_requeue",
            ),
            *super().get_urls(),
        ]

    def _get_list(self, request, pk) -> ProposalList:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(
            ProposalList.objects.select_related("program", "kelurahan__parent"), pk=pk
        )

    def template_view(self, request, fmt):
        if not self.has_add_permission(request):
            raise PermissionDenied
        if fmt == "xlsx":
            content, content_type = template_file.template_xlsx(), content_types.XLSX
        elif fmt == "csv":
            content, content_type = template_file.template_csv(), content_types.CSV
        else:
            raise Http404
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="templat-daftar-usulan.{fmt}"'
        return response

    def import_view(self, request, pk):
        proposal_list = self._get_list(request, pk)
        status = proposal_list.import_status
        waiting = import_waiting_for_worker(proposal_list)
        stuck = import_stuck(proposal_list)
        counts = proposal_list.counts or {}
        show_summary = status in REVIEWABLE
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
            "can_confirm": transitions.import_can_move(status, ImportStatus.MERGED)
            and (not proposal_list.sent_by_proposer or status == ImportStatus.SUBMITTED)
            and request.user.has_perm("aid.merge_proposallist"),
            "can_return": status == ImportStatus.SUBMITTED
            and self.has_change_permission(request, proposal_list),
            "waiting_for_proposer": proposal_list.sent_by_proposer
            and status in (ImportStatus.STAGED, ImportStatus.RETURNED),
            "can_cancel": (status != ImportStatus.PROCESSING or stuck)
            and transitions.import_can_move(status, ImportStatus.CANCELLED)
            and self.has_change_permission(request, proposal_list),
            "can_requeue": (status == ImportStatus.FAILED or stuck or waiting)
            and self.has_change_permission(request, proposal_list),
            "worker_note": _worker_note(waiting=waiting, stuck=stuck),
            "merge_job": job_selectors.latest_for_key(aid_jobs.merge_key(proposal_list.pk)),
            "check_job": job_selectors.latest_for_key(aid_jobs.check_key(proposal_list.pk)),
        }
        if context["merge_job"] and context["merge_job"].is_live:
            context["can_confirm"] = context["can_cancel"] = False
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
                "worker_note": _worker_note(
                    waiting=import_waiting_for_worker(proposal_list),
                    stuck=import_stuck(proposal_list),
                ),
            }
        )

    def outcome_view(self, request, pk, fmt):
        proposal_list = self._get_list(request, pk)
        if not can_view_full_identity(request.user):
            raise PermissionDenied  # the file holds full NIKs and account numbers
        if proposal_list.import_status not in REVIEWABLE:
            raise Http404
        filename = f"hasil-pemeriksaan-daftar-{proposal_list.pk}.{fmt}"
        rows = (proposal_list.counts or {}).get("rows", 0)
        if fmt == "csv":
            response = StreamingHttpResponse(
                review.outcome_csv(proposal_list), content_type=content_types.CSV
            )
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
        elif fmt in aid_jobs.OUTCOME_FORMATS and aid_jobs.outcome_is_big(proposal_list):
            # A big list's files are written once by a job and kept until the list changes.
            kept, job = aid_jobs.outcome_file(proposal_list, fmt, by=request.user)
            if job is not None:
                return redirect(job_selectors.job_url(job))
            response = FileResponse(
                default_storage.open(kept, "rb"),
                as_attachment=True,
                filename=filename,
                content_type=content_types.XLSX if fmt == "xlsx" else "application/zip",
            )
        elif fmt == "xlsx":
            response = FileResponse(
                review.outcome_xlsx(proposal_list),
                as_attachment=True,
                filename=filename,
                content_type=content_types.XLSX,
            )
        elif fmt == "zip":
            response = FileResponse(
                review.outcome_zip_by_kelurahan(proposal_list),
                as_attachment=True,
                filename=filename,
                content_type="application/zip",
            )
        else:
            raise Http404
        access_log_record(
            user=request.user,
            action=AccessLog.Action.EXPORT,
            subject="aid.importrow",
            object_id=proposal_list.pk,
            rows=rows,
            full_identity=True,
            detail=_("Hasil pemeriksaan daftar usulan (%(fmt)s)") % {"fmt": fmt.upper()},
        )
        return response

    def refused_view(self, request, pk):
        """Only the refused rows of a list, in the outcome file's format (the proposer's
        columns, then the outcome and the reason), named for the proposer it goes back to."""
        proposal_list = self._get_list(request, pk)
        if not can_view_full_identity(request.user):
            raise PermissionDenied  # the file holds full NIKs and account numbers
        if proposal_list.import_status not in REVIEWABLE:
            raise Http404
        refused = Q(outcome=ImportRow.Outcome.REJECTED)
        rows = ImportRow.objects.filter(refused, proposal_list=proposal_list).count()
        response = FileResponse(
            review.outcome_xlsx(proposal_list, refused),
            as_attachment=True,
            filename=f"baris-ditolak-{slugify(proposal_list.proposer_name)}-daftar-"
            f"{proposal_list.pk}.xlsx",
            content_type=content_types.XLSX,
        )
        access_log_record(
            user=request.user,
            action=AccessLog.Action.EXPORT,
            subject="aid.importrow",
            object_id=proposal_list.pk,
            rows=rows,
            full_identity=True,
            detail=_("Baris ditolak daftar usulan untuk pengusul (XLSX)"),
        )
        return response

    def confirm_view(self, request, pk):
        """Queue the merge as a background job and show its progress page; a second click
        while it runs finds the running job."""
        proposal_list = self._get_list(request, pk)
        if request.method != "POST":
            return redirect("admin:aid_proposallist_import", pk)
        if not request.user.has_perm("aid.merge_proposallist"):
            raise PermissionDenied
        if not transitions.import_can_move(proposal_list.import_status, ImportStatus.MERGED):
            self.message_user(
                request,
                _('Daftar berstatus "%(status)s" tidak dapat digabungkan.')
                % {"status": proposal_list.get_import_status_display() or "-"},
                messages.ERROR,
            )
            return redirect("admin:aid_proposallist_import", pk)
        job, created = job_services.start(
            kind=aid_jobs.MERGE,
            key=aid_jobs.merge_key(proposal_list.pk),
            params={"proposal_list_id": proposal_list.pk},
            by=request.user,
            total=(proposal_list.counts or {}).get("accepted", 0),
            subject=str(proposal_list),
        )
        if not created:
            self.message_user(
                request, _("Penggabungan daftar ini sedang berjalan."), messages.WARNING
            )
        return redirect(job_selectors.job_url(job))

    def sptjm_view(self, request, pk):
        """The signed statement of responsibility the proposer attached (access logged)."""
        proposal_list = self._get_list(request, pk)
        return file_response(
            request, proposal_list.sptjm_file, subject="aid.proposallist", object_id=pk
        )

    def _post_action(self, request, pk, action, done: str):
        """A button of the import page: POST only, change permission, the service's refusal
        shown as it says, then back to the page."""
        proposal_list = self._get_list(request, pk)
        if request.method != "POST":
            return redirect("admin:aid_proposallist_import", pk)
        if not self.has_change_permission(request, proposal_list):
            raise PermissionDenied
        try:
            action(proposal_list)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
        else:
            self.message_user(request, done, messages.SUCCESS)
        return redirect("admin:aid_proposallist_import", pk)

    def return_view(self, request, pk):
        """Send a submitted list back to its proposer with a note."""
        return self._post_action(
            request,
            pk,
            lambda pl: services.proposal_list_return(
                proposal_list=pl, by=request.user, note=request.POST.get("note", "")
            ),
            _("Daftar dikembalikan ke pengusul dengan catatan."),
        )

    def cancel_view(self, request, pk):
        return self._post_action(
            request,
            pk,
            lambda pl: services.proposal_list_cancel(proposal_list=pl, by=request.user),
            _("Impor dibatalkan; baris yang diperiksa dan berkasnya sudah dihapus."),
        )

    def requeue_view(self, request, pk):
        return self._post_action(
            request,
            pk,
            lambda pl: services.proposal_list_requeue(proposal_list=pl, by=request.user),
            _("Daftar diantrekan ulang untuk diperiksa; hasil pemeriksaan sebelumnya dihapus."),
        )
