"""Possible-duplicate flags of a staged row, in words.

:mod:`.dedupe` stores each flag as data on the row (``ImportRow.flags``: the rule and the
other rows, or the program's applications, it matched) and the words are made when the row
is shown or written to the outcome file, in the reader's language. So the flags of a list
can be found again after a row is corrected or removed without touching the row's other
notes (check warnings, the registered owner's details).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

MAX_NAMED = 10


def for_proposer(flags: list[dict] | None) -> list[dict]:
    """The flags a proposer reads: those naming other rows of its own list. A flag naming the
    program's applications (another proposer's people, a phone or account in use) is the
    Dinas's: a list must not be a way to learn whose a phone or an account is."""
    return [flag for flag in flags or [] if "applications" not in flag]


def text(flag: dict) -> str:
    """One flag in words: the rule and the rows (or applications) it names."""
    rule = flag.get("rule", "")
    if "applications" in flag:
        shown = ", ".join(f"#{pk}" for pk in flag["applications"][:MAX_NAMED])
        texts = {
            "bank_account": _(
                "Rekening yang sama sudah dipakai permohonan %(apps)s program ini (NIK berbeda)."
            ),
            "phone": _(
                "Nomor HP yang sama sudah dipakai permohonan %(apps)s program ini (NIK berbeda)."
            ),
        }
        return texts[rule] % {"apps": shown} if rule in texts else ""
    rows = flag.get("rows", [])
    shown = ", ".join(str(n) for n in rows[:MAX_NAMED])
    more = flag.get("count", len(rows)) - min(len(rows), MAX_NAMED)
    if more > 0:
        shown += _(" dan %(n)d baris lain") % {"n": more}
    texts = {
        "name_birth_date": _("Nama dan tanggal lahir sama dengan baris %(rows)s (NIK berbeda)."),
        "bank_account": _("Rekening yang sama dipakai di baris %(rows)s (NIK berbeda)."),
        "phone": _("Nomor HP yang sama dipakai di baris %(rows)s (NIK berbeda)."),
    }
    return texts[rule] % {"rows": shown} if rule in texts else ""


def remarks(
    note: str,
    flags: list[dict],
    note_codes: list[str] | None = None,
    *,
    proposer: bool = False,
) -> str:
    """A row's note (the check's warnings and the rules' notes, ``note_codes``) followed by
    its flags, in words; for a ``proposer``, what it may read (:func:`for_proposer`,
    :data:`.row_messages.REGISTRY_NOTES`)."""
    from aid.importing.row_messages import note_text

    note = note_text(note, note_codes, for_proposer=proposer)
    flags = for_proposer(flags) if proposer else flags or []
    return " ".join(filter(None, [note, *(text(flag) for flag in flags)]))
