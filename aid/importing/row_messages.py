"""Why the set-based rules refused (or passed over) a staged row, as a code and values.

:mod:`.dedupe` writes ``ImportRow.message_code`` and ``message_params`` in SQL (the program's
name, the application, the list, the row it matched) and the words are made when the row is
shown or written to the outcome file, in the reader's language, like the flags
(:mod:`.flags`). The check's own messages (:mod:`.check`) stay text in ``message``.
"""

from __future__ import annotations

from django.db import connection
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from aid.notes import words

TEXTS = {
    "previous": _("Sudah diterima pada versi sebelumnya; tidak diusulkan lagi."),
    "already_received": _(
        "Pemilik NIK ini sudah menerima %(program)s (permohonan #%(application)s); bantuan "
        "ini hanya diberikan sekali per NIK. Hapus baris ini dari daftar."
    ),
    # Names neither the other proposer nor the application (issue 24.6).
    "duplicate_existing": _(
        "NIK ini sudah diusulkan untuk %(program)s oleh lembaga lain; satu NIK hanya boleh "
        "diusulkan sekali. Hapus baris ini dari daftar."
    ),
    # Names neither the other NIK nor anyone: a proposer learns nothing of a registry record.
    "merged_nik": _(
        "NIK ini tercatat ganda dan sudah digabungkan Dinas ke data pemilik yang sama "
        "dengan NIK lain. Periksa NIK pada KTP; bila benar, hubungi Dinas."
    ),
    "corrected_nik": _(
        "NIK ini dulu tercatat untuk pemilik yang NIK-nya sudah dikoreksi, dan orang itu sudah "
        "diusulkan atau menerima %(program)s (permohonan #%(application)s). Hapus baris ini."
    ),
    "duplicate_in_list": _(
        "NIK ini sudah tercantum di baris %(row)s daftar ini (data ganda); baris itu yang "
        "diproses. Hapus baris ini atau perbaiki NIK-nya."
    ),
}


# Notes on an accepted row, added by the rules after the check's warnings
# (``ImportRow.note_codes``, a list of these codes).
NOTE_TEXTS = {
    # The owner is registered and the list differs: the registry's details are kept. The
    # note names nobody: the proposer reads it, and a NIK typed into a list must not tell
    # whose it is.
    "registered_owner": _(
        "Pemilik NIK ini sudah terdaftar. Data terdaftar tetap dipakai; nama, alamat atau nomor "
        "HP yang berbeda di daftar ini tidak mengubah registri (perbaikannya lewat Dinas)."
    ),
    # Another name (beyond spelling and titles) or another phone than the registered owner's:
    # accepted, held until the Dinas decides which is right. Names nobody, like the above.
    "registry_conflict": _(
        "Pemilik NIK ini sudah terdaftar dengan nama atau nomor HP lain (berbeda dengan data "
        "registry). Baris diterima; Dinas memeriksa data mana yang benar sebelum permohonan "
        "diproses."
    ),
    "registered_account": _(
        "Rekening di daftar berbeda dengan rekening aktif yang terdaftar; rekening terdaftar "
        "tetap dipakai untuk penyaluran."
    ),
}


# What a proposer reads (the workspace, the outcome files: ``for_proposer``). A proposer's
# account could otherwise type NIKs, names and phones into its own lists to learn what the
# registry holds: so the notes comparing a row with the registry are the Dinas's alone (staff
# read them in the admin; the proposer is told once, for every accepted row alike, that the
# Dinas compares it), and a refusal names no application of someone else.
REGISTRY_NOTES = frozenset({"registered_owner", "registry_conflict", "registered_account"})
PROPOSER_TEXTS = {
    **TEXTS,
    "already_received": _(
        "Pemilik NIK ini sudah menerima %(program)s; bantuan ini hanya diberikan sekali per "
        "NIK. Hapus baris ini dari daftar."
    ),
    "corrected_nik": _(
        "NIK ini dulu tercatat untuk pemilik yang NIK-nya sudah dikoreksi, dan orang itu sudah "
        "diusulkan atau menerima %(program)s. Hapus baris ini."
    ),
}


def note_text(note: str, codes: list[str] | None, *, for_proposer: bool = False) -> str:
    """A row's note in the reader's language: the check's warnings, then the rules' notes
    (for a proposer, without the registry's: :data:`REGISTRY_NOTES`)."""
    shown = [c for c in codes or [] if not (for_proposer and c in REGISTRY_NOTES)]
    return " ".join([note, *(words(code, {}, texts=NOTE_TEXTS) for code in shown)]).strip()


def append_code_sql(column: str) -> str:
    """SQL: the JSON list ``column`` with one more code (a parameter) at its end."""
    if connection.vendor == "postgresql":
        return f"COALESCE({column}, '[]'::jsonb) || jsonb_build_array(CAST(%s AS TEXT))"
    return f"json_insert(COALESCE({column}, '[]'), '$[#]', %s)"


def text(code: str, params: dict | None, message: str = "", *, for_proposer: bool = False) -> str:
    """A row's message in the reader's language: the rule's (``code``) then the check's
    (for a proposer, naming no application: :data:`PROPOSER_TEXTS`)."""
    params = dict(params or {})
    if "list" in params and not params["list"]:
        # An application entered by hand has no list.
        params["list"] = gettext("input manual")
    return words(code, params, message, texts=PROPOSER_TEXTS if for_proposer else TEXTS)


def json_object_sql(pairs: dict[str, str]) -> str:
    """SQL building a JSON object from ``{key: SQL expression}`` (PostgreSQL or SQLite)."""
    function = "jsonb_build_object" if connection.vendor == "postgresql" else "json_object"
    arguments = ", ".join(f"'{key}', {value}" for key, value in pairs.items())
    return f"{function}({arguments})"
