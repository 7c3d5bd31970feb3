"""The re-transfer queue's exports for the bank: the list, the export, the files."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from aid import jobs as aid_jobs
from aid import selectors, services
from aid.forms import RetransferForm
from aid.models import RetransferBatch
from jobs import selectors as job_selectors
from jobs import services as job_services
from privacy.admin import file_response
from umkm_portal import content_types
from umkm_portal.admin import ReadOnlyRecordAdmin


@admin.register(RetransferBatch)
class RetransferBatchAdmin(ReadOnlyRecordAdmin):
    """Exports of failed transfers sent again. "Ekspor antrian kirim ulang" records the
    applications and writes the bank's file in the background; a batch's file can be
    downloaded again at any time without recording anything a second time."""

    list_display = ["pk", "program", "rows", "repeated", "created_by", "created_at", "files"]
    list_filter = ["program"]
    list_select_related = ["program", "created_by"]
    readonly_fields = ["program", "rows", "repeated", "created_by", "created_at", "files"]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_export_permission(self, request):
        return request.user.has_perm("aid.add_retransferbatch")

    @admin.display(description=_lazy("berkas"))
    def files(self, obj):
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("admin:aid_retransferbatch_file", args=[obj.pk]),
            _("berkas yang dikirim"),
            reverse("admin:aid_retransferbatch_export", args=[obj.pk, "xlsx"]),
            _("ekspor ulang XLSX"),
            reverse("admin:aid_retransferbatch_export", args=[obj.pk, "csv"]),
            _("ekspor ulang CSV"),
        )

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("send/", wrap(self.send_view), name="aid_retransferbatch_send"),
            path(
                "<int:pk>/export/<str:file_format>/",
                wrap(self.export_view),
                name="aid_retransferbatch_export",
            ),
            path("<int:pk>/file/", wrap(self.file_view), name="aid_retransferbatch_file"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_send": self.has_export_permission(request),
            "queue_url": reverse("admin:aid_application_changelist") + "?kirim_ulang=siap",
            "queue_size": selectors.ready_to_transfer_again().count(),
            "queue_sent": selectors.already_sent_again(selectors.ready_to_transfer_again()).count(),
        }
        return super().changelist_view(request, extra_context)

    def send_view(self, request):
        if not self.has_export_permission(request):
            raise PermissionDenied
        form = RetransferForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            program = data["program"]
            refusal = services.retransfer_refusal(
                program=program, include_repeats=data["include_repeats"]
            )
            if refusal:
                form.add_error(None, refusal)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            program = data["program"]
            job, created = job_services.start(
                kind=aid_jobs.RETRANSFER,
                key=aid_jobs.retransfer_key(program.pk),
                params={
                    "program_id": program.pk,
                    "file_format": data["file_format"],
                    "include_repeats": data["include_repeats"],
                },
                by=request.user,
            )
            if not created:
                self.message_user(
                    request, _("Ekspor kiriman ulang untuk program ini sedang berjalan.")
                )
            return redirect(job_selectors.job_url(job))
        return TemplateResponse(
            request,
            "admin/aid/form_page.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Ekspor antrian kirim ulang untuk bank"),
                "opts": self.model._meta,
                "form": form,
                "intro": _(
                    "Transfer gagal yang rekening pemiliknya sudah diganti (dan dikonfirmasi "
                    "bila perlu) diekspor dalam format bank dan dicatat. Statusnya tetap "
                    "Transfer gagal sampai laporan bank mencatat hasil kiriman ulang. Pemilik "
                    "diberi tahu lewat SMS bahwa dananya dikirim ulang."
                ),
                "submit_label": _("Ekspor"),
            },
        )

    def _batch(self, request, pk) -> RetransferBatch:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(RetransferBatch, pk=pk)

    def export_view(self, request, pk, file_format):
        batch = self._batch(request, pk)
        if file_format not in content_types.BY_EXTENSION:
            raise Http404
        content = services.retransfer_export(batch=batch, file_format=file_format, by=request.user)
        response = HttpResponse(content, content_type=content_types.BY_EXTENSION[file_format])
        response["Content-Disposition"] = (
            f'attachment; filename="kirim-ulang-{batch.program.code}-{batch.pk}-ulang.'
            f'{file_format}"'
        )
        return response

    def file_view(self, request, pk):
        batch = self._batch(request, pk)
        return file_response(request, batch.file, subject="aid.retransferbatch", object_id=pk)
