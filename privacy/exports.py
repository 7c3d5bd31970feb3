"""Exports of personal data: masked unless the user may see full identities, always logged.

Every export of owners, businesses, applications and disbursements, from the admin or from
``manage.py export_data``, goes through a :class:`PersonalDataResource`. It masks the columns
named in ``masks`` unless the user holds both ``registry.view_full_identity`` and
``privacy.export_identities`` (a bulk export is its own permission), escapes text that a
spreadsheet would run as a formula (:func:`umkm_portal.spreadsheets.safe_cell`), and writes one
:class:`~privacy.models.AccessLog` row per export: who, when, what and how many rows.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from import_export import resources
from import_export.admin import ExportActionMixin
from import_export.formats.base_formats import CSV, XLSX

from privacy import masking
from privacy.models import AccessLog
from privacy.services import access_log_record
from umkm_portal.spreadsheets import safe_cell


class PersonalDataResource(resources.ModelResource):
    #: field name → masking function, applied unless the user may see full identities
    masks: dict[str, Callable[[str], str]] = {}
    #: joins that every exported row needs, so that an export is one query per chunk
    select_related: tuple[str, ...] = ()

    def __init__(self, user=None, source: str = "", **kwargs):
        super().__init__(**kwargs)
        self.user = user
        self.source = source
        self.full_identity = masking.can_export_full_identity(user)

    def filter_export(self, queryset, **kwargs):
        return super().filter_export(queryset, **kwargs).select_related(*self.select_related)

    def export_field(self, field, instance, **kwargs):
        """The value as the user may see it, never a live spreadsheet formula."""
        value = super().export_field(field, instance, **kwargs)
        mask = self.masks.get(self.get_field_name(field))
        if mask is not None and not self.full_identity and isinstance(value, str):
            value = mask(value)
        return safe_cell(value)

    def after_export(self, queryset, dataset, **kwargs):
        super().after_export(queryset, dataset, **kwargs)
        # The sheet's name in XLSX ("Tablib Dataset" otherwise); Excel allows 31 characters.
        dataset.title = str(self._meta.model._meta.verbose_name_plural).capitalize()[:31]
        access_log_record(
            user=self.user,
            action=AccessLog.Action.EXPORT,
            subject=self._meta.model._meta.label_lower,
            rows=len(dataset),
            full_identity=self.full_identity,
            detail=self.source,
        )


class PersonalDataExportAdminMixin(ExportActionMixin):
    """Admin export (button and action) in CSV or XLSX through a PersonalDataResource:
    identities unmasked only with ``privacy.export_identities``, every export logged."""

    export_formats = [CSV, XLSX]

    def get_actions(self, request):
        # django-import-export names its action in English; it has no Indonesian catalogue.
        actions = super().get_actions(request)
        if "export_admin_action" in actions:
            function, name, _description = actions["export_admin_action"]
            actions["export_admin_action"] = (
                function,
                name,
                _lazy("Ekspor %(verbose_name_plural)s terpilih"),
            )
        return actions

    def init_request_context_data(self, request, form):
        context = super().init_request_context_data(request, form)
        context["title"] = _("Ekspor")
        return context

    def get_export_resource_kwargs(self, request, **kwargs):
        return {"user": request.user, "source": "admin"}
