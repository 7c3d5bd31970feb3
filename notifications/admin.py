from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from notifications import services
from notifications.models import MessageTemplate, OptOut, OutboxMessage
from privacy.masking import value_for


class MessageTemplateForm(forms.ModelForm):
    class Meta:
        model = MessageTemplate
        fields = ["text", "is_active"]
        help_texts = {
            "text": _("Isian yang boleh dipakai: ")
            + ", ".join(f"{{{name}}}" for name in sorted(services.PLACEHOLDERS))
            + _(". Jangan menulis NIK, nomor rekening atau nomor HP."),
        }

    def clean_text(self):
        text = self.cleaned_data["text"]
        try:
            services.check_template(text)
        except services.UnsafeTemplate as exc:
            raise forms.ValidationError(str(exc)) from exc
        return text


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    form = MessageTemplateForm
    list_display = ["event", "is_active", "updated_at"]
    readonly_fields = ["event"]

    def has_add_permission(self, request):
        return False  # one per event, seeded by migration

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "event",
        "object_id",
        "occurrence",
        "masked_phone",
        "status",
        "attempts",
        "sent_at",
    ]
    list_filter = ["status", "event"]
    readonly_fields = [
        f.name for f in OutboxMessage._meta.fields if f.name not in ("phone", "nik_hash")
    ] + ["masked_phone"]
    exclude = ["phone", "nik_hash"]

    @admin.display(description=_("nomor HP"))
    def masked_phone(self, obj):
        return value_for(self._user, "phone", obj.phone)

    def get_queryset(self, request):
        self._user = request.user
        return super().get_queryset(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OptOut)
class OptOutAdmin(admin.ModelAdmin):
    list_display = ["at", "source"]
    readonly_fields = ["at", "source"]
    exclude = ["phone", "nik_hash"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
