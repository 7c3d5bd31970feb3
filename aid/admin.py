"""Staff admin for programs, proposal lists, applications and disbursements.

Applications are read-only here: their status changes only through the actions, which call
aid.services (and so aid.transitions) and report each refusal in Indonesian.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.db.models import Prefetch
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from aid import selectors, services, transitions
from aid.forms import (
    BankReportForm,
    DecisionFileForm,
    DuplicateDecisionForm,
    ManualTransferForm,
    ProposalListUploadForm,
    RejectForm,
    SubmissionForm,
)
from aid.importing import review, template_file
from aid.models import (
    Application,
    BankReport,
    DecisionFile,
    Disbursement,
    ImportStatus,
    PossibleDuplicate,
    Program,
    ProposalList,
    StatusChange,
    SubmissionBatch,
)
from aid.resources import ApplicationResource, DisbursementResource
from aid.transitions import MoveResult, TransitionRefused
from privacy.admin import MaskedIdentityMixin
from privacy.exports import PersonalDataExportAdminMixin
from privacy.masking import account_for, can_view_full_identity, mask_phone, nik_for
from privacy.models import AccessLog
from privacy.services import access_log_record
from registry.admin import KecamatanFilter, LargeTableAdmin, NikOrNameSearchMixin
from registry.models import BankAccount
from umkm_portal import content_types
from umkm_portal.admin import ReadOnlyAdminMixin


@admin.register(Program)
class ProgramAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "amount", "one_time", "withdrawal_days", "starts_on"]
    search_fields = ["code", "name"]


@admin.register(ProposalList)
class ProposalListAdmin(LargeTableAdmin):
    """Upload (the add form), then the import page: progress, review, confirm or cancel.

    Every change goes through aid.services; the import page's figures come from
    aid.importing.review.
    """

    list_display = [
        "proposer_name",
        "proposer_kind",
        "program",
        "received_on",
        "import_status",
        "uploaded_by",
        "import_link",
    ]
    list_filter = ["program", "proposer_kind", "import_status"]
    list_select_related = ["program", "uploaded_by"]
    search_fields = ["proposer_name"]
    fields = [
        "program",
        "proposer_name",
        "proposer_kind",
        "received_on",
        "original_filename",
        "import_status",
        "rows_read",
        "import_error",
        "uploaded_by",
        "merged_by",
        "merged_at",
        "created_at",
    ]
    readonly_fields = [
        "original_filename",
        "import_status",
        "rows_read",
        "import_error",
        "uploaded_by",
        "merged_by",
        "merged_at",
        "created_at",
    ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ProposalListUploadForm
            kwargs["fields"] = [*ProposalListUploadForm.Meta.fields, "upload"]
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return [*ProposalListUploadForm.Meta.fields, "upload"]
        return self.fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        data = form.cleaned_data
        upload = data["upload"]
        created = services.proposal_list_upload(
            program=data["program"],
            proposer_name=data["proposer_name"],
            proposer_kind=data["proposer_kind"],
            received_on=data.get("received_on"),
            file=upload,
            filename=upload.name,
            by=request.user,
        )
        obj.pk, obj.received_on = created.pk, created.received_on

    def response_add(self, request, obj, post_url_continue=None):
        return redirect("admin:aid_proposallist_import", obj.pk)

    @admin.display(description=_lazy("hasil impor"))
    def import_link(self, obj):
        if not obj.import_status:
            return "-"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:aid_proposallist_import", args=[obj.pk]),
            _("Lihat"),
        )

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "templat.<str:fmt>",
                view(self.template_view),
                name="aid_proposallist_template",
            ),
            path("<int:pk>/impor/", view(self.import_view), name="aid_proposallist_import"),
            path(
                "<int:pk>/impor/status.json",
                view(self.status_view),
                name="aid_proposallist_import_status",
            ),
            path(
                "<int:pk>/impor/hasil.<str:fmt>",
                view(self.outcome_view),
                name="aid_proposallist_outcome",
            ),
            path(
                "<int:pk>/impor/gabungkan/",
                view(self.confirm_view),
                name="aid_proposallist_confirm",
            ),
            path(
                "<int:pk>/impor/batalkan/", view(self.cancel_view), name="aid_proposallist_cancel"
            ),
            *super().get_urls(),
        ]

    def _get_list(self, request, pk) -> ProposalList:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(ProposalList.objects.select_related("program"), pk=pk)

    def template_view(self, request, fmt):
        if not self.has_add_permission(request):
            raise PermissionDenied
        if fmt == "xlsx":
            content, content_type = template_file.template_xlsx(), content_types.XLSX
        elif fmt == "csv":
            content, content_type = template_file.template_csv(), content_types.CSV
        else:
            raise Http404
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="templat-daftar-usulan.{fmt}"'
        return response

    def import_view(self, request, pk):
        proposal_list = self._get_list(request, pk)
        status = proposal_list.import_status
        counts = proposal_list.counts or {}
        show_summary = status in (ImportStatus.STAGED, ImportStatus.MERGED)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Impor daftar usulan: %(list)s") % {"list": proposal_list},
            "opts": self.model._meta,
            "proposal_list": proposal_list,
            "in_progress": status in (ImportStatus.UPLOADED, ImportStatus.PROCESSING),
            "progress_max": max(proposal_list.rows_total, proposal_list.rows_read, 1),
            "progress_text": review.progress_text(proposal_list),
            "show_summary": show_summary,
            "counts": counts,
            "outcome_rows": review.outcome_table(counts) if show_summary else [],
            "problems": self._problems(request, proposal_list) if show_summary else [],
            "can_download": can_view_full_identity(request.user),
            "can_confirm": transitions.import_can_move(status, ImportStatus.MERGED)
            and request.user.has_perm("aid.merge_proposallist"),
            "can_cancel": status != ImportStatus.PROCESSING
            and transitions.import_can_move(status, ImportStatus.CANCELLED)
            and self.has_change_permission(request, proposal_list),
        }
        return TemplateResponse(request, "admin/aid/proposallist/import.html", context)

    def _problems(self, request, proposal_list):
        problems = list(review.first_problems(proposal_list))
        for row in problems:
            row.nik = nik_for(request.user, row.nik)
        return problems

    def status_view(self, request, pk):
        proposal_list = self._get_list(request, pk)
        return JsonResponse(
            {
                "status": proposal_list.import_status,
                "status_label": proposal_list.get_import_status_display(),
                "rows_read": proposal_list.rows_read,
                "rows_total": max(proposal_list.rows_total, proposal_list.rows_read),
                "counts": proposal_list.counts,
                "progress_text": review.progress_text(proposal_list),
            }
        )

    def outcome_view(self, request, pk, fmt):
        proposal_list = self._get_list(request, pk)
        if not can_view_full_identity(request.user):
            raise PermissionDenied  # the file holds full NIKs and account numbers
        if proposal_list.import_status not in (ImportStatus.STAGED, ImportStatus.MERGED):
            raise Http404
        filename = f"hasil-pemeriksaan-daftar-{proposal_list.pk}.{fmt}"
        if fmt == "csv":
            response = StreamingHttpResponse(
                review.outcome_csv(proposal_list), content_type=content_types.CSV
            )
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
        elif fmt == "xlsx":
            response = FileResponse(
                review.outcome_xlsx(proposal_list),
                as_attachment=True,
                filename=filename,
                content_type=content_types.XLSX,
            )
        else:
            raise Http404
        access_log_record(
            user=request.user,
            action=AccessLog.Action.EXPORT,
            subject="aid.importrow",
            object_id=proposal_list.pk,
            rows=(proposal_list.counts or {}).get("rows", 0),
            full_identity=True,
            detail=_("Hasil pemeriksaan daftar usulan (%(fmt)s)") % {"fmt": fmt.upper()},
        )
        return response

    def confirm_view(self, request, pk):
        proposal_list = self._get_list(request, pk)
        if request.method != "POST":
            return redirect("admin:aid_proposallist_import", pk)
        if not request.user.has_perm("aid.merge_proposallist"):
            raise PermissionDenied
        try:
            created = services.proposal_list_confirm(proposal_list=proposal_list, by=request.user)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
        except IntegrityError:
            self.message_user(
                request,
                _(
                    "Penggabungan dibatalkan karena data berubah bersamaan (misalnya pemilik yang "
                    "sama baru saja diusulkan). Tidak ada yang tersimpan; coba gabungkan lagi."
                ),
                messages.ERROR,
            )
        else:
            self.message_user(
                request,
                ngettext(
                    "%(n)d permohonan dibuat dari daftar ini.",
                    "%(n)d permohonan dibuat dari daftar ini.",
                    created,
                )
                % {"n": created},
                messages.SUCCESS,
            )
        return redirect("admin:aid_proposallist_import", pk)

    def cancel_view(self, request, pk):
        proposal_list = self._get_list(request, pk)
        if request.method != "POST":
            return redirect("admin:aid_proposallist_import", pk)
        if not self.has_change_permission(request, proposal_list):
            raise PermissionDenied
        try:
            services.proposal_list_cancel(proposal_list=proposal_list, by=request.user)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
        else:
            self.message_user(
                request,
                _("Impor dibatalkan; baris yang diperiksa dan berkasnya sudah dihapus."),
                messages.SUCCESS,
            )
        return redirect("admin:aid_proposallist_import", pk)


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    fields = ["at", "from_status", "to_status", "reason_code", "note", "source", "by"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = _lazy("riwayat status")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ApplicationKecamatanFilter(KecamatanFilter):
    title = _lazy("kecamatan usaha")
    kelurahan_field = "business__kelurahan"


@admin.register(Application)
class ApplicationAdmin(
    MaskedIdentityMixin, PersonalDataExportAdminMixin, NikOrNameSearchMixin, LargeTableAdmin
):
    resource_classes = [ApplicationResource]
    nik_field = "owner__nik"
    name_field = "owner__full_name"
    name_owner_path = "owner"
    masked_fields = {"owner__nik": "nik"}
    identity_owner_path = "owner"
    list_display = [
        "pk",
        "owner",
        "owner__nik",
        "program",
        "proposal_list",
        "status",
        "reason_code",
        "proposed_at",
    ]
    list_filter = [
        "status",
        "program",
        ApplicationKecamatanFilter,
        "proposal_list__proposer_kind",
        "reason_code",
    ]
    list_select_related = ["owner", "program", "proposal_list"]
    search_fields = ["=owner__nik", "owner__full_name"]
    search_help_text = _lazy("Cari dengan NIK lengkap (16 digit) atau sebagian nama pemilik.")
    raw_id_fields = ["owner", "business", "proposal_list"]
    readonly_fields = [
        "status",
        "reason_code",
        "reason_note",
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

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

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
                ngettext("%(n)d permohonan %(verb)s.", "%(n)d permohonan %(verb)s.", result.moved)
                % {"n": result.moved, "verb": verb},
                messages.SUCCESS,
            )
        shown = list(result.refused)[:20]
        names = dict(Application.objects.filter(pk__in=shown).values_list("pk", "owner__full_name"))
        for pk in shown:
            self.message_user(
                request, f"#{pk} {names.get(pk, '')}: {result.refused[pk]}", messages.ERROR
            )
        if len(result.refused) > 20:
            self.message_user(
                request,
                _("… dan %(n)d lainnya ditolak.") % {"n": len(result.refused) - 20},
                messages.ERROR,
            )

    @admin.action(description=_lazy("Verifikasi permohonan terpilih"), permissions=["verify"])
    def verify(self, request, queryset):
        result = services.applications_verify(
            applications=queryset, by=request.user, source="admin: verifikasi"
        )
        self._report(request, result, _("diverifikasi"))

    @admin.action(description=_lazy("Tolak permohonan terpilih…"), permissions=["verify"])
    def reject(self, request, queryset):
        if not self.has_verify_permission(request):
            raise PermissionDenied
        form = RejectForm(request.POST if "confirm" in request.POST else None)
        if form.is_valid():
            result = services.applications_reject(
                applications=queryset,
                by=request.user,
                reason_code=form.cleaned_data["reason_code"],
                note=form.cleaned_data["note"],
                source="admin: verifikasi",
            )
            self._report(request, result, _("ditolak"))
            return None
        return TemplateResponse(
            request,
            "admin/aid/application/reject.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Tolak permohonan"),
                "opts": self.model._meta,
                "form": form,
                "applications": queryset.select_related("owner", "program")[:100],
                "count": queryset.count(),
                "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
                "select_across": request.POST.get("select_across", "0"),
            },
        )


@admin.register(StatusChange)
class StatusChangeAdmin(ReadOnlyAdminMixin, LargeTableAdmin):
    list_display = ["at", "application", "from_status", "to_status", "reason_code", "by", "source"]
    list_filter = ["to_status", "reason_code"]
    list_select_related = ["application__owner", "application__program", "by"]
    raw_id_fields = ["application"]
    date_hierarchy = "at"


def _file_response(request, field_file, *, subject: str, object_id) -> FileResponse:
    """Send a kept file (they hold NIKs and accounts) and record who downloaded it."""
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


@admin.register(Disbursement)
class DisbursementAdmin(MaskedIdentityMixin, PersonalDataExportAdminMixin, ReadOnlyRecordAdmin):
    """The Bendahara's "add" is a manual transfer entry, checked by the same service as a
    bank report (aid.services.disbursement_record)."""

    resource_classes = [DisbursementResource]
    masked_fields = {"account_number": "account"}
    identity_owner_path = "application__owner"
    list_display = [
        "bank_reference",
        "application",
        "amount",
        "bank_code",
        "account_number",
        "outcome",
        "transferred_at",
        "withdrawn_at",
        "bank_report",
    ]
    list_filter = ["outcome", "application__program", "bank_code"]
    list_select_related = ["application__owner", "application__program", "bank_report"]
    search_fields = ["=bank_reference", "=application__owner__nik"]
    raw_id_fields = ["application"]

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ManualTransferForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            application = selectors.live_applications_by_nik(data["program"], [data["nik"]]).get(
                data["nik"]
            )
            if application is None:
                form.add_error(
                    "nik", _("NIK ini tidak memiliki permohonan aktif di program tersebut.")
                )
            else:
                try:
                    disbursement = services.disbursement_record(
                        application=application,
                        bank_reference=data["bank_reference"].strip(),
                        succeeded=data["outcome"] == Disbursement.Outcome.SUCCESS,
                        transferred_at=data["transferred_at"],
                        amount=data["amount"],
                        account_number=data["account_number"],
                        failure_reason=data["failure_reason"],
                        by=request.user,
                        source="admin: input manual",
                    )
                except (TransitionRefused, ValidationError) as exc:
                    form.add_error(None, getattr(exc, "message", None) or exc.messages[0])
                else:
                    self.message_user(
                        request,
                        _("Transfer %(ref)s dicatat: %(name)s, %(outcome)s.")
                        % {
                            "ref": disbursement.bank_reference,
                            "name": application.owner.full_name,
                            "outcome": disbursement.get_outcome_display(),
                        },
                        messages.SUCCESS,
                    )
                    return redirect("admin:aid_disbursement_changelist")
        return TemplateResponse(
            request,
            "admin/aid/form_page.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Catat transfer secara manual"),
                "opts": self.model._meta,
                "form": form,
                "submit_label": _("Catat transfer"),
            },
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


@admin.register(SubmissionBatch)
class SubmissionBatchAdmin(ReadOnlyRecordAdmin):
    """Submissions to the ministry. "Ajukan" exports and submits in one step; a batch can be
    exported again at any time without submitting anything."""

    list_display = ["pk", "program", "proposal_list", "rows", "created_by", "created_at", "files"]
    list_filter = ["program"]
    list_select_related = ["program", "proposal_list", "created_by"]
    readonly_fields = ["program", "proposal_list", "rows", "created_by", "created_at", "files"]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_submit_permission(self, request):
        return request.user.has_perm("aid.submit_application")

    @admin.display(description=_lazy("berkas"))
    def files(self, obj):
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("admin:aid_submissionbatch_file", args=[obj.pk]),
            _("berkas yang dikirim"),
            reverse("admin:aid_submissionbatch_export", args=[obj.pk, "xlsx"]),
            _("ekspor ulang XLSX"),
            reverse("admin:aid_submissionbatch_export", args=[obj.pk, "csv"]),
            _("ekspor ulang CSV"),
        )

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("submit/", wrap(self.submit_view), name="aid_submissionbatch_submit"),
            path(
                "<int:pk>/export/<str:file_format>/",
                wrap(self.export_view),
                name="aid_submissionbatch_export",
            ),
            path("<int:pk>/file/", wrap(self.file_view), name="aid_submissionbatch_file"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_submit": self.has_submit_permission(request)}
        return super().changelist_view(request, extra_context)

    def submit_view(self, request):
        if not self.has_submit_permission(request):
            raise PermissionDenied
        form = SubmissionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                batch = services.submission_create(by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc.messages[0])
            else:
                self.message_user(
                    request,
                    _("%(n)d permohonan diajukan ke Kementerian (%(batch)s).")
                    % {"n": batch.rows, "batch": batch},
                    messages.SUCCESS,
                )
                return FileResponse(
                    batch.file.open("rb"),
                    as_attachment=True,
                    filename=batch.file.name.rsplit("/", 1)[-1],
                )
        return TemplateResponse(
            request,
            "admin/aid/form_page.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Ajukan permohonan terverifikasi ke Kementerian"),
                "opts": self.model._meta,
                "form": form,
                "intro": _(
                    "Semua permohonan terverifikasi dari program (atau daftar usulan) yang "
                    "dipilih diekspor dalam format Kementerian dan berstatus diajukan."
                ),
                "submit_label": _("Ajukan dan unduh berkas"),
            },
        )

    def _batch(self, request, pk) -> SubmissionBatch:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(SubmissionBatch, pk=pk)

    def export_view(self, request, pk, file_format):
        batch = self._batch(request, pk)
        if file_format not in content_types.BY_EXTENSION:
            raise Http404
        content = services.submission_export(batch=batch, file_format=file_format, by=request.user)
        response = HttpResponse(content, content_type=content_types.BY_EXTENSION[file_format])
        response["Content-Disposition"] = (
            f'attachment; filename="pengajuan-{batch.program.code}-{batch.pk}-ulang.{file_format}"'
        )
        return response

    def file_view(self, request, pk):
        batch = self._batch(request, pk)
        return _file_response(request, batch.file, subject="aid.submissionbatch", object_id=pk)


class ImportedFileAdmin(ReadOnlyRecordAdmin):
    """Decision files and bank reports: "add" is the upload, which shows the outcome per row."""

    import_permission = ""
    import_form = None
    list_filter = ["program"]
    list_select_related = ["program", "uploaded_by"]
    counts = ["rows", "applied", "unchanged", "refused"]

    def get_list_display(self, request):
        return ["pk", "original_filename", "program", *self.counts, "uploaded_by", "created_at"]

    def get_fields(self, request, obj=None):
        return [
            "program",
            "original_filename",
            "sha256",
            *self.counts,
            "uploaded_by",
            "created_at",
            "download",
            "problem_table",
        ]

    get_readonly_fields = get_fields

    def has_add_permission(self, request):
        return request.user.has_perm(self.import_permission)

    @admin.display(description=_lazy("berkas asli"))
    def download(self, obj):
        url = reverse(f"admin:aid_{self.model._meta.model_name}_file", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.original_filename)

    @admin.display(description=_lazy("baris bermasalah"))
    def problem_table(self, obj):
        return render_to_string("admin/aid/problems.html", {"problems": obj.problems})

    def get_urls(self):
        name = f"aid_{self.model._meta.model_name}_file"
        return [
            path("<int:pk>/file/", self.admin_site.admin_view(self.file_view), name=name),
            *super().get_urls(),
        ]

    def file_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        record = get_object_or_404(self.model, pk=pk)
        return _file_response(
            request, record.file, subject=self.model._meta.label_lower, object_id=pk
        )

    def run_import(self, request, data: dict, *, filename: str, content: bytes):
        raise NotImplementedError

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = self.import_form(request.POST or None, request.FILES or None)
        record = None
        if request.method == "POST" and form.is_valid():
            data = dict(form.cleaned_data)
            upload = data.pop("file")
            data["commit"] = not data.pop("dry_run")
            try:
                record = self.run_import(request, data, filename=upload.name, content=upload.read())
            except ValidationError as exc:
                form.add_error("file", exc.messages[0])
        return TemplateResponse(
            request,
            "admin/aid/import.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Impor %(what)s") % {"what": self.model._meta.verbose_name},
                "opts": self.model._meta,
                "form": form,
                "record": record,
                "submit_label": _("Impor berkas"),
                "counts": [
                    (self.model._meta.get_field(name).verbose_name, getattr(record, name))
                    for name in self.counts
                ]
                if record
                else [],
            },
        )


@admin.register(DecisionFile)
class DecisionFileAdmin(ImportedFileAdmin):
    import_permission = "aid.record_decision"
    import_form = DecisionFileForm
    counts = ["rows", "applied", "unchanged", "refused", "not_approved"]

    def run_import(self, request, data, *, filename, content):
        return services.decision_file_import(
            by=request.user, filename=filename, content=content, **data
        )


@admin.register(BankReport)
class BankReportAdmin(ImportedFileAdmin):
    import_permission = "aid.reconcile_disbursement"
    import_form = BankReportForm

    def run_import(self, request, data, *, filename, content):
        return services.bank_report_import(
            by=request.user, filename=filename, content=content, **data
        )
