"""The verifier's queue of possible duplicates (data ganda), decided side by side."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import (
    Http404,
)
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from aid import services
from aid.forms import (
    DuplicateDecisionForm,
)
from aid.models import (
    Application,
    PossibleDuplicate,
)
from aid.transitions import TransitionRefused
from privacy.masking import account_for, can_view_full_identity, mask_phone, nik_for
from privacy.models import AccessLog
from privacy.services import access_log_record
from registry.models import BankAccount
from umkm_portal.admin import (
    ReadOnlyRecordAdmin,
)


class OpenFlagFilter(admin.SimpleListFilter):
    """The queue: open flags first (the default), decided ones on request."""

    title = _lazy("keputusan")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("decided", _lazy("Sudah diputuskan")), ("all", _lazy("Semua"))]

    def choices(self, changelist):
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": _("Belum diputuskan"),
        }
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        if self.value() == "decided":
            return queryset.exclude(decision="")
        if self.value() == "all":
            return queryset
        return queryset.filter(decision="")


def _side(application: Application, user) -> list[str]:
    owner, business = application.owner, application.business
    account = next(iter(owner.active_accounts), None)
    full = can_view_full_identity(user)
    kelurahan = business.kelurahan
    return [
        owner.full_name,
        nik_for(user, owner.nik),
        date_format(owner.birth_date, "j F Y"),
        owner.get_sex_display(),
        owner.phone if full else mask_phone(owner.phone),
        f"{account.bank.short_name} {account_for(user, account.account_number)}"
        if account
        else "–",
        owner.ktp_address,
        f"{business.name} ({business.sector})",
        str(kelurahan) if kelurahan else "–",
        str(application.proposal_list or _("input manual")),
        application.get_status_display(),
        date_format(timezone.localtime(application.proposed_at), "j F Y H:i"),
    ]


COMPARE_LABELS = [
    _lazy("Nama pemilik"),
    _lazy("NIK"),
    _lazy("Tanggal lahir"),
    _lazy("Jenis kelamin"),
    _lazy("Nomor HP"),
    _lazy("Rekening aktif"),
    _lazy("Alamat KTP"),
    _lazy("Usaha"),
    _lazy("Kelurahan usaha"),
    _lazy("Daftar usulan"),
    _lazy("Status"),
    _lazy("Diusulkan"),
]


@admin.register(PossibleDuplicate)
class PossibleDuplicateAdmin(ReadOnlyRecordAdmin):
    """The verifier's queue of flagged pairs; each opens side by side with two buttons."""

    list_display = [
        "pk",
        "first_owner",
        "other_owner",
        "rule",
        "decision",
        "decided_by",
        "decided_at",
    ]
    list_filter = [OpenFlagFilter, "rule", "application__program"]
    list_select_related = ["application__owner", "other__owner", "decided_by"]
    ordering = ["created_at", "pk"]

    @admin.display(description=_lazy("permohonan"), ordering="application__owner__full_name")
    def first_owner(self, obj):
        return f"#{obj.application_id} {obj.application.owner}"

    @admin.display(description=_lazy("permohonan lain"), ordering="other__owner__full_name")
    def other_owner(self, obj):
        return f"#{obj.other_id} {obj.other.owner}"

    def has_add_permission(self, request):
        return False

    def has_decide_permission(self, request, obj=None):
        return request.user.has_perm("aid.change_possibleduplicate")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        flag = self.get_object(request, unquote(object_id))
        if flag is None:
            raise Http404
        if not self.has_view_permission(request, flag):
            raise PermissionDenied
        can_decide = self.has_decide_permission(request) and not flag.decision
        form = DuplicateDecisionForm(request.POST or None)
        if request.method == "POST":
            if not can_decide:
                raise PermissionDenied
            if form.is_valid():
                try:
                    services.possible_duplicate_decide(
                        flag=flag,
                        decision=form.cleaned_data["decision"],
                        by=request.user,
                        note=form.cleaned_data["note"],
                    )
                except (TransitionRefused, ValidationError) as exc:
                    self.message_user(
                        request,
                        getattr(exc, "message", None) or exc.messages[0],
                        messages.ERROR,
                    )
                else:
                    self.message_user(
                        request,
                        _("Keputusan dicatat: %(decision)s.")
                        % {
                            "decision": PossibleDuplicate.Decision(
                                form.cleaned_data["decision"]
                            ).label
                        },
                        messages.SUCCESS,
                    )
                    return redirect("admin:aid_possibleduplicate_changelist")
        pair = [
            Application.objects.select_related(
                "owner", "business__kelurahan__parent", "proposal_list"
            )
            .prefetch_related(
                Prefetch(
                    "owner__bank_accounts",
                    queryset=BankAccount.objects.filter(is_active=True).select_related("bank"),
                    to_attr="active_accounts",
                )
            )
            .get(pk=pk)
            for pk in (flag.application_id, flag.other_id)
        ]
        left, right = (_side(a, request.user) for a in pair)
        if can_view_full_identity(request.user):
            access_log_record(
                user=request.user,
                action=AccessLog.Action.VIEW_IDENTITY,
                subject="aid.possibleduplicate",
                object_id=flag.pk,
                rows=2,
                full_identity=True,
            )
        return TemplateResponse(
            request,
            "admin/aid/possibleduplicate/compare.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Kemungkinan data ganda #%(id)s") % {"id": flag.pk},
                "opts": self.model._meta,
                "original": flag,
                "flag": flag,
                "pair": pair,
                "rows": [
                    {"label": label, "left": a, "right": b, "same": a == b}
                    for label, a, b in zip(COMPARE_LABELS, left, right, strict=True)
                ],
                "form": form,
                "can_decide": can_decide,
                "decisions": PossibleDuplicate.Decision,
            },
        )
