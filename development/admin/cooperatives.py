"""Admin of cooperatives and their members."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from development import services
from development.models import (
    Cooperative,
    Membership,
)
from privacy.admin import MaskedIdentityMixin
from umkm_portal.admin import LargeTableAdmin, RecordInline
from umkm_portal.service_admin import ServiceSaveMixin


class MembershipInline(RecordInline):
    model = Membership
    fields = ["owner", "role", "since", "ended_on"]
    show_change_link = True


@admin.register(Cooperative)
class CooperativeAdmin(ServiceSaveMixin, SimpleHistoryAdmin):
    list_display = ["name", "legal_number", "kecamatan", "is_active", "proposer"]
    list_filter = ["is_active", "kecamatan"]
    search_fields = ["name", "legal_number"]
    fields = ["name", "legal_number", "kecamatan", "is_active", "proposer"]
    inlines = [MembershipInline]

    def save_with_service(self, request, obj, data, change):
        if change:
            original = Cooperative.objects.get(pk=obj.pk)
            return services.cooperative_update(cooperative=original, by=request.user, **data)
        return services.cooperative_create(by=request.user, **data)


@admin.register(Membership)
class MembershipAdmin(ServiceSaveMixin, MaskedIdentityMixin, LargeTableAdmin):
    list_display = ["owner", "owner__nik", "cooperative", "role", "since", "ended_on"]
    masked_fields = {"owner__nik": "nik"}
    identity_owner_path = "owner"
    list_filter = ["cooperative", "role"]
    list_select_related = ["owner", "cooperative"]
    search_fields = ["=owner__nik", "owner__full_name", "cooperative__name"]
    autocomplete_fields = ["owner", "cooperative"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["cooperative", "owner", "role", "since"]
        return super().get_fields(request, obj)

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if obj is None:
            return fields
        return [*fields, "cooperative", "owner", "role", "since", "by"]

    def save_with_service(self, request, obj, data, change):
        if change:
            if data.get("ended_on") and data["ended_on"] != obj.ended_on:
                original = Membership.objects.get(pk=obj.pk)
                return services.membership_end(
                    membership=original, ended_on=data["ended_on"], by=request.user
                )
            return Membership.objects.get(pk=obj.pk)
        return services.membership_add(by=request.user, **data)
