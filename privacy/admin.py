from django.contrib import admin

from privacy.models import AccessLog


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    """Read-only: the record cannot be edited or deleted from the admin."""

    list_display = ["at", "user", "action", "subject", "object_id", "rows", "full_identity"]
    list_filter = ["action", "subject", "full_identity"]
    list_select_related = ["user"]
    search_fields = ["user__username", "=object_id"]
    date_hierarchy = "at"
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
