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
    "duplicate_existing": _(
        'NIK ini sudah diusulkan untuk %(program)s lewat daftar "%(list)s" (permohonan '
        "#%(application)s); satu NIK hanya boleh diusulkan sekali. Hapus baris ini dari daftar."
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


def text(code: str, params: dict | None, message: str = "") -> str:
    """A row's message in the reader's language: the rule's (``code``) then the check's."""
    params = dict(params or {})
    if "list" in params and not params["list"]:
        # An application entered by hand has no list.
        params["list"] = gettext("input manual")
    return words(code, params, message, texts=TEXTS)


def json_object_sql(pairs: dict[str, str]) -> str:
    """SQL building a JSON object from ``{key: SQL expression}`` (PostgreSQL or SQLite)."""
    function = "jsonb_build_object" if connection.vendor == "postgresql" else "json_object"
    arguments = ", ".join(f"'{key}', {value}" for key, value in pairs.items())
    return f"{function}({arguments})"
