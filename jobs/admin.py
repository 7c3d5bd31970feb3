"""The job list (running and failed first) and the one progress page of every job."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from jobs import kinds, selectors, services
from jobs.models import Job
from umkm_portal.admin import LargeTableAdmin, badge

BADGES = {
    Job.State.QUEUED: "proposed",
    Job.State.RUNNING: "verified",
    Job.State.DONE: "transferred",
    Job.State.FAILED: "rejected",
    Job.State.CANCELLED: "returned",
}


@admin.register(Job)
class JobAdmin(LargeTableAdmin):
    list_display = [
        "title_link",
        "state_badge",
        "phase_text",
        "progress",
        "started_by",
        "created_at",
    ]
    list_display_links = None
    list_filter = ["state"]
    search_fields = ["key"]

    # Every member of staff sees the jobs they started (and those of kinds they may run);
    # nobody edits or deletes a job from the admin.
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        if not (request.user.is_active and request.user.is_staff):
            return False
        return obj is None or selectors.visible_to(request.user).filter(pk=obj.pk).exists()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return selectors.visible_to(request.user)

    def get_ordering(self, request):
        return []  # visible_to orders running, queued, failed first

    @admin.display(description=_lazy("pekerjaan"))
    def title_link(self, obj):
        return format_html('<a href="{}">{}</a>', selectors.job_url(obj), str(obj))

    @admin.display(description=_lazy("status"), ordering="state")
    def state_badge(self, obj):
        return badge(obj.get_state_display(), BADGES.get(obj.state, "proposed"))

    @admin.display(description=_lazy("tahap"))
    def phase_text(self, obj):
        return kinds.phase_label(obj.kind, obj.phase) if obj.phase else "-"

    @admin.display(description=_lazy("kemajuan"))
    def progress(self, obj):
        total = max(obj.total, obj.done)
        if not total:
            return "-"
        return f"{number_format(obj.done, force_grouping=True)} / {number_format(total, force_grouping=True)}"

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/", view(self.progress_view), name="jobs_job_progress"),
            path("<int:pk>/status.json", view(self.status_view), name="jobs_job_status"),
            path("<int:pk>/coba-lagi/", view(self.retry_view), name="jobs_job_retry"),
            path("<int:pk>/antrekan-ulang/", view(self.requeue_view), name="jobs_job_requeue"),
            path("<int:pk>/batalkan/", view(self.cancel_view), name="jobs_job_cancel"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return redirect("admin:jobs_job_progress", object_id)

    def _job(self, request, pk) -> Job:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(selectors.visible_to(request.user), pk=pk)

    def progress_view(self, request, pk):
        job = self._job(request, pk)
        shown = selectors.status(job)
        kind = kinds.get(job.kind)
        context = {
            **self.admin_site.each_context(request),
            "title": str(job),
            "opts": self.model._meta,
            "job": job,
            "shown": shown,
            "can_retry": job.state in (Job.State.FAILED, Job.State.CANCELLED),
            "can_requeue": job.is_live and shown["stale"],
            "can_cancel": job.state == Job.State.QUEUED
            or (job.state == Job.State.RUNNING and (shown["stale"] or (kind and kind.cancellable))),
        }
        return TemplateResponse(request, "admin/jobs/job/progress.html", context)

    def status_view(self, request, pk):
        return JsonResponse(selectors.status(self._job(request, pk)))

    def _post(self, request, pk, action, done: str):
        job = self._job(request, pk)
        if request.method != "POST":
            return redirect("admin:jobs_job_progress", pk)
        try:
            result = action(job)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return redirect("admin:jobs_job_progress", pk)
        self.message_user(request, done, messages.SUCCESS)
        return redirect("admin:jobs_job_progress", result.pk)

    def retry_view(self, request, pk):
        return self._post(
            request,
            pk,
            lambda job: services.retry(job=job, by=request.user),
            _("Pekerjaan dimulai lagi."),
        )

    def requeue_view(self, request, pk):
        return self._post(
            request,
            pk,
            lambda job: services.requeue(job=job, by=request.user),
            _("Pekerjaan diantrekan ulang."),
        )

    def cancel_view(self, request, pk):
        return self._post(
            request,
            pk,
            lambda job: services.cancel(job=job, by=request.user),
            _("Pekerjaan dibatalkan."),
        )
