"""Admin building blocks shared by the apps (the apps register their own models)."""

from django.contrib import admin
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from privacy import masking
from privacy.models import AccessLog
from privacy.services import access_log_record
from registry import selectors
from registry.paginators import EstimatedCountPaginator


class ReadOnlyAdminMixin:
    """Reference data and records of what happened: viewed in the admin, never added, changed
    or deleted there."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class NikOrNameSearchMixin:
    """A 16-digit term searches the NIK exactly (an index hit); anything else the name.

    Django's default would OR every term over every search field, which scans the whole
    table for each NIK lookup.

    Lists of rows that belong to an owner (applications) set ``name_owner_path``: a name
    search then looks the owners up first, on the owners' trigram index, and filters the
    rows by those owners' ids, which the foreign key's index serves. Joined in one query,
    the planner would have to guess how many owners match a fragment of a name, and it
    guesses badly in both directions (reading a million applications backwards for a rare
    name, or every matching owner for a common one). When more than ``name_owner_bound``
    owners match, the name is common: the rows are filtered through the join, where the
    newest matches come first without reading them all.
    """

    nik_field = "nik"
    name_field = "full_name"
    name_owner_path: str | None = None
    name_owner_bound = 5000

    def get_search_results(self, request, queryset, search_term):
        term = "".join(search_term.split()).lstrip("'")
        if term.isdigit() and len(term) == 16:
            return queryset.filter(**{self.nik_field: term}), False
        name = search_term.strip()
        if not name:
            return queryset, False
        if self.name_owner_path is not None:
            ids = selectors.owner_ids_by_name(name, bound=self.name_owner_bound)
            if ids is not None:
                return queryset.filter(**{f"{self.name_owner_path}__in": ids}), False
        return queryset.filter(**{f"{self.name_field}__icontains": name}), False


class KecamatanFilter(admin.SimpleListFilter):
    """Filter by kecamatan; ``kecamatan_field`` is the path to the kecamatan foreign key."""

    title = _("kecamatan")
    parameter_name = "kecamatan"
    kecamatan_field = "kelurahan__parent"

    def lookups(self, request, model_admin):
        return selectors.kecamatan_choices()

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        # A value typed into the URL that names no kecamatan filters to nothing (it used to
        # reach the database as a non-number and answer 500).
        if not value.isdigit() or int(value) not in dict(self.lookup_choices):
            return queryset.none()
        return self.filter_by(queryset, int(value))

    def filter_by(self, queryset, kecamatan_id: int):
        """Rows in the kecamatan (overridden where the path is not one foreign key)."""
        return queryset.filter(**{f"{self.kecamatan_field}_id": kecamatan_id})


class LargeTableAdmin(admin.ModelAdmin):
    """Defaults for tables that grow to millions of rows: no full count, fixed page size.

    The paginator estimates the count of large lists on PostgreSQL instead of counting them
    (see registry.paginators); small lists are counted exactly.
    """

    show_full_result_count = False
    list_per_page = 50
    paginator = EstimatedCountPaginator

    def action_checkbox(self, obj):
        """The row's selection checkbox, as Django renders it, without the template engine.

        Django renders a form widget template for each row's checkbox: a third of the time
        of a 50-row page. The markup here is the same (tests/registry/test_large_lists.py).
        """
        label = format_html(gettext("Select this object for an action - {}"), str(obj))
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            str(obj.pk),
            label,
        )


def file_response(request, field_file, *, subject: str, object_id) -> FileResponse:
    """Send a kept file (they hold NIKs and accounts) and record who downloaded it.

    A kept file cannot be masked, so staff without the full-identity permission (Pimpinan)
    are refused it.
    """
    if not masking.can_view_full_identity(request.user):
        raise PermissionDenied
    if not field_file:
        raise Http404
    access_log_record(
        user=request.user,
        action=AccessLog.Action.DOWNLOAD,
        subject=subject,
        object_id=object_id,
        full_identity=True,
        detail=field_file.name,
    )
    return FileResponse(
        field_file.open("rb"), as_attachment=True, filename=field_file.name.rsplit("/", 1)[-1]
    )


class ReadOnlyRecordAdmin(LargeTableAdmin):
    """Records of what happened: viewed, never changed or deleted from the admin."""

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
