"""Cells of the spreadsheets the portal writes (CSV and XLSX), made safe to open.

A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read
by Excel and LibreOffice as a formula: ``=HYPERLINK("http://x",A1)`` typed as a name by a
proposer would become a live link (or worse, a DDE command) in the file staff open. Every
file we write passes its cells through :func:`safe_cell`, which prefixes such text with an
apostrophe, as OWASP ("CSV Injection") advises; the apostrophe then shows in the cell.

Left alone, so the files stay useful:

- numbers, dates and empty cells (not text: a spreadsheet adds them up);
- text made only of digits, spaces and ``+ - . , ( ) /``: it cannot name a function or a
  cell, so at worst a spreadsheet does arithmetic with it. This keeps a phone number written
  ``+62812…`` and a placeholder ``-`` readable. (The ministry's file writes phones in the
  ``08…`` form anyway: :func:`aid.resources._national_phone`.)

django-import-export's own ``IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT`` is left off: it only
removes one leading ``=`` (``==1+1`` stays a formula, ``+``, ``-``, ``@`` pass) and turns every
cell, numbers included, into text. The resources call :func:`safe_cell` instead
(:class:`privacy.exports.PersonalDataResource`).
"""

from __future__ import annotations

import re

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_ARITHMETIC = re.compile(r"[\d\s+\-.,()/]*")


def safe_cell(value):
    """``value`` as it may be written to a spreadsheet cell (see the module docstring)."""
    if not isinstance(value, str) or not value.startswith(_TRIGGERS):
        return value
    if value.strip() and _ARITHMETIC.fullmatch(value) and not value.startswith(("\t", "\r")):
        return value
    return "'" + value
