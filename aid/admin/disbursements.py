"""Disbursements: the Bendahara's manual transfer entry and the record of transfers."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from aid import money, selectors, services
from aid.forms import (
    ManualTransferForm,
)
from aid.models import (
    Disbursement,
)
from aid.resources import DisbursementResource
from aid.transitions import TransitionRefused
from privacy.admin import MaskedIdentityMixin
from privacy.exports import PersonalDataExportAdminMixin
from umkm_portal.admin import (
    ReadOnlyRecordAdmin,
)


@admin.register(Disbursement)
class DisbursementAdmin(MaskedIdentityMixin, PersonalDataExportAdminMixin, ReadOnlyRecordAdmin):
    """The Bendahara's "add" is a manual transfer entry, checked by the same service as a
    bank report (aid.services.disbursement_record)."""

    resource_classes = [DisbursementResource]
    masked_fields = {"account_number": "account"}
    identity_owner_path = "application__owner"
    list_display = [
        "bank_reference",
        "application_shown",
        "amount_rp",
        "outcome",
        "account_number",
        "transferred_on",
        "withdrawn_on",
    ]
    list_filter = ["outcome", "application__program", "bank_code"]
    list_select_related = ["application__owner", "application__program", "bank_report"]
    search_fields = ["=bank_reference", "=application__owner__nik"]
    raw_id_fields = ["application"]

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if obj is None:
            return fields
        # A record: the reason in words, "tanpa keterangan" when the bank gave none.
        return ["failure_reason_words" if name == "failure_reason" else name for name in fields]

    @admin.display(description=_lazy("alasan gagal"))
    def failure_reason_words(self, obj):
        return obj.failure_reason_text

    @admin.display(description=_lazy("permohonan"), ordering="application")
    def application_shown(self, obj):
        # Number and owner; the program is in the filter (its code made the list too wide).
        return f"#{obj.application_id} {obj.application.owner}"

    @admin.display(description=_lazy("nilai"), ordering="amount")
    def amount_rp(self, obj):
        return money.rupiah(obj.amount)

    @admin.display(description=_lazy("ditransfer"), ordering="transferred_at")
    def transferred_on(self, obj):
        return date_format(timezone.localtime(obj.transferred_at), "d-m-Y")

    @admin.display(description=_lazy("dicairkan"), ordering="withdrawn_at")
    def withdrawn_on(self, obj):
        if obj.withdrawn_at is None:
            return "–"
        return date_format(timezone.localtime(obj.withdrawn_at), "d-m-Y")

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
