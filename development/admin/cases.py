"""Staff admin for case follow-up: who follows a business, the visits, what is overdue."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from development import cases, services
from development.models import CaseAssignment, Visit
from umkm_portal.service_admin import ServiceSaveMixin, apply_service_error


class OverdueFollowUpFilter(admin.SimpleListFilter):
    title = _("tindak lanjut")
    parameter_name = "tindak_lanjut"

    def lookups(self, request, model_admin):
        return [("lewat", _("Lewat tanggal, belum dikunjungi lagi"))]

    def queryset(self, request, queryset):
        if self.value() == "lewat":
            return queryset.filter(pk__in=cases.overdue_followups().values("pk"))
        return queryset


class StaleReferralFilter(admin.SimpleListFilter):
    title = _("menunggu penyalur")
    parameter_name = "menunggu"

    def lookups(self, request, model_admin):
        from django.conf import settings

        return [
            (
                "lama",
                _("Masih dirujuk %(days)s hari atau lebih")
                % {"days": settings.REFERRAL_STALE_DAYS},
            )
        ]

    def queryset(self, request, queryset):
        if self.value() == "lama":
            return queryset.filter(pk__in=cases.stale_referrals().values("pk"))
        return queryset


def _staff_choices(form):
    field = form.base_fields.get("pendamping")
    if field is not None:
        field.queryset = get_user_model().objects.filter(is_staff=True, is_active=True)


@admin.register(CaseAssignment)
class CaseAssignmentAdmin(ServiceSaveMixin, SimpleHistoryAdmin):
    list_display = ["business", "pendamping", "assigned_on"]
    list_filter = ["pendamping"]
    list_select_related = ["business", "pendamping"]
    search_fields = ["business__name", "=business__owner__nik", "business__owner__full_name"]
    autocomplete_fields = ["business"]
    fields = ["business", "pendamping", "assigned_on", "note"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        _staff_choices(form)
        return form

    def save_with_service(self, request, obj, data, change):
        return services.case_assign(by=request.user, **data)


@admin.register(Visit)
class VisitAdmin(admin.ModelAdmin):
    list_display = ["business", "visited_on", "next_action", "next_action_on", "by"]
    list_filter = [OverdueFollowUpFilter, "by"]
    list_select_related = ["business", "by"]
    search_fields = ["business__name", "=business__owner__nik", "business__owner__full_name"]
    autocomplete_fields = ["business"]
    date_hierarchy = "visited_on"
    fields = ["business", "visited_on", "done", "next_action", "next_action_on"]

    def has_change_permission(self, request, obj=None):
        # A visit is a record: a correction is a new visit.
        return False if obj is not None else super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_form(self, request, obj=None, **kwargs):
        form_class = super().get_form(request, obj, **kwargs)

        class VisitForm(form_class):
            def _post_clean(self):
                # Not ServiceSaveMixin: the model's own validation would refuse a next action
                # dated before the visit with the constraint's generic words; the service
                # says what to fix, so it alone decides (dates, words) and saves.
                if self.errors:
                    return
                try:
                    self.instance = services.visit_record(by=request.user, **self.cleaned_data)
                except ValidationError as error:
                    apply_service_error(self, error)

        return VisitForm

    def save_model(self, request, obj, form, change):
        pass  # saved by the service in the form's clean step
