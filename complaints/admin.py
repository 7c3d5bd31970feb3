"""The staff queue of pengaduan: filter by state and category, overdue first; the change page
answers, links the correction and moves the state through complaints.transitions."""

from django import forms
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from complaints import services, transitions
from complaints.models import ANSWER_TEMPLATES, Complaint, ComplaintChange, State
from privacy.masking import value_for
from umkm_portal.admin import RecordInline


class ComplaintForm(forms.ModelForm):
    to_state = forms.ChoiceField(label=_("pindahkan ke"), required=False)
    note = forms.CharField(
        label=_("catatan internal"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    class Meta:
        model = Complaint
        fields = ["answer", "reference", "application"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        complaint = self.instance
        self.fields["to_state"].choices = [("", "—")] + [
            (state, State(state).label) for state in sorted(transitions.ALLOWED[complaint.state])
        ]
        if not complaint.answer and complaint.category in ANSWER_TEMPLATES:
            self.initial["answer"] = str(ANSWER_TEMPLATES[complaint.category])


class ChangeInline(RecordInline):
    model = ComplaintChange
    fields = ["at", "from_state", "to_state", "by", "note"]


class OverdueFilter(admin.SimpleListFilter):
    title = _("target")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Lewat target"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(state=State.CLOSED).filter(due_at__lt=timezone.now())
        return queryset


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    form = ComplaintForm
    list_display = ["number", "category", "state", "created_at", "due", "source", "application"]
    list_filter = ["state", OverdueFilter, "category", "source"]
    date_hierarchy = "created_at"
    inlines = [ChangeInline]
    raw_id_fields = ["application"]
    readonly_fields = [
        "category",
        "message",
        "contact",
        "source",
        "state",
        "created_at",
        "due_at",
        "answered_at",
        "answered_by",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "category",
                    "message",
                    "contact",
                    "source",
                    "state",
                    "created_at",
                    "due_at",
                ]
            },
        ),
        (
            _("Jawaban dan tindak lanjut"),
            {
                "fields": [
                    "answer",
                    "reference",
                    "application",
                    "to_state",
                    "note",
                    "answered_at",
                    "answered_by",
                ]
            },
        ),
    ]

    @admin.display(description=_("nomor"), ordering="pk")
    def number(self, obj):
        return f"#{obj.pk}"

    @admin.display(description=_("target selesai"), ordering="due_at")
    def due(self, obj):
        text = timezone.localtime(obj.due_at).strftime("%Y-%m-%d %H:%M")
        if obj.is_overdue:
            return format_html(
                '<strong class="overdue">⚠ {} ({})</strong>', text, _("lewat target")
            )
        return text

    @admin.display(description=_("nomor yang dapat dihubungi"))
    def contact(self, obj):
        return (
            value_for(self._request_user, "phone", obj.contact_phone) if obj.contact_phone else "-"
        )

    def get_form(self, request, obj=None, **kwargs):
        self._request_user = request.user
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        self._request_user = request.user
        return super().get_readonly_fields(request, obj)

    def has_add_permission(self, request):
        return False  # requests come from owners (status page) and payment checks

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        current = Complaint.objects.get(pk=obj.pk)
        try:
            if data["answer"] and (
                data["answer"] != current.answer
                or data["reference"] != current.reference
                or data["application"] != current.application
            ):
                services.complaint_answer(
                    complaint=current,
                    answer=data["answer"],
                    reference=data["reference"],
                    application=data["application"],
                    by=request.user,
                )
            if data["to_state"]:
                services.complaint_move(
                    complaint=current, to_state=data["to_state"], by=request.user, note=data["note"]
                )
        except transitions.TransitionRefused as exc:
            self.message_user(request, exc.message, messages.ERROR)

    def save_related(self, request, form, formsets, change):
        pass  # the history is written by the services only
