"""Texts of the messages: the placeholders a template may name, the guard that refuses a
NIK, an account or a phone number in any text, and the values an event's text is filled with."""

from __future__ import annotations

import datetime
import re
import string

from django.utils import timezone, translation
from django.utils.dateformat import format as date_format

from notifications.models import MessageTemplate

# What a template may name. Nothing here is a NIK, a name or an account number.
PLACEHOLDERS = frozenset(
    {
        "program",
        "amount",
        "date",
        "deadline",
        "reason",
        "advice",
        "number",
        "activity",
        "place",
        "lender",
        "count",
    }
)


# Six or more digits in a row: a NIK (16), an account (6-20) or a phone number. Amounts and
# dates are written with separators and words, so a text never needs such a run.
_DIGIT_RUN = re.compile(r"\d{6,}")


class UnsafeTemplate(ValueError):
    pass


def template_fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def check_template(text: str) -> None:
    """Refuse a template naming anything outside :data:`PLACEHOLDERS` or holding a digit run."""
    unknown = template_fields(text) - PLACEHOLDERS
    if unknown:
        allowed = ", ".join(f"{{{name}}}" for name in sorted(PLACEHOLDERS))
        raise UnsafeTemplate(
            f"Isian tidak dikenal: {', '.join(sorted(unknown))}. Yang boleh: {allowed}."
        )
    if _DIGIT_RUN.search(text):
        raise UnsafeTemplate("Pesan tidak boleh memuat deretan angka (NIK, rekening, nomor HP).")


def render(text: str, values: dict) -> str:
    """The message for ``values``; raises :class:`UnsafeTemplate` rather than return a text
    with a run of digits (the last guard against a NIK or an account number)."""
    check_template(text)
    rendered = " ".join(text.format_map({k: values.get(k, "") for k in PLACEHOLDERS}).split())
    if _DIGIT_RUN.search(rendered):
        raise UnsafeTemplate("rendered text holds a run of digits")
    return rendered


def _day(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localdate(value)
    with translation.override("id"):
        return date_format(value, "j F Y")


def _templates() -> dict[str, str]:
    return dict(MessageTemplate.objects.filter(is_active=True).values_list("event", "text"))


def _activity_values(activity) -> dict[str, str]:
    """An activity's topic, day(s) and place for a message: nothing about any participant."""
    date = _day(activity.starts_on)
    if activity.starts_at is not None:
        # The start time goes with the first day: "14 September 2026 pukul 09.00 WIB".
        date = f"{date} pukul {activity.starts_at:%H.%M} WIB"
    if activity.ends_on and activity.ends_on != activity.starts_on:
        date = f"{date} s.d. {_day(activity.ends_on)}"
    kecamatan = f"Kecamatan {activity.kecamatan.name}" if activity.kecamatan_id else ""
    place = ", ".join(part for part in (activity.venue.strip(), kecamatan) if part)
    return {
        "activity": activity.topic,
        "date": date,
        "place": place or "tempat yang akan diinformasikan petugas",
    }
