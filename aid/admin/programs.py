"""Programs: created and edited with history (django-simple-history)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from aid.models import (
    Program,
)


@admin.register(Program)
class ProgramAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "amount", "one_time", "withdrawal_days", "starts_on"]
    search_fields = ["code", "name"]
