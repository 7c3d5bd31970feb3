from django.contrib import admin

from public.models import StatusLookup
from public.services import nik_digest
from umkm_portal.admin import ReadOnlyAdminMixin


@admin.register(StatusLookup)
class StatusLookupAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only. Searching a 16-digit NIK finds its rows by hash; the NIK is never stored."""

    list_display = ["at", "outcome", "client_ip", "nik_hash"]
    list_filter = ["outcome"]
    search_fields = ["=client_ip"]
    date_hierarchy = "at"
    show_full_result_count = False
    list_per_page = 100

    def get_search_results(self, request, queryset, search_term):
        term = "".join(search_term.split())
        if term.isdigit() and len(term) == 16:
            return queryset.filter(nik_hash=nik_digest(term)), False
        return super().get_search_results(request, queryset, search_term)
