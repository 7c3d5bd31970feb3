"""Staff admin for the registry. Declarative; every save goes through registry.services."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from privacy import masking
from privacy.admin import MaskedIdentityMixin
from privacy.exports import PersonalDataExportAdminMixin
from privacy.models import AccessLog
from privacy.services import access_log_record
from registry import admin_merges, selectors, services
from registry.admin_filters import KecamatanFilter, NikOrNameSearchMixin
from registry.forms import BankAccountForm, NikCorrectionForm, OwnerForm
from registry.models import (
    Bank,
    BankAccount,
    Business,
    NikCorrection,
    Owner,
    OwnerMerge,
    OwnerPairDismissal,
    Region,
)
from registry.resources import BusinessResource, OwnerResource
from umkm_portal.admin import (
    LargeTableAdmin,
    ReadOnlyAdminMixin,
    ReadOnlyRecordAdmin,
    RecordInline,
    badge,
)


@admin.register(Region)
class RegionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["name", "code"]
    list_select_related = ["parent"]


@admin.register(Bank)
class BankAdmin(admin.ModelAdmin):
    list_display = ["code", "short_name", "name"]
    search_fields = ["code", "short_name", "name"]


class BusinessInline(RecordInline):
    model = Business
    fields = ["name", "sector", "nib", "kecamatan", "kelurahan", "size_class"]
    show_change_link = True


@admin.register(Owner)
class OwnerAdmin(
    MaskedIdentityMixin,
    PersonalDataExportAdminMixin,
    NikOrNameSearchMixin,
    SimpleHistoryAdmin,
    LargeTableAdmin,
):
    form = OwnerForm
    resource_classes = [OwnerResource]
    # The export button's list + the link to the duplicate-owner queue (registry.admin_merges)
    import_export_change_list_template = "admin/registry/owner/change_list.html"
    list_display = ["full_name", "nik", "sex", "birth_date", "phone", "kelurahan"]
    masked_fields = {"nik": "nik", "kk_number": "nik", "phone": "phone"}
    identity_owner_path = ""
    list_filter = [KecamatanFilter, "sex", "lives_in_bekasi"]
    list_select_related = ["kelurahan__parent"]
    search_fields = ["=nik", "full_name"]
    search_help_text = _(
        "Cari dengan NIK (lengkap, atau 6 digit awal atau lebih), nomor HP (08…, +628…) atau nama."
    )
    autocomplete_fields = ["kelurahan"]
    readonly_fields = [
        "sex",
        "birth_date",
        "merged_into",
        "created_at",
        "updated_at",
        "applications",
    ]
    inlines = [BusinessInline]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_merge_owners": request.user.has_perm(services.MERGE_OWNER),
        }
        return super().changelist_view(request, extra_context)

    def get_search_results(self, request, queryset, search_term):
        """Ranked: exact NIK, NIK prefix, phone, then names by similarity
        (registry.selectors.owner_search)."""
        return selectors.owner_search(search_term, owners=queryset), False

    @admin.display(description=_("permohonan bantuan"))
    def applications(self, obj):
        if obj is None or obj.pk is None:
            return "–"
        rows = selectors.owner_applications(obj)
        if not rows:
            return _("Belum pernah diusulkan.")
        return format_html(
            '<table class="owner-applications"><thead><tr><th scope="col">{}</th>'
            '<th scope="col">{}</th><th scope="col">{}</th><th scope="col">{}</th></tr>'
            "</thead><tbody>{}</tbody></table>",
            _("permohonan"),
            _("status"),
            _("perubahan terakhir"),
            _("daftar usulan"),
            format_html_join(
                "",
                '<tr><td><a href="{}">#{} {}</a></td><td>{}</td><td>{}</td><td>{}</td></tr>',
                (
                    (
                        reverse("admin:aid_application_change", args=[row.pk]),
                        row.pk,
                        row.program.code,
                        badge(row.get_status_display(), row.status),
                        date_format(timezone.localtime(row.last_change_at), "d-m-Y H:i")
                        if row.last_change_at
                        else "–",
                        row.proposal_list.proposer_name if row.proposal_list_id else "–",
                    )
                    for row in rows
                ),
            ),
        )

    def get_urls(self):
        identity = self.admin_site.admin_view(self.identity_view)
        queue = self.admin_site.admin_view(lambda request: admin_merges.queue_view(self, request))
        compare = self.admin_site.admin_view(
            lambda request, first, second: admin_merges.compare_view(self, request, first, second)
        )
        return [
            path("ganda/", queue, name="registry_owner_duplicates"),
            path("ganda/<int:first>/<int:second>/", compare, name="registry_owner_compare"),
            path("<path:object_id>/identitas/", identity, name="registry_owner_identity"),
            *super().get_urls(),
        ]

    def identity_view(self, request, object_id):
        """The owner's full identity and accounts; every opening is logged (UU PDP)."""
        owner = self.get_object(request, object_id)
        if owner is None:
            raise Http404
        if not (
            self.has_view_permission(request, owner)
            and masking.can_view_full_identity(request.user)
        ):
            raise PermissionDenied
        access_log_record(
            user=request.user,
            action=AccessLog.Action.VIEW_IDENTITY,
            subject="registry.owner",
            object_id=owner.pk,
            full_identity=True,
        )
        return TemplateResponse(
            request,
            "admin/registry/owner/identity.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Identitas lengkap: %(name)s") % {"name": owner.full_name},
                "opts": self.opts,
                "owner": owner,
                "accounts": selectors.owner_accounts(owner),
                "disbursements": selectors.owner_disbursements(owner),
            },
        )

    def save_model(self, request, obj, form, change):
        # A field left out of the form (a masked NIK) keeps its stored value.
        data = {
            f: form.cleaned_data[f] if f in form.cleaned_data else getattr(obj, f)
            for f in OwnerForm.Meta.fields
        }
        if change:
            saved = services.owner_update(owner=obj, by=request.user, **data)
        else:
            saved = services.owner_upsert(by=request.user, **data)
        obj.pk = saved.pk
        obj.refresh_from_db()


@admin.register(OwnerMerge)
class OwnerMergeAdmin(MaskedIdentityMixin, ReadOnlyRecordAdmin):
    """Who merged which owner into which, why and what moved (registry.merges)."""

    list_display = ["at", "merged_name", "merged_nik", "survivor", "by", "rules"]
    masked_fields = {"merged_nik": "nik"}
    identity_owner_path = "survivor"
    list_select_related = ["survivor", "by"]
    search_fields = ["=merged_nik", "=survivor__nik", "merged_name"]
    fields = [
        "survivor",
        "merged",
        "merged_nik",
        "merged_name",
        "rules",
        "reason",
        "moved",
        "by",
        "at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("data yang dipindahkan"))
    def moved(self, obj):
        rows = admin_merges.counts_described(obj.counts)
        if not rows:
            return "–"
        return format_html_join(", ", "{}: {}", rows)


@admin.register(OwnerPairDismissal)
class OwnerPairDismissalAdmin(ReadOnlyRecordAdmin):
    """Pairs of the duplicate queue that staff said are not the same person."""

    list_display = ["at", "first", "second", "by", "note"]
    list_select_related = ["first", "second", "by"]

    def has_add_permission(self, request):
        return False


class BusinessKecamatanFilter(KecamatanFilter):
    kecamatan_field = "kecamatan"


@admin.register(Business)
class BusinessAdmin(PersonalDataExportAdminMixin, SimpleHistoryAdmin, LargeTableAdmin):
    resource_classes = [BusinessResource]
    change_form_template = "admin/registry/business/change_form.html"  # + link to the timeline
    list_display = ["name", "owner", "sector", "size_class", "kecamatan", "kelurahan", "workers"]
    list_filter = [BusinessKecamatanFilter, "size_class"]
    list_select_related = ["owner", "kecamatan", "kelurahan"]
    search_fields = ["name", "=owner__nik", "=nib"]
    autocomplete_fields = ["owner", "kecamatan", "kelurahan"]
    autocomplete_select_related = ["owner", "kecamatan"]

    fields = [
        "owner",
        "name",
        "sector",
        "nib",
        "address",
        "kecamatan",
        "kelurahan",
        "size_class",
        "workers",
        "year_started",
    ]

    def autocomplete_label(self, request, obj) -> str:
        """A business picked elsewhere (a referral, a report): its name with the owner, the
        owner's NIK masked for everyone (enough to tell two namesakes apart), its kecamatan
        and size; umkm_portal.admin.LabelledAutocompleteJsonView."""
        return gettext("%(business)s – %(owner)s (NIK %(nik)s), %(kecamatan)s, %(size)s") % {
            "business": obj.name,
            "owner": obj.owner.full_name,
            "nik": masking.mask_nik(obj.owner.nik),
            "kecamatan": obj.kecamatan.name if obj.kecamatan else gettext("tanpa kecamatan"),
            "size": obj.get_size_class_display(),
        }

    def save_model(self, request, obj, form, change):
        data = {f: form.cleaned_data.get(f) for f in self.fields}
        if change:
            data.pop("owner")
            original = Business.objects.get(pk=obj.pk)
            services.business_update(business=original, by=request.user, **data)
            return
        obj.pk = services.business_create(by=request.user, **data).pk


@admin.register(BankAccount)
class BankAccountAdmin(MaskedIdentityMixin, SimpleHistoryAdmin, LargeTableAdmin):
    """Accounts are never edited: a corrected account is added and replaces the active one."""

    form = BankAccountForm
    list_display = [
        "owner",
        "bank",
        "account_number",
        "holder_name",
        "is_active",
        "created_by",
        "created_on",
        "confirmed_by",
    ]
    masked_fields = {"account_number": "account"}
    identity_owner_path = "owner"
    list_filter = ["is_active", ("confirmed_at", admin.EmptyFieldListFilter), "bank"]
    list_select_related = ["owner", "bank", "created_by", "confirmed_by"]
    search_fields = ["=owner__nik", "=account_number"]
    autocomplete_fields = ["owner"]
    actions = ["confirm"]

    @admin.display(description=_("dibuat"), ordering="created_at")
    def created_on(self, obj):
        # The date only: with the time the list is wider than a 1366-pixel screen.
        return date_format(timezone.localtime(obj.created_at), "d-m-Y")

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return [
                "owner",
                "bank",
                "account_number",
                "holder_name",
                "is_active",
                "created_by",
                "confirmed_by",
                "confirmed_at",
            ]
        return []

    def has_confirm_permission(self, request):
        return request.user.has_perm(services.CONFIRM_ACCOUNT)

    @admin.action(description=_("Konfirmasi rekening terpilih"), permissions=["confirm"])
    def confirm(self, request, queryset):
        done = 0
        for account in queryset:
            try:
                services.bank_account_confirm(account=account, by=request.user)
                done += 1
            except (ValidationError, PermissionDenied) as exc:
                problem = " ".join(getattr(exc, "messages", [str(exc)]))
                messages.error(request, f"{account}: {problem}")
        if done:
            messages.success(
                request,
                ngettext("%(n)s rekening dikonfirmasi.", "%(n)s rekening dikonfirmasi.", done)
                % {"n": done},
            )

    def save_model(self, request, obj, form, change):
        if change:
            return
        saved = services.bank_account_set(
            owner=form.cleaned_data["owner"],
            bank=form.cleaned_data["bank"],
            account_number=form.cleaned_data["account_number"],
            holder_name=form.cleaned_data["holder_name"],
            by=request.user,
        )
        obj.pk = saved.pk


@admin.register(NikCorrection)
class NikCorrectionAdmin(MaskedIdentityMixin, SimpleHistoryAdmin):
    """Request a NIK correction (the add form); another person approves or rejects it with
    the list actions. Every write goes through registry.services."""

    form = NikCorrectionForm
    list_display = ["owner", "old_nik", "new_nik", "state", "requested_by", "requested_at"]
    masked_fields = {"old_nik": "nik", "new_nik": "nik"}
    identity_owner_path = "owner"
    list_filter = ["state"]
    list_select_related = ["owner", "requested_by", "decided_by"]
    search_fields = ["=old_nik", "=new_nik", "=owner__nik"]
    autocomplete_fields = ["owner"]
    actions = ["approve", "reject"]
    decided_fields = ["state", "requested_by", "requested_at", "decided_by", "decided_at"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return NikCorrectionForm.Meta.fields
        return super().get_fields(request, obj)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        own = ["owner", "old_nik", "new_nik", "reason", *self.decided_fields, "decision_note"]
        return [*own, *super().get_readonly_fields(request, obj)]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_approve_permission(self, request):
        return request.user.has_perm(services.APPROVE_NIK_CORRECTION)

    def save_model(self, request, obj, form, change):
        saved = services.nik_correction_request(
            owner=form.cleaned_data["owner"],
            new_nik=form.cleaned_data["new_nik"],
            reason=form.cleaned_data["reason"],
            by=request.user,
        )
        obj.pk = saved.pk

    def _decide(self, request, queryset, decide, done_message):
        done = 0
        for correction in queryset:
            try:
                decide(correction=correction, by=request.user)
                done += 1
            except (ValidationError, PermissionDenied) as exc:
                problem = " ".join(getattr(exc, "messages", [str(exc)]))
                messages.error(request, f"{correction}: {problem}")
        if done:
            messages.success(request, done_message(done))

    @admin.action(description=_("Setujui perbaikan NIK terpilih"), permissions=["approve"])
    def approve(self, request, queryset):
        self._decide(
            request,
            queryset,
            services.nik_correction_approve,
            lambda n: (
                ngettext("%(n)s perbaikan NIK disetujui.", "%(n)s perbaikan NIK disetujui.", n)
                % {"n": n}
            ),
        )

    @admin.action(description=_("Tolak perbaikan NIK terpilih"), permissions=["approve"])
    def reject(self, request, queryset):
        def reject_one(*, correction, by):
            return services.nik_correction_reject(
                correction=correction, by=by, note=gettext("Ditolak dari daftar perbaikan NIK.")
            )

        self._decide(
            request,
            queryset,
            reject_one,
            lambda n: (
                ngettext("%(n)s perbaikan NIK ditolak.", "%(n)s perbaikan NIK ditolak.", n)
                % {"n": n}
            ),
        )
