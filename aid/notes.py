"""Notes the portal writes itself, stored as a code and its parameters and put into words
when shown, in the reader's language (like the import's possible-duplicate flags).

A note written as text in whatever language was active when it was written would stay in
that language for every later reader (a background job writes Indonesian, an English-speaking
officer's click English). So a service hands :func:`aid.transitions.move` a :class:`Note`
instead of a sentence; the status history keeps ``note_code`` and ``note_params`` and
:func:`words` makes the sentence when the history is read. What staff type themselves stays
text, in ``note``, next to it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

# Each code's sentence (the msgids are the ones the notes were written with before).
TEXTS = {
    # applications_expire_withdrawals: transferred, not withdrawn in time, returned.
    "not_withdrawn": _("Tidak dicairkan dalam %(days)s hari setelah transfer."),
    # decision_file_import: a submitted application the ministry's file does not list.
    "not_in_decision_file": _("Tidak tercantum dalam %(file)s"),
    # possible_duplicate_decide: the rejected one of a pair that is the same person.
    "same_person": _("Orang yang sama dengan permohonan #%(id)s."),
    # A failed transfer the bank gave no reason for.
    "no_reason_given": _("tanpa keterangan"),
}


@dataclass(frozen=True, slots=True)
class Note:
    """A note as data: its code (a key of :data:`TEXTS`) and the values of its sentence."""

    code: str
    params: dict = field(default_factory=dict)
    # What staff typed with it, kept as they wrote it.
    text: str = ""

    def __post_init__(self):
        if self.code not in TEXTS:
            raise ValueError(f"unknown note code {self.code!r}")

    def __str__(self) -> str:
        return words(self.code, self.params, self.text)


def words(code: str, params: dict | None, text: str = "", *, texts: dict | None = None) -> str:
    """The note of ``code`` with ``params`` in the active language, followed by ``text``
    (what staff typed); ``text`` alone when there is no code. An unknown code (a note written
    by a later version) shows as its code rather than failing the page."""
    sentence = ""
    if code:
        template = (TEXTS if texts is None else texts).get(code)
        try:
            sentence = str(template) % (params or {}) if template is not None else code
        except (KeyError, TypeError, ValueError):
            sentence = str(template)
    return " ".join(part for part in (sentence, text) if part)


def columns(note: Note | str, *, prefix: str = "note") -> dict:
    """The model fields that hold ``note``: ``{prefix}`` for text, ``{prefix}_code`` and
    ``{prefix}_params`` for a :class:`Note`."""
    if isinstance(note, Note):
        return {prefix: note.text, f"{prefix}_code": note.code, f"{prefix}_params": note.params}
    return {prefix: note or "", f"{prefix}_code": "", f"{prefix}_params": None}
