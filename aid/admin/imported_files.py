"""Files that come back: the ministry's decision file and the bank's transfer report."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from aid import jobs as aid_jobs
from aid import services
from aid.admin.numbers import grouped
from aid.forms import (
    BankReportForm,
    DecisionFileForm,
)
from aid.importing import returned_files, template_file
from aid.models import (
    BankReport,
    DecisionFile,
)
from jobs import selectors as job_selectors
from privacy import masking
from privacy.admin import file_response
from umkm_portal import content_types, roles
from umkm_portal.admin import ReadOnlyRecordAdmin
from umkm_portal.views import not_your_task


def problems_for(user, problems: list[dict]) -> list[dict]:
    """Refused rows as ``user`` may see them: NIK and any long number in the reason masked
    for staff without the full-identity permission."""
    return [
        {
            **problem,
            "nik": masking.nik_for(user, problem.get("nik") or ""),
            "message": masking.text_for(user, problem.get("message") or ""),
        }
        for problem in problems
    ]


class ImportedFileAdmin(ReadOnlyRecordAdmin):
    """Decision files and bank reports: "add" is the upload, which shows the outcome per row."""

    import_permission = ""
    import_form = None
    columns: dict = {}  # the file's columns (aid.importing.returned_files), for the template download
    required: tuple = ()
    template_name = ""  # the downloaded template's file name, without the extension
    list_filter = ["program"]
    list_select_related = ["program", "uploaded_by"]
    counts = ["rows", "applied", "unchanged", "refused"]
    # The counts as the pages show them, grouped (62.041).
    rows_grouped = grouped(DecisionFile, "rows")
    applied_grouped = grouped(DecisionFile, "applied")
    unchanged_grouped = grouped(DecisionFile, "unchanged")
    refused_grouped = grouped(DecisionFile, "refused")

    def get_list_display(self, request):
        return [
            "pk",
            "original_filename",
            "program",
            "state",
            *(f"{name}_grouped" for name in self.counts),
            "uploaded_by",
            "created_at",
        ]

    def get_fields(self, request, obj=None):
        return [
            "program",
            "original_filename",
            "sha256",
            "state",
            "error",
            *(f"{name}_grouped" for name in self.counts),
            "uploaded_by",
            "created_at",
            "download",
            self._problem_table(request),
        ]

    get_readonly_fields = get_fields

    def has_add_permission(self, request):
        return request.user.has_perm(self.import_permission)

    @admin.display(description=_lazy("berkas asli"))
    def download(self, obj):
        url = reverse(f"admin:aid_{self.model._meta.model_name}_file", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.original_filename)

    def _problem_table(self, request):
        """The problem table as ``request.user`` may see it (one callable per request, so the
        fields and the read-only fields agree)."""
        cache = request.__dict__.setdefault("_problem_tables", {})
        if id(self) not in cache:

            @admin.display(description=_lazy("baris bermasalah"))
            def problem_table(obj):
                return render_to_string(
                    "admin/aid/problems.html",
                    {"problems": problems_for(request.user, obj.problems)},
                )

            cache[id(self)] = problem_table
        return cache[id(self)]

    def get_urls(self):
        name = f"aid_{self.model._meta.model_name}"
        return [
            path("<int:pk>/file/", self.admin_site.admin_view(self.file_view), name=f"{name}_file"),
            path(
                "templat.<str:fmt>",
                self.admin_site.admin_view(self.template_view),
                name=f"{name}_template",
            ),
            *super().get_urls(),
        ]

    def template_view(self, request, fmt):
        """A blank file with the columns this import reads and one example row."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        keys = [*self.required, *(key for key in self.columns if key not in self.required)]
        headers = [returned_files.LABELS[key] for key in keys]
        example = [returned_files.EXAMPLE[key] for key in keys]
        if fmt == "xlsx":
            content = template_file.table_xlsx(
                str(self.model._meta.verbose_name).capitalize()[:31],
                headers,
                example,
                text_columns=[key in returned_files.TEXT_COLUMNS for key in keys],
            )
            content_type = content_types.XLSX
        elif fmt == "csv":
            content, content_type = template_file.table_csv(headers, example), content_types.CSV
        else:
            raise Http404
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{self.template_name}.{fmt}"'
        return response

    def file_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        record = get_object_or_404(self.model, pk=pk)
        return file_response(
            request, record.file, subject=self.model._meta.label_lower, object_id=pk
        )

    def run_import(self, request, data: dict, *, filename: str, file):
        raise NotImplementedError

    # Why the work belongs to the roles that hold import_permission (shown to the others).
    duty_note = ""

    def changelist_view(self, request, extra_context=None):
        if not self.has_add_permission(request):
            # Staff who read these files but do not import them see who does, instead of a
            # missing "add" button and nothing else.
            self.message_user(
                request,
                _("%(what)s diimpor oleh peran %(roles)s.")
                % {
                    "what": str(self.model._meta.verbose_name_plural).capitalize(),
                    "roles": ", ".join(roles.roles_with(self.import_permission))
                    or _("admin Dinas"),
                },
                messages.INFO,
            )
        return super().changelist_view(request, extra_context)

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            if not self.has_view_permission(request):
                raise PermissionDenied
            return not_your_task(
                request,
                permission=self.import_permission,
                task=_("Impor %(what)s") % {"what": self.model._meta.verbose_name},
                why=str(self.duty_note),
                admin_context=self.admin_site.each_context(request),
            )
        form = self.import_form(request.POST or None, request.FILES or None)
        record = None
        if request.method == "POST" and form.is_valid():
            data = dict(form.cleaned_data)
            upload = data.pop("file")
            data["commit"] = not data.pop("dry_run")
            try:
                record = self.run_import(request, data, filename=upload.name, file=upload)
            except ValidationError as exc:
                form.add_error("file", exc.messages[0])
            else:
                if record.state != record.State.DONE:
                    return self._queued(request, record)
        return TemplateResponse(
            request,
            "admin/aid/import.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Impor %(what)s") % {"what": self.model._meta.verbose_name},
                "opts": self.model._meta,
                "form": form,
                "record": record,
                "problems": problems_for(request.user, record.problems) if record else [],
                "submit_label": _("Impor berkas"),
                "template_url_name": f"admin:aid_{self.model._meta.model_name}_template",
                "counts": [
                    (self.model._meta.get_field(name).verbose_name, getattr(record, name))
                    for name in self.counts
                ]
                if record
                else [],
            },
        )

    def _queued(self, request, record):
        """A big file was kept and handed to a background job: its progress page shows the
        job (and links to the outcome per row once done)."""
        self.message_user(
            request,
            _("Berkas %(name)s diterima dan diproses di latar belakang.")
            % {"name": record.original_filename},
            messages.INFO,
        )
        job = job_selectors.latest_for_key(aid_jobs.imported_file_key(record))
        if job is None:
            return redirect(f"admin:aid_{self.model._meta.model_name}_change", record.pk)
        return redirect(job_selectors.job_url(job))


@admin.register(DecisionFile)
class DecisionFileAdmin(ImportedFileAdmin):
    import_permission = "aid.record_decision"
    duty_note = _lazy(
        "Yang mengajukan permohonan ke Kementerian (Verifikator) tidak mencatat keputusan atas "
        "pengajuannya sendiri: keputusan dicatat orang kedua."
    )
    import_form = DecisionFileForm
    columns, required = returned_files.DECISION_COLUMNS, returned_files.DECISION_REQUIRED
    template_name = "templat-keputusan"
    counts = ["rows", "applied", "unchanged", "refused", "not_approved"]
    not_approved_grouped = grouped(DecisionFile, "not_approved")

    def run_import(self, request, data, *, filename, file):
        return services.decision_file_import(by=request.user, filename=filename, file=file, **data)


@admin.register(BankReport)
class BankReportAdmin(ImportedFileAdmin):
    import_permission = "aid.reconcile_disbursement"
    import_form = BankReportForm
    columns, required = returned_files.BANK_COLUMNS, returned_files.BANK_REQUIRED
    template_name = "templat-laporan-bank"

    def run_import(self, request, data, *, filename, file):
        return services.bank_report_import(by=request.user, filename=filename, file=file, **data)
