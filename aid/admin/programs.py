"""Programs: created and edited through aid.services, with history
(django-simple-history). Amount and the one-time rule are read-only once money moved."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from aid import money, services
from aid.forms import ProgramForm
from aid.models import Program
from aid.services.programs import EDITABLE, FIXED_ONCE_PAID


@admin.register(Program)
class ProgramAdmin(SimpleHistoryAdmin):
    form = ProgramForm
    list_display = ["code", "name", "amount_rp", "one_time", "withdrawal_days", "starts_on"]
    search_fields = ["code", "name"]
    fields = list(EDITABLE)

    @admin.display(description=_("nilai bantuan"), ordering="amount")
    def amount_rp(self, obj):
        return money.rupiah(obj.amount)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and services.program_money_moved(obj):
            return list(FIXED_ONCE_PAID)
        return []

    def save_model(self, request, obj, form, change):
        values = {f: form.cleaned_data[f] for f in EDITABLE if f in form.cleaned_data}
        if change:
            original = Program.objects.get(pk=obj.pk)
            services.program_update(program=original, by=request.user, **values)
        else:
            obj.pk = services.program_create(by=request.user, **values).pk
