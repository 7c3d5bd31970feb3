from django.contrib import admin
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import FileResponse, Http404
from django.urls import reverse
from simple_history.template_utils import HistoricalRecordContextHelper

from privacy import masking
from privacy.models import AccessLog
from privacy.services import access_log_record
from umkm_portal.admin import ReadOnlyAdminMixin


def _follow(obj, path: str):
    if obj is None:  # a change page of an object that is not there
        return None
    for part in path.split("__"):
        try:
            obj = getattr(obj, part)
        except ObjectDoesNotExist:
            return None
        if obj is None:
            return None
    return obj


class MaskedIdentityMixin:
    """Show NIKs, phone and account numbers masked to staff without the full-identity permission.

    ``masked_fields`` maps a field (or ``owner__nik``-style path) to its kind in
    :data:`privacy.masking.MASKS`. In the list, each such column shows the value as the user
    may see it. On the change and view pages a user without the permission never receives the
    raw value: the field is replaced by a read-only, masked display (an add page has nothing
    to reveal and is left alone). Searching by the exact value still works, since the search
    runs in the database.

    ``identity_owner_path`` (``""`` for the owner itself, ``"owner"``, ``"application__owner"``)
    links the change page to the owner's logged "Lihat identitas lengkap" page.

    On a django-simple-history admin the history page's changes ("NIK: old → new") are
    masked the same way.
    """

    masked_fields: dict[str, str] = {}
    identity_owner_path: str | None = None
    change_form_template = "admin/privacy/change_form.html"

    def _display(self, request, path: str):
        """One display callable per request and field, so get_fields and the form agree."""
        cache = request.__dict__.setdefault("_masked_displays", {})
        key = (id(self), path)
        if key not in cache:
            kind = self.masked_fields[path]
            field = self.model._meta
            for part in path.split("__")[:-1]:
                field = field.get_field(part).related_model._meta
            label = field.get_field(path.split("__")[-1]).verbose_name

            def display(obj):
                value = _follow(obj, path)
                return masking.value_for(request.user, kind, value or "") or "-"

            display.short_description = label
            display.admin_order_field = path
            display.__name__ = f"masked_{path}"
            cache[key] = display
        return cache[key]

    def get_list_display(self, request):
        return [
            self._display(request, name) if name in self.masked_fields else name
            for name in super().get_list_display(request)
        ]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        # Values of related rows (owner__nik) are shown read-only to everyone, as allowed.
        related = [self._display(request, n) for n in self.masked_fields if "__" in n]
        if obj is None:
            return fields
        if masking.can_view_full_identity(request.user):
            return [*fields, *related]
        # The raw fields are read-only (so never a form input), and shown through the mask.
        own = [n for n in self.masked_fields if "__" not in n]
        hidden = [n for n in own if n not in fields]
        return [*fields, *hidden, *(self._display(request, n) for n in own), *related]

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if obj is None or masking.can_view_full_identity(request.user):
            return fields
        displays = {self._display(request, name) for name in self.masked_fields}
        shown = []
        for name in fields:
            if name in displays:
                continue
            if isinstance(name, str) and name in self.masked_fields:
                shown.append(self._display(request, name))
            else:
                shown.append(name)
        return shown

    def get_historical_record_context_helper(self, request, historical_record):
        helper = super().get_historical_record_context_helper(request, historical_record)
        if masking.can_view_full_identity(request.user):
            return helper
        kinds = {name: kind for name, kind in self.masked_fields.items() if "__" not in name}
        return _MaskedHistoryHelper(helper.model, helper.record, kinds=kinds)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        if self.identity_owner_path is not None and masking.can_view_full_identity(request.user):
            obj = self.get_object(request, object_id)
            owner_id = (
                _follow(obj, f"{self.identity_owner_path}__pk")
                if self.identity_owner_path
                else getattr(obj, "pk", None)
            )
            if owner_id is not None:
                extra_context["full_identity_url"] = reverse(
                    "admin:registry_owner_identity", args=[owner_id]
                )
        return super().change_view(request, object_id, form_url, extra_context)


class _MaskedHistoryHelper(HistoricalRecordContextHelper):
    """The history page's old and new values, masked for the fields in ``kinds``."""

    def __init__(self, model, record, *, kinds: dict[str, str]):
        super().__init__(model, record)
        self.kinds = kinds

    def prepare_delta_change_value(self, change, value):
        kind = self.kinds.get(change.field)
        if kind is None:
            return super().prepare_delta_change_value(change, value)
        return masking.MASKS[kind](value or "")


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: the record cannot be edited or deleted from the admin."""

    list_display = ["at", "user", "action", "subject", "object_id", "rows", "full_identity"]
    list_filter = ["action", "subject", "full_identity"]
    list_select_related = ["user"]
    search_fields = ["user__username", "=object_id"]
    date_hierarchy = "at"
    show_full_result_count = False


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
