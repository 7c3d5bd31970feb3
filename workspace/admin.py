"""The Dinas's view of its proposers: each organisation with its lists (draft, sent,
merged), rows and the share accepted; and the staff accounts of each. Every save goes
through proposers.services."""

from django import forms
from django.contrib import admin
from django.db.models import Count, Prefetch, Q
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from aid.models import ImportStatus, ProposalList
from proposers import selectors, services
from proposers.models import Proposer, ProposerMember
from umkm_portal.service_admin import ServiceSaveMixin

DRAFT = (ImportStatus.UPLOADED, ImportStatus.PROCESSING, ImportStatus.STAGED, ImportStatus.RETURNED)


class ContactFilter(admin.SimpleListFilter):
    """Offices with or without both an address and a phone (proposers.selectors): an owner
    refused in a list is sent to the office of their kelurahan, and reads only its name when
    it has neither."""

    title = _("kontak kantor")
    parameter_name = "kontak"
    MISSING = "belum-lengkap"

    def lookups(self, request, model_admin):
        return [(self.MISSING, _("Alamat atau telepon belum diisi")), ("lengkap", _("Lengkap"))]

    def queryset(self, request, queryset):
        if self.value() == self.MISSING:
            return queryset.filter(selectors.MISSING_CONTACT)
        if self.value() == "lengkap":
            return queryset.exclude(selectors.MISSING_CONTACT)
        return queryset


class MemberInline(admin.TabularInline):
    model = ProposerMember
    fields = ["user", "position"]
    readonly_fields = ["user"]
    extra = 0
    can_delete = True

    def has_add_permission(self, request, obj=None):
        return False  # accounts are created on the member page, with a password


@admin.register(Proposer)
class ProposerAdmin(ServiceSaveMixin, SimpleHistoryAdmin):
    list_display = [
        "name",
        "kind",
        "kecamatan",
        "n_draft",
        "n_submitted",
        "n_merged",
        "rows_accepted",
        "contact",
        "is_active",
    ]
    list_filter = ["kind", "is_active", ContactFilter, "kecamatan"]
    search_fields = ["name"]
    autocomplete_fields = ["kelurahan", "kecamatan"]
    fields = [
        "name",
        "kind",
        "kecamatan",
        "kelurahan",
        "contact_name",
        "phone",
        "address",
        "opening_hours",
        "is_active",
    ]
    inlines = [MemberInline]

    def save_with_service(self, request, obj, data, change):
        details = {name: data[name] for name in services.PROPOSER_FIELDS if name in data}
        if change:
            original = Proposer.objects.get(pk=obj.pk)
            return services.proposer_update(proposer=original, by=request.user, **details)
        return services.proposer_create(by=request.user, **details)

    def save_formset(self, request, form, formset, change):
        # The members inline: an account taken off or its position changed, each through
        # proposers.services (the inline adds none). The lists are what the admin's change
        # message reads.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for inline_form in formset.initial_forms:
            member = inline_form.instance
            if formset.can_delete and formset._should_delete_form(inline_form):
                services.proposer_member_remove(member=member)
                formset.deleted_objects.append(member)
            elif inline_form.has_changed():
                services.proposer_member_update(
                    member=ProposerMember.objects.get(pk=member.pk),
                    position=inline_form.cleaned_data.get("position", ""),
                )
                formset.changed_objects.append((member, inline_form.changed_data))

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("kecamatan", "kelurahan")
            # The row counts live in each list's counts; one query for the whole page.
            .prefetch_related(
                Prefetch(
                    "proposal_lists",
                    queryset=ProposalList.objects.exclude(
                        import_status=ImportStatus.CANCELLED
                    ).only("pk", "proposer_id", "counts"),
                    to_attr="counted_lists",
                )
            )
            .annotate(
                draft=Count("proposal_lists", filter=Q(proposal_lists__import_status__in=DRAFT)),
                submitted=Count(
                    "proposal_lists",
                    filter=Q(proposal_lists__import_status=ImportStatus.SUBMITTED),
                ),
                merged=Count(
                    "proposal_lists", filter=Q(proposal_lists__import_status=ImportStatus.MERGED)
                ),
            )
        )

    @admin.display(description=_("draf"), ordering="draft")
    def n_draft(self, obj):
        return obj.draft

    @admin.display(description=_("dikirim"), ordering="submitted")
    def n_submitted(self, obj):
        return obj.submitted

    @admin.display(description=_("digabungkan"), ordering="merged")
    def n_merged(self, obj):
        return obj.merged

    @admin.display(description=_("kontak kantor"))
    def contact(self, obj):
        if not obj.address and not obj.phone:
            return _("belum ada alamat dan telepon")
        if not obj.address:
            return _("belum ada alamat")
        if not obj.phone:
            return _("belum ada telepon")
        return _("lengkap")

    @admin.display(description=_("baris diterima"))
    def rows_accepted(self, obj):
        from aid.money import thousands

        rows = accepted = 0
        for counts in (proposal_list.counts for proposal_list in obj.counted_lists):
            rows += (counts or {}).get("rows", 0)
            accepted += (counts or {}).get("accepted", 0)
        if not rows:
            return "–"
        return f"{thousands(accepted)} / {thousands(rows)} ({round(100 * accepted / rows)}%)"


class MemberCreateForm(forms.ModelForm):
    username = forms.CharField(label=_("nama pengguna"), max_length=150)
    full_name = forms.CharField(label=_("nama lengkap"), max_length=150, required=False)
    password = forms.CharField(
        label=_("kata sandi awal"),
        widget=forms.PasswordInput(render_value=False),
        min_length=10,
        help_text=_("Paling sedikit 10 karakter; berikan ke petugas secara langsung."),
    )

    class Meta:
        model = ProposerMember
        fields = ["proposer", "position"]

    def clean_username(self):
        from django.contrib.auth import get_user_model

        username = self.cleaned_data["username"].strip()
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("Nama pengguna ini sudah dipakai."))
        return username


@admin.register(ProposerMember)
class ProposerMemberAdmin(ServiceSaveMixin, admin.ModelAdmin):
    list_display = ["user", "proposer", "position"]
    list_select_related = ["user", "proposer"]
    search_fields = ["user__username", "proposer__name"]
    autocomplete_fields = ["proposer"]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = MemberCreateForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["proposer", "username", "full_name", "position", "password"]
        return ["user", "proposer", "position"]

    def get_readonly_fields(self, request, obj=None):
        return ["user", "proposer"] if obj is not None else []

    def save_with_service(self, request, obj, data, change):
        if change:
            original = ProposerMember.objects.get(pk=obj.pk)
            return services.proposer_member_update(
                member=original, position=data.get("position", "")
            )
        user = services.proposer_member_create(
            proposer=data["proposer"],
            username=data["username"],
            password=data["password"],
            position=data.get("position", ""),
            full_name=data.get("full_name", ""),
        )
        return user.proposer_membership
