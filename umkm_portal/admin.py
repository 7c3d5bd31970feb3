"""Admin building blocks shared by the apps (the apps register their own models).

Only what needs no app of the project: the registry's search and region filters live in
``registry/admin_filters.py``, the download of kept files in ``privacy/admin.py``.
"""

import datetime

from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext

from umkm_portal.paginators import EstimatedCountPaginator


class ReadOnlyAdminMixin:
    """Reference data and records of what happened: viewed in the admin, never added, changed
    or deleted there."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RecordInline(admin.TabularInline):
    """Records shown on their parent's page as they are (its members, its businesses, its
    history): every field read-only, never added or removed there."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False


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
    (see umkm_portal.paginators); small lists are counted exactly.
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


class ReadOnlyRecordAdmin(LargeTableAdmin):
    """Records of what happened: viewed, never changed or deleted from the admin."""

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class LabelledAutocompleteJsonView(AutocompleteJsonView):
    """The admin's autocomplete, where a model admin may say more than ``str(obj)`` about
    each match: ``autocomplete_label(request, obj)`` (three "Warung sembako Rahmi" need their
    owner and kecamatan to be told apart) and ``autocomplete_select_related`` (the relations
    the label reads, fetched in the same query)."""

    def get_queryset(self):
        queryset = super().get_queryset()
        related = getattr(self.model_admin, "autocomplete_select_related", None)
        if related:
            queryset = queryset.select_related(*related)
        # Paged: a model without a default ordering is put in one, so pages neither repeat
        # nor skip a match.
        return queryset if queryset.ordered else queryset.order_by("pk")

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        label = getattr(self.model_admin, "autocomplete_label", None)
        if label is not None:
            result["text"] = str(label(self.request, obj))
        return result


def autocomplete_widget(model, field_name: str, admin_site=None):
    """The admin's autocomplete widget for ``model.field_name``, for a form of our own (a
    page beside the change form), searching like the related model's admin."""
    from django.contrib.admin.widgets import AutocompleteSelect

    return AutocompleteSelect(model._meta.get_field(field_name), admin_site or admin.site)


def autocomplete_view(request):
    """Served at the admin's own autocomplete URL (umkm_portal/urls.py), before it."""
    view = LabelledAutocompleteJsonView.as_view(admin_site=admin.site)
    return admin.site.admin_view(view)(request)
