"""Applications and their status history. Read-only here: status changes only through the
actions, which call aid.services (and so aid.transitions) and report refusals in Indonesian."""

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from aid import jobs as aid_jobs
from aid import money, selectors, services
from aid.forms import (
    RejectForm,
)
from aid.models import (
    Application,
    RegistryConflict,
    StatusChange,
)
from aid.resources import ApplicationResource
from aid.transitions import MoveResult, TransitionRefused
from jobs import selectors as job_selectors
from jobs import services as job_services
from privacy.admin import MaskedIdentityMixin
from privacy.exports import PersonalDataExportAdminMixin
from privacy.masking import can_view_full_identity, mask_phone
from registry.admin_filters import KecamatanFilter, KelurahanFilter, NikOrNameSearchMixin
from umkm_portal.admin import (
    DateRangeFilter,
    LargeTableAdmin,
    ReadOnlyAdminMixin,
    badge,
)


class StatusChangeInline(admin.TabularInline):
    """The application's status history as sentences: "Diusulkan → Terverifikasi, oleh …"."""

    model = StatusChange
    template = "admin/aid/application/status_history.html"
    fields = ["at", "from_status", "to_status", "reason_code", "note", "source", "by"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = _lazy("riwayat status")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")


class OpenDuplicateFilter(admin.SimpleListFilter):
    """Applications named by a possible duplicate that nobody has decided yet."""

    title = _lazy("kemungkinan data ganda")
    parameter_name = "data_ganda"

    def lookups(self, request, model_admin):
        return [
            ("open", _lazy("Ada kemungkinan data ganda")),
            ("none", _lazy("Tanpa tanda data ganda")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(pk__in=selectors.open_duplicate_application_ids())
        if self.value() == "none":
            return queryset.exclude(pk__in=selectors.open_duplicate_application_ids())
        return queryset


class RegistryConflictFilter(admin.SimpleListFilter):
    """Applications whose list gave another name or phone than the registry's."""

    title = _lazy("data registry")
    parameter_name = "data_registry"

    def lookups(self, request, model_admin):
        return [
            ("berbeda", _lazy("Berbeda dengan data registry, belum diputuskan")),
            ("diputuskan", _lazy("Berbeda dengan data registry, sudah diputuskan")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "berbeda":
            return queryset.filter(pk__in=selectors.open_conflict_application_ids())
        if self.value() == "diputuskan":
            return queryset.filter(registry_conflict__isnull=False).exclude(
                registry_conflict__decision=""
            )
        return queryset


class ReadyToTransferAgainFilter(admin.SimpleListFilter):
    """The re-transfer queue: failed transfers whose owner now has another active account."""

    title = _lazy("kirim ulang")
    parameter_name = "kirim_ulang"

    def lookups(self, request, model_admin):
        return [("siap", _lazy("Transfer gagal, rekening lain sudah ada: siap dikirim ulang"))]

    def queryset(self, request, queryset):
        if self.value() == "siap":
            return queryset.filter(pk__in=selectors.ready_to_transfer_again().values("pk"))
        return queryset


class ApplicationKecamatanFilter(KecamatanFilter):
    title = _lazy("kecamatan usaha")
    kecamatan_field = "business__kecamatan"


class ApplicationKelurahanFilter(KelurahanFilter):
    title = _lazy("kelurahan usaha")
    kelurahan_field = "business__kelurahan"


class ProposalListFilter(admin.SimpleListFilter):
    """The most recent lists by name, and any list by its id in the URL (the link on a
    list's review page): the filter never renders thousands of lists."""

    title = _lazy("daftar usulan")
    parameter_name = "daftar"
    shown = 20

    def lookups(self, request, model_admin):
        recent = selectors.recent_proposal_lists(limit=self.shown, including=self.value())
        return [(str(item.pk), str(item)) for item in recent]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if not value.isdigit():
            return queryset.none()
        return queryset.filter(proposal_list_id=int(value))


class ProposedDateFilter(DateRangeFilter):
    title = _lazy("tanggal diusulkan")
    field = "proposed_at"
    parameter_prefix = "diusulkan"


def applications_of_list_url(proposal_list) -> str:
    """The applications list filtered to one proposal list (for its review page)."""
    url = reverse("admin:aid_application_changelist")
    return f"{url}?{ProposalListFilter.parameter_name}={proposal_list.pk}"


@admin.register(Application)
class ApplicationAdmin(
    MaskedIdentityMixin, PersonalDataExportAdminMixin, NikOrNameSearchMixin, LargeTableAdmin
):
    resource_classes = [ApplicationResource]
    nik_field = "owner__nik"
    name_field = "owner__full_name"
    name_owner_path = "owner"
    masked_fields = {"owner__nik": "nik", "proposed_phone": "phone"}
    identity_owner_path = "owner"
    # In the order staff read them; together they fit a 1366-pixel screen beside the filters.
    list_display = [
        "owner",
        "owner__nik",
        "status_badge",
        "program_code",
        "list_name",
        "proposed_on",
    ]
    list_filter = [
        "status",
        "program",
        ProposalListFilter,
        OpenDuplicateFilter,
        RegistryConflictFilter,
        ReadyToTransferAgainFilter,
        ApplicationKecamatanFilter,
        ApplicationKelurahanFilter,
        ProposedDateFilter,
        "proposal_list__proposer_kind",
        "reason_code",
    ]
    list_select_related = ["owner", "program", "proposal_list"]
    search_fields = ["=owner__nik", "owner__full_name"]
    search_help_text = _lazy("Cari dengan NIK lengkap (16 digit) atau sebagian nama pemilik.")
    raw_id_fields = ["owner", "business", "proposal_list"]
    change_form_template = "admin/aid/application/change_form.html"
    readonly_fields = [
        "open_duplicates",
        "status",
        "reason_code",
        "reason_note_words",
        "proposed_at",
        "verified_at",
        "submitted_at",
        "approved_at",
        "transferred_at",
        "transfer_failed_at",
        "withdrawn_at",
        "returned_at",
        "rejected_at",
    ]
    inlines = [StatusChangeInline]
    actions = ["verify", "reject"]

    @admin.display(description=_lazy("catatan alasan"))
    def reason_note_words(self, obj):
        return obj.reason_note_text

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_lazy("status"), ordering="status")
    def status_badge(self, obj):
        shown = badge(obj.get_status_display(), obj.status)
        if obj.reason_code:
            return format_html(
                '{}<span class="reason">{}</span>', shown, obj.get_reason_code_display()
            )
        return shown

    @admin.display(description=_lazy("program"), ordering="program__code")
    def program_code(self, obj):
        return obj.program.code

    @admin.display(description=_lazy("daftar usulan"), ordering="proposal_list__proposer_name")
    def list_name(self, obj):
        return obj.proposal_list.proposer_name if obj.proposal_list_id else "–"

    @admin.display(description=_lazy("diusulkan"), ordering="proposed_at")
    def proposed_on(self, obj):
        return date_format(timezone.localtime(obj.proposed_at), "d-m-Y")

    @admin.display(description=_lazy("kemungkinan data ganda"))
    def open_duplicates(self, obj):
        """The open flags on this application and who the other party is; verification and
        submission wait until each is decided."""
        if obj is None or obj.pk is None:
            return "–"
        flags = selectors.open_duplicates_of(obj)
        if not flags:
            return _("Tidak ada yang terbuka.")
        return format_html(
            "<strong>{}</strong><ul>{}</ul>",
            _("Ditahan sebelum verifikasi dan pengajuan sampai diputuskan:"),
            format_html_join(
                "",
                '<li><a href="{}">{}</a>: {} #{} {}</li>',
                (
                    (
                        reverse("admin:aid_possibleduplicate_change", args=[flag.pk]),
                        flag.get_rules_display(),
                        _("dengan permohonan"),
                        other.pk,
                        other.owner.full_name,
                    )
                    for flag, other in flags
                ),
            ),
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The page, and when the list gave another name or phone than the registry's, both
        side by side (masked as elsewhere) with, while open and for a verifier, the two
        decisions."""
        extra_context = dict(extra_context or {})
        conflict = (
            RegistryConflict.objects.filter(application_id=object_id)
            .select_related("decided_by")
            .first()
            if str(object_id).isdigit()
            else None
        )
        if conflict is not None:
            full = can_view_full_identity(request.user)
            extra_context["registry_conflict"] = {
                "conflict": conflict,
                "registry_phone": conflict.registry_phone
                if full
                else mask_phone(conflict.registry_phone),
                "list_phone": conflict.list_phone if full else mask_phone(conflict.list_phone),
                "can_decide": not conflict.decision and self.has_verify_permission(request),
                "url": reverse("admin:aid_application_registry_conflict", args=[object_id]),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        decide = path(
            "<int:object_id>/data-registry/",
            self.admin_site.admin_view(self.registry_conflict_view),
            name="aid_application_registry_conflict",
        )
        return [decide, *super().get_urls()]

    def registry_conflict_view(self, request, object_id):
        """POST only: "Pakai data registry" or "Pakai data daftar", back to the page."""
        if request.method != "POST":
            return redirect(reverse("admin:aid_application_change", args=[object_id]))
        if not self.has_verify_permission(request):
            raise PermissionDenied
        conflict = RegistryConflict.objects.filter(application_id=object_id).first()
        if conflict is None:
            raise Http404
        decision = request.POST.get("decision", "")
        try:
            services.registry_conflict_decide(
                conflict=conflict,
                decision=decision,
                by=request.user,
                note=request.POST.get("note", "").strip(),
            )
        except (TransitionRefused, ValidationError) as exc:
            message = getattr(exc, "message", None) or "; ".join(exc.messages)
            self.message_user(request, message, messages.ERROR)
        else:
            self.message_user(
                request,
                _("Keputusan dicatat: %(decision)s.")
                % {"decision": RegistryConflict.Decision(decision).label},
                messages.SUCCESS,
            )
        return redirect(reverse("admin:aid_application_change", args=[object_id]))

    def has_verify_permission(self, request):
        return request.user.has_perm("aid.verify_application")

    def save_model(self, request, obj, form, change):
        obj.pk = services.application_create(
            business=form.cleaned_data["business"],
            program=form.cleaned_data["program"],
            proposal_list=form.cleaned_data.get("proposal_list"),
            by=request.user,
            source="admin",
        ).pk

    def _report(self, request, result: MoveResult, verb: str) -> None:
        if result.moved:
            self.message_user(
                request,
                ngettext("%(n)s permohonan %(verb)s.", "%(n)s permohonan %(verb)s.", result.moved)
                % {"n": money.thousands(result.moved), "verb": verb},
                messages.SUCCESS,
            )
        if result.held:
            self.message_user(
                request,
                format_html(
                    '{} <a href="{}">{}</a>',
                    _(
                        "%(n)s permohonan ditahan karena ada kemungkinan data ganda yang belum "
                        "diputuskan."
                    )
                    % {"n": money.thousands(len(result.held))},
                    reverse("admin:aid_possibleduplicate_changelist"),
                    _("Buka antrian kemungkinan data ganda"),
                ),
                messages.WARNING,
            )
        refused = [pk for pk in result.refused if pk not in result.held]
        shown = refused[:20]
        names = dict(Application.objects.filter(pk__in=shown).values_list("pk", "owner__full_name"))
        for pk in shown:
            self.message_user(
                request, f"#{pk} {names.get(pk, '')}: {result.refused[pk]}", messages.ERROR
            )
        if len(refused) > 20:
            self.message_user(
                request,
                _("… dan %(n)s lainnya ditolak.") % {"n": money.thousands(len(refused) - 20)},
                messages.ERROR,
            )

    def _confirmation(
        self, request, queryset, *, action, title, question, submit, form=None, held_back=False
    ):
        """The page that asks before many applications move at once: how many will move, the
        first hundred by name, and (``held_back``: a move an open possible duplicate holds
        back) how many will not, apart."""
        count = queryset.count()
        flagged = (
            queryset.filter(
                Q(pk__in=selectors.open_duplicate_application_ids())
                | Q(pk__in=selectors.open_conflict_application_ids())
            ).count()
            if held_back
            else 0
        )
        return TemplateResponse(
            request,
            "admin/aid/application/confirm_action.html",
            {
                **self.admin_site.each_context(request),
                "title": title,
                "opts": self.model._meta,
                "form": form,
                "action": action,
                "question": question(count - flagged) % {"n": money.thousands(count - flagged)},
                "submit_label": submit,
                "applications": queryset.select_related("owner", "program")[:100],
                "more": max(count - 100, 0),
                "flagged": flagged,
                "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
                "select_across": request.POST.get("select_across", "0"),
            },
        )

    def _as_job(self, request, queryset, kind: str, **params):
        """Many applications move in a background job (in steps, with progress); the same
        selection clicked again while it runs finds the running job."""
        ids = list(queryset.order_by("pk").values_list("pk", flat=True))
        job, created = job_services.start(
            kind=kind,
            key=aid_jobs.bulk_key(kind, ids),
            params={"ids": ids, **params},
            by=request.user,
            total=len(ids),
        )
        if not created:
            self.message_user(
                request,
                _("Pekerjaan ini sedang berjalan untuk pilihan yang sama."),
                messages.WARNING,
            )
        return redirect(job_selectors.job_url(job))

    @admin.action(description=_lazy("Verifikasi permohonan terpilih…"), permissions=["verify"])
    def verify(self, request, queryset):
        if "confirm" not in request.POST:
            return self._confirmation(
                request,
                queryset,
                action="verify",
                title=_("Verifikasi permohonan"),
                question=lambda n: ngettext(
                    "%(n)s permohonan akan diverifikasi.", "%(n)s permohonan akan diverifikasi.", n
                ),
                submit=_("Ya, verifikasi"),
                held_back=True,
            )
        if queryset.count() > settings.JOBS_BULK_INLINE_MAX:
            return self._as_job(request, queryset, aid_jobs.VERIFY)
        result = services.applications_verify(
            applications=queryset, by=request.user, source="admin: verifikasi"
        )
        self._report(request, result, _("diverifikasi"))
        return None

    @admin.action(description=_lazy("Tolak permohonan terpilih…"), permissions=["verify"])
    def reject(self, request, queryset):
        if not self.has_verify_permission(request):
            raise PermissionDenied
        form = RejectForm(request.POST if "confirm" in request.POST else None)
        if form.is_valid():
            if queryset.count() > settings.JOBS_BULK_INLINE_MAX:
                return self._as_job(
                    request,
                    queryset,
                    aid_jobs.REJECT,
                    reason_code=form.cleaned_data["reason_code"],
                    note=form.cleaned_data["note"],
                )
            result = services.applications_reject(
                applications=queryset,
                by=request.user,
                reason_code=form.cleaned_data["reason_code"],
                note=form.cleaned_data["note"],
                source="admin: verifikasi",
            )
            self._report(request, result, _("ditolak"))
            return None
        return self._confirmation(
            request,
            queryset,
            action="reject",
            title=_("Tolak permohonan"),
            question=lambda n: ngettext(
                "%(n)s permohonan akan ditolak.", "%(n)s permohonan akan ditolak.", n
            ),
            submit=_("Tolak"),
            form=form,
        )


@admin.register(StatusChange)
class StatusChangeAdmin(ReadOnlyAdminMixin, LargeTableAdmin):
    list_display = ["at", "application", "from_status", "to_status", "reason_code", "by", "source"]
    fields = ["at", "application", "from_status", "to_status", "reason_code", "note_words"]
    fields += ["source", "by"]
    readonly_fields = fields

    @admin.display(description=_lazy("catatan"))
    def note_words(self, obj):
        return obj.note_text

    list_filter = ["to_status", "reason_code"]
    list_select_related = ["application__owner", "application__program", "by"]
    raw_id_fields = ["application"]
    date_hierarchy = "at"
