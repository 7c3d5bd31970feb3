"""Submissions to the ministry: submit and export, export again."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import (
    Http404,
    HttpResponse,
)
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from aid import jobs as aid_jobs
from aid import services
from aid.admin.numbers import grouped
from aid.forms import (
    SubmissionForm,
)
from aid.models import (
    SubmissionBatch,
)
from jobs import selectors as job_selectors
from jobs import services as job_services
from privacy.admin import file_response
from umkm_portal import content_types
from umkm_portal.admin import ReadOnlyRecordAdmin


@admin.register(SubmissionBatch)
class SubmissionBatchAdmin(ReadOnlyRecordAdmin):
    """Submissions to the ministry. "Ajukan" exports and submits in one step; a batch can be
    exported again at any time without submitting anything."""

    list_display = [
        "pk",
        "program",
        "proposal_list",
        "rows_grouped",
        "created_by",
        "created_at",
        "files",
    ]
    list_filter = ["program"]
    list_select_related = ["program", "proposal_list", "created_by"]
    readonly_fields = [
        "program",
        "proposal_list",
        "rows_grouped",
        "created_by",
        "created_at",
        "files",
    ]
    fields = readonly_fields
    rows_grouped = grouped(SubmissionBatch, "rows")

    def has_add_permission(self, request):
        return False

    def has_submit_permission(self, request):
        return request.user.has_perm("aid.submit_application")

    @admin.display(description=_lazy("berkas"))
    def files(self, obj):
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("admin:aid_submissionbatch_file", args=[obj.pk]),
            _("berkas yang dikirim"),
            reverse("admin:aid_submissionbatch_export", args=[obj.pk, "xlsx"]),
            _("ekspor ulang XLSX"),
            reverse("admin:aid_submissionbatch_export", args=[obj.pk, "csv"]),
            _("ekspor ulang CSV"),
        )

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("submit/", wrap(self.submit_view), name="aid_submissionbatch_submit"),
            path(
                "<int:pk>/export/<str:file_format>/",
                wrap(self.export_view),
                name="aid_submissionbatch_export",
            ),
            path("<int:pk>/file/", wrap(self.file_view), name="aid_submissionbatch_file"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_submit": self.has_submit_permission(request)}
        return super().changelist_view(request, extra_context)

    def submit_view(self, request):
        if not self.has_submit_permission(request):
            raise PermissionDenied
        form = SubmissionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            # The submission runs as a background job (one per program at a time); its
            # page links to the file once written.
            data = form.cleaned_data
            program, proposal_list = data["program"], data.get("proposal_list")
            job, created = job_services.start(
                kind=aid_jobs.SUBMISSION,
                key=aid_jobs.submission_key(program.pk),
                params={
                    "program_id": program.pk,
                    "proposal_list_id": proposal_list.pk if proposal_list else None,
                    "file_format": data["file_format"],
                },
                by=request.user,
            )
            if not created:
                self.message_user(
                    request,
                    _("Pengajuan untuk program ini sedang berjalan."),
                    messages.WARNING,
                )
            return redirect(job_selectors.job_url(job))
        return TemplateResponse(
            request,
            "admin/aid/form_page.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Ajukan permohonan terverifikasi ke Kementerian"),
                "opts": self.model._meta,
                "form": form,
                "intro": _(
                    "Semua permohonan terverifikasi dari program (atau daftar usulan) yang "
                    "dipilih diekspor dalam format Kementerian dan berstatus diajukan."
                ),
                "submit_label": _("Ajukan"),
            },
        )

    def _batch(self, request, pk) -> SubmissionBatch:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(SubmissionBatch, pk=pk)

    def export_view(self, request, pk, file_format):
        batch = self._batch(request, pk)
        if file_format not in content_types.BY_EXTENSION:
            raise Http404
        content = services.submission_export(batch=batch, file_format=file_format, by=request.user)
        response = HttpResponse(content, content_type=content_types.BY_EXTENSION[file_format])
        response["Content-Disposition"] = (
            f'attachment; filename="pengajuan-{batch.program.code}-{batch.pk}-ulang.{file_format}"'
        )
        return response

    def file_view(self, request, pk):
        batch = self._batch(request, pk)
        return file_response(request, batch.file, subject="aid.submissionbatch", object_id=pk)
