"""Admin search and filters that other apps' admins reuse for rows tied to owners and regions:
the NIK-or-name search and the kecamatan and kelurahan filters."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from registry import selectors


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
