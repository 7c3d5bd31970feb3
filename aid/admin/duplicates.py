"""The verifier's queue of possible duplicates (data ganda): one row per pair, decided side by
side, then on to the next open pair of the same filtered queue."""

import copy

from django.contrib import admin, messages
from django.contrib.admin.exceptions import DisallowedModelAdminLookup
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, QueryDict
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from aid import selectors, services
from aid.forms import DuplicateDecisionForm, DuplicateReopenForm
from aid.models import Application, PossibleDuplicate, Status
from aid.services.duplicates import DECIDED
from aid.transitions import TransitionRefused
from privacy.masking import account_for, can_view_full_identity, mask_phone, nik_for
from privacy.models import AccessLog
from privacy.services import access_log_record
from registry.admin_filters import KecamatanFilter
from umkm_portal.admin import ReadOnlyRecordAdmin


class OpenFlagFilter(admin.SimpleListFilter):
    """The queue: open pairs first (the default), decided ones on request."""

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


class RuleFilter(admin.SimpleListFilter):
    title = _lazy("aturan yang cocok")
    parameter_name = "rule"

    def lookups(self, request, model_admin):
        return PossibleDuplicate.Rule.choices

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if value not in PossibleDuplicate.Rule.values:
            return queryset.none()
        return selectors.possible_duplicates_matching(queryset, rule=value)


class ProposalListFilter(admin.SimpleListFilter):
    """Pairs with either application from the chosen list."""

    title = _lazy("daftar usulan")
    parameter_name = "list"

    def lookups(self, request, model_admin):
        return selectors.duplicate_proposal_lists()

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if not value.isdigit():
            return queryset.none()
        return selectors.possible_duplicates_matching(queryset, proposal_list_id=int(value))


class PairKecamatanFilter(KecamatanFilter):
    """Pairs with either business in the chosen kecamatan."""

    title = _lazy("kecamatan usaha")

    def filter_by(self, queryset, kecamatan_id: int):
        return selectors.possible_duplicates_matching(queryset, kecamatan_id=kecamatan_id)


# A value both sides lack ("–", nothing written) is not a match: highlighting it as "the same
# on both" would point the verifier at a likeness that is not there.
_NOTHING = frozenset({"", "–", "-", None})


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
        # A list often names the kecamatan only: the business keeps it on its own.
        str(kelurahan)
        if kelurahan
        else f"–, {business.kecamatan.name}"
        if business.kecamatan_id
        else "–",
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
    _lazy("Kelurahan, kecamatan usaha"),
    _lazy("Daftar usulan"),
    _lazy("Status"),
    _lazy("Diusulkan"),
]


def _history_rows(flag: PossibleDuplicate) -> list[dict]:
    """The pair's history as the page shows it: flagged, decided, reopened (with reason)."""
    rows = []
    for record in selectors.possible_duplicate_history(flag):
        if record.history_type == "+":
            event, text = _("Ditandai"), ""
        elif record.history_change_reason == DECIDED:
            event = _("Diputuskan: %(decision)s") % {"decision": record.get_decision_display()}
            text = record.note
        else:
            event, text = _("Dibuka kembali"), record.history_change_reason or ""
        rows.append(
            {"at": record.history_date, "by": record.history_user, "event": event, "text": text}
        )
    return rows


@admin.register(PossibleDuplicate)
class PossibleDuplicateAdmin(ReadOnlyRecordAdmin):
    """The verifier's queue: one row per pair of applications, with the rules that matched;
    each opens side by side, is decided, and "Simpan & berikutnya" opens the next open pair
    of the same filtered, ordered queue (the filters travel in ``_changelist_filters``)."""

    list_display = ["first_owner", "other_owner", "rules_display", "decision", "decided"]
    list_filter = [
        OpenFlagFilter,
        RuleFilter,
        ProposalListFilter,
        PairKecamatanFilter,
        "application__program",
    ]
    list_select_related = ["application__owner", "other__owner", "decided_by"]
    ordering = ["created_at", "pk"]
    empty_value_display = "–"
    # The search box; get_search_results does the searching (either owner of the pair).
    search_fields = ["application__owner__nik"]
    search_help_text = _lazy("Cari dengan NIK lengkap (16 digit) atau nama salah satu pemilik.")

    @admin.display(description=_lazy("permohonan"), ordering="application__owner__full_name")
    def first_owner(self, obj):
        return f"#{obj.application_id} {obj.application.owner}"

    @admin.display(description=_lazy("permohonan lain"), ordering="other__owner__full_name")
    def other_owner(self, obj):
        return f"#{obj.other_id} {obj.other.owner}"

    @admin.display(description=_lazy("aturan yang cocok"), ordering="rules")
    def rules_display(self, obj):
        return obj.get_rules_display()

    @admin.display(description=_lazy("diputuskan"), ordering="decided_at")
    def decided(self, obj):
        if not obj.decided_at:
            return "–"
        return (
            f"{obj.decided_by or '–'}, {date_format(timezone.localtime(obj.decided_at), 'j M Y')}"
        )

    def get_search_results(self, request, queryset, search_term):
        return selectors.possible_duplicates_matching(queryset, search=search_term), False

    def has_add_permission(self, request):
        return False

    def has_decide_permission(self, request, obj=None):
        return request.user.has_perm("aid.change_possibleduplicate")

    def get_urls(self):
        first = path(
            "first/",
            self.admin_site.admin_view(self.first_view),
            name="aid_possibleduplicate_first",
        )
        return [first, *super().get_urls()]

    # --- the queue, as the verifier filtered and ordered it ------------------------------

    def _queue(self, request, filters: QueryDict):
        """The queue's queryset, filtered, searched and ordered as the changelist with
        ``filters`` (its query string) shows it; unfiltered if the filters are invalid."""
        filters = filters.copy()
        filters.pop("p", None)  # the queue runs on past the page shown
        queue_request = copy.copy(request)
        queue_request.GET = filters
        try:
            return self.get_changelist_instance(queue_request).queryset
        except (IncorrectLookupParameters, DisallowedModelAdminLookup):
            queue_request.GET = QueryDict()
            return self.get_changelist_instance(queue_request).queryset

    def _filters(self, request) -> QueryDict:
        return QueryDict(request.GET.get("_changelist_filters", ""))

    def _url(self, request, name: str, *args, filters: str | None = None) -> str:
        """An admin URL of this model, carrying the queue's filters along."""
        preserved = filters if filters is not None else self.get_preserved_filters(request)
        return add_preserved_filters(
            {"preserved_filters": preserved, "opts": self.opts},
            reverse(f"admin:aid_possibleduplicate_{name}", args=args),
        )

    def _open(self, request, pk: int | None, filters: QueryDict):
        """Redirect to pair ``pk``'s page in the queue of ``filters``, or back to the queue
        with a message when no pair is open there."""
        preserved = f"_changelist_filters={filters.urlencode()}" if filters else ""
        if pk is None:
            self.message_user(
                request, _("Tidak ada lagi pasangan terbuka dalam antrian ini."), messages.INFO
            )
            return redirect(
                reverse("admin:aid_possibleduplicate_changelist")
                + (f"?{filters.urlencode()}" if filters else "")
            )
        return redirect(self._url(request, "change", pk, filters=preserved))

    def first_view(self, request):
        """ "Buka pasangan pertama": the first open pair of the queue as filtered."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        filters = request.GET.copy()
        return self._open(
            request, selectors.next_open_duplicate_id(self._queue(request, filters)), filters
        )

    # --- one pair, side by side ------------------------------------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        flag = self.get_object(request, unquote(object_id))
        if flag is None:
            raise Http404
        if not self.has_view_permission(request, flag):
            raise PermissionDenied
        pair = selectors.possible_duplicate_pair(flag)
        may_decide = self.has_decide_permission(request)
        posted = request.POST if request.method == "POST" else None
        reopening = posted is not None and "_reopen" in posted
        decide_form = DuplicateDecisionForm(None if reopening else posted, pair=pair)
        reopen_form = DuplicateReopenForm(posted if reopening else None)
        if posted is not None:
            if not may_decide:
                raise PermissionDenied
            form = reopen_form if reopening else decide_form
            if form.is_valid():
                done = (self._reopen if reopening else self._decide)(request, flag, form)
                if done is not None:
                    return done
        if can_view_full_identity(request.user):
            access_log_record(
                user=request.user,
                action=AccessLog.Action.VIEW_IDENTITY,
                subject="aid.possibleduplicate",
                object_id=flag.pk,
                rows=2,
                full_identity=True,
            )
        left, right = (_side(a, request.user) for a in pair)
        next_id = selectors.next_open_duplicate_id(
            self._queue(request, self._filters(request)), after_id=flag.pk
        )
        return TemplateResponse(
            request,
            "admin/aid/possibleduplicate/compare.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Kemungkinan data ganda #%(id)s") % {"id": flag.pk},
                "opts": self.opts,
                "original": flag,
                "flag": flag,
                "pair": pair,
                "rows": [
                    {"label": label, "left": a, "right": b, "same": a == b and a not in _NOTHING}
                    for label, a, b in zip(COMPARE_LABELS, left, right, strict=True)
                ],
                "decide_form": decide_form,
                "reopen_form": reopen_form,
                "can_decide": may_decide and not flag.decision,
                "can_reopen": may_decide and bool(flag.decision),
                "rejected": [a for a in pair if a.status == Status.REJECTED],
                "history": _history_rows(flag),
                "queue_url": self._url(request, "changelist"),
                "next_url": self._url(request, "change", next_id) if next_id else "",
                "preserved_filters": self.get_preserved_filters(request),
            },
        )

    def _decide(self, request, flag, form):
        decision = form.cleaned_data["decision"]
        # Worked out before deciding, while this pair still holds its place in the queue.
        filters = self._filters(request)
        next_id = selectors.next_open_duplicate_id(self._queue(request, filters), after_id=flag.pk)
        try:
            services.possible_duplicate_decide(
                flag=flag,
                decision=decision,
                by=request.user,
                note=form.cleaned_data["note"],
                keep=form.cleaned_data["keep"],
            )
        except (TransitionRefused, ValidationError) as exc:
            self.message_user(
                request, getattr(exc, "message", None) or exc.messages[0], messages.ERROR
            )
            return None
        self.message_user(
            request,
            _("Keputusan dicatat: %(decision)s.")
            % {"decision": PossibleDuplicate.Decision(decision).label},
            messages.SUCCESS,
        )
        if "_next" not in request.POST:
            return redirect(self._url(request, "changelist"))
        if (
            next_id is not None
            and not PossibleDuplicate.objects.filter(pk=next_id, decision="").exists()
        ):
            # Someone decided it meanwhile: the first open pair of the queue instead.
            next_id = selectors.next_open_duplicate_id(self._queue(request, filters))
        return self._open(request, next_id, filters)

    def _reopen(self, request, flag, form):
        was = flag.get_decision_display()
        try:
            services.possible_duplicate_reopen(
                flag=flag, by=request.user, reason=form.cleaned_data["reason"]
            )
        except (TransitionRefused, ValidationError) as exc:
            self.message_user(
                request, getattr(exc, "message", None) or exc.messages[0], messages.ERROR
            )
            return None
        self.message_user(
            request,
            _('Keputusan "%(decision)s" dibuka kembali; pasangan ini menunggu keputusan baru.')
            % {"decision": was},
            messages.SUCCESS,
        )
        return redirect(self._url(request, "change", flag.pk))
