"""Admin building blocks shared by the apps (the apps register their own models)."""

import datetime

from django.contrib import admin
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.utils import timezone
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


class KelurahanFilter(admin.SimpleListFilter):
    """Filter by kelurahan, shown once a kecamatan is chosen (that kecamatan's kelurahan:
    a handful, not all 56); ``kelurahan_field`` is the path to the kelurahan foreign key."""

    title = _("kelurahan")
    parameter_name = "kelurahan"
    kelurahan_field = "kelurahan"
    kecamatan_parameter = "kecamatan"

    def lookups(self, request, model_admin):
        kecamatan = request.GET.get(self.kecamatan_parameter, "")
        return selectors.kelurahan_choices(
            kecamatan=int(kecamatan) if kecamatan.isdigit() else None,
            including=int(self.value()) if (self.value() or "").isdigit() else None,
        )

    def has_output(self):
        # A value in the URL is applied (Django applies only filters that show).
        return bool(self.lookup_choices) or self.value() is not None

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if not value.isdigit():
            return queryset.none()
        return queryset.filter(**{f"{self.kelurahan_field}_id": int(value)})


class DateRangeFilter(admin.ListFilter):
    """From-and-to dates on one date-time field (``field``), typed into two date inputs.

    No query of its own, unlike ``date_hierarchy``, which reads the distinct years and
    months of the whole filtered table on every page. Both dates are inclusive, in local
    time; a date that cannot be read is ignored.
    """

    template = "admin/date_range_filter.html"
    field: str = ""
    parameter_prefix: str = ""

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        for name in self.expected_parameters():
            if name in params:
                self.used_parameters[name] = params.pop(name)[-1]

    def expected_parameters(self):
        return [f"{self.parameter_prefix}_dari", f"{self.parameter_prefix}_sampai"]

    def has_output(self):
        return True

    def _date(self, name) -> datetime.date | None:
        try:
            return datetime.date.fromisoformat(self.used_parameters.get(name, "").strip())
        except ValueError:
            return None

    def _start_of(self, day: datetime.date) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))

    def queryset(self, request, queryset):
        start, end = (self._date(name) for name in self.expected_parameters())
        if start:
            queryset = queryset.filter(**{f"{self.field}__gte": self._start_of(start)})
        if end:
            next_day = self._start_of(end + datetime.timedelta(days=1))
            queryset = queryset.filter(**{f"{self.field}__lt": next_day})
        return queryset

    def choices(self, changelist):
        """One "choice": what the template's small form needs."""
        start, end = self.expected_parameters()
        yield {
            "start_name": start,
            "end_name": end,
            "start": self.used_parameters.get(start, ""),
            "end": self.used_parameters.get(end, ""),
            "selected": bool(self.used_parameters),
            # The other filters and the search stay as they are when the dates change.
            "keep": [
                (name, value)
                for name, value in changelist.params.items()
                if name not in (start, end)
            ],
            "clear": changelist.get_query_string(remove=[start, end]),
        }


def badge(text, kind: str):
    """A status as a coloured label that also says it in words (admin-desk.css)."""
    return format_html('<span class="badge badge-{}">{}</span>', kind, text)


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
