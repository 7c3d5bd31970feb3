"""The notes the portal wrote as sentences (in Indonesian, or in English when the writer's
page was in English) become codes and values (aid.notes), shown in the reader's language.

One UPDATE per distinct note, so a program's thousands of expired transfers cost one
statement. A note that is not one of the portal's sentences (what staff typed) is left as it
is. Failed transfers recorded with the placeholder "tanpa keterangan" get an empty reason,
which is shown as that placeholder. Reversing writes the Indonesian sentences back.
"""

import re

from django.db import migrations

# code -> the sentence in Indonesian and English, as the portal wrote it.
PATTERNS = [
    (
        "not_withdrawn",
        re.compile(
            r"^(?:Tidak dicairkan dalam (?P<days>\d+) hari setelah transfer\."
            r"|Not withdrawn within (?P<days_en>\d+) days of the transfer\.)$"
        ),
    ),
    (
        "not_in_decision_file",
        re.compile(r"^(?:Tidak tercantum dalam |Not listed in )(?P<file>.+)$", re.S),
    ),
    (
        "same_person",
        re.compile(
            r"^(?:Orang yang sama dengan permohonan|Same person as application) "
            r"#(?P<id>\d+)\.(?: (?P<text>.*))?$",
            re.S,
        ),
    ),
    ("no_reason_given", re.compile(r"^(?:tanpa keterangan|no details given)$")),
]
NO_REASON = ("tanpa keterangan", "no details given")

INDONESIAN = {
    "not_withdrawn": "Tidak dicairkan dalam %(days)s hari setelah transfer.",
    "not_in_decision_file": "Tidak tercantum dalam %(file)s",
    "same_person": "Orang yang sama dengan permohonan #%(id)s.",
    "no_reason_given": "tanpa keterangan",
}


def as_code(note: str):
    """(code, params, text left) of a note the portal wrote, or None."""
    for code, pattern in PATTERNS:
        match = pattern.match(note)
        if match is None:
            continue
        found = {k: v for k, v in match.groupdict().items() if v is not None}
        text = found.pop("text", "")
        if "days_en" in found:
            found["days"] = found.pop("days_en")
        params = {k: int(v) if k in ("days", "id") else v for k, v in found.items()}
        return code, params, text.strip()
    return None


def _convert(queryset, field: str) -> None:
    candidates = queryset.filter(**{f"{field}_code": ""}).exclude(**{field: ""})
    for note in candidates.values_list(field, flat=True).distinct().iterator():
        found = as_code(note)
        if found is None:
            continue
        code, params, text = found
        candidates.filter(**{field: note}).update(
            **{field: text, f"{field}_code": code, f"{field}_params": params}
        )


def forwards(apps, schema_editor):
    _convert(apps.get_model("aid", "StatusChange").objects.all(), "note")
    _convert(apps.get_model("aid", "Application").objects.all(), "reason_note")
    Disbursement = apps.get_model("aid", "Disbursement")
    Disbursement.objects.filter(failure_reason__in=NO_REASON).update(failure_reason="")


def _restore(queryset, field: str) -> None:
    coded = queryset.exclude(**{f"{field}_code": ""})
    for pk, code, params, text in coded.values_list(
        "pk", f"{field}_code", f"{field}_params", field
    ).iterator():
        sentence = INDONESIAN.get(code, code) % (params or {})
        queryset.filter(pk=pk).update(
            **{
                field: " ".join(p for p in (sentence, text) if p),
                f"{field}_code": "",
                f"{field}_params": None,
            }
        )


def backwards(apps, schema_editor):
    _restore(apps.get_model("aid", "StatusChange").objects.all(), "note")
    _restore(apps.get_model("aid", "Application").objects.all(), "reason_note")
    Disbursement = apps.get_model("aid", "Disbursement")
    Disbursement.objects.filter(outcome="failed", failure_reason="").update(
        failure_reason="tanpa keterangan"
    )


class Migration(migrations.Migration):
    dependencies = [("aid", "0025_notes_as_codes")]

    operations = [migrations.RunPython(forwards, backwards)]
