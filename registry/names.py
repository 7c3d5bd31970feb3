"""Whether two spellings of a person's name are the same name: case, punctuation, spacing,
titles and degrees ("Hj.", "H.", "Dr.", "S.E.", "S.Sos") and small typing slips do not
matter; a shorter form of the same name ("Siti Aminah" for "Siti Aminah Rahayu") is the same.

Used where a NIK typed by someone else meets the registry: an attendance list row whose name
is not the registered owner's is a typo in the NIK, not that owner.
"""

from __future__ import annotations

import difflib
import re

_NOISE = re.compile(r"[^a-z\s]")
# Titles and degrees as written before or after Indonesian names, folded (dots removed).
TITLES = frozenset(
    {
        "h", "hj", "haji", "hajah", "dr", "drs", "dra", "ir", "prof", "kh", "ust", "ustadz",
        "se", "sh", "ssos", "spd", "sag", "skom", "st", "ssi", "sip", "mm", "mh", "msi", "mpd",
        "amd", "amdkeb", "bsc", "ba", "ibu", "bu", "bapak", "pak", "sdr", "sdri", "tn", "ny",
        "nn",
    }
)  # fmt: skip


def words(name: str) -> list[str]:
    """The name's words, folded, titles and degrees dropped ("Hj. Siti Aminah, S.E." ->
    ["siti", "aminah"])."""
    folded = (name or "").casefold().replace(".", "")
    return [w for w in _NOISE.sub(" ", folded).split() if w not in TITLES]


def same_person_name(first: str, second: str, *, ratio: float = 0.85) -> bool:
    """Whether ``first`` and ``second`` spell the same name (see the module's docstring)."""
    a, b = words(first), words(second)
    if not a or not b:
        return False
    if a == b:
        return True
    shorter, longer = sorted((a, b), key=len)
    if len(shorter) >= 2 and all(w in longer for w in shorter):
        return True
    return difflib.SequenceMatcher(None, " ".join(a), " ".join(b)).ratio() >= ratio
