"""Importing proposal lists: read -> check -> stage -> deduplicate -> review -> merge.

- :mod:`.columns`  canonical columns and the loose header names they arrive under;
- :mod:`.guards`   upload guards: size, type by content, zip bombs, XML entities;
- :mod:`.read`     bytes -> rows of strings (encoding and delimiter sniffed, XLSX streamed);
- :mod:`.check`    one row -> normalised values and its outcome (pure, no database);
- :mod:`.stage`    rows into ``aid.ImportRow`` in batches (COPY on PostgreSQL);
- :mod:`.dedupe`   set-based rules over the staging table, one statement per rule;
- :mod:`.review`   counts, first problem rows, the outcome file;
- :mod:`.merge`    accepted rows into the registry and applications, in one transaction.

Callers go through :mod:`aid.services` (``proposal_list_upload``/``_stage``/``_confirm``/
``_cancel``); these modules hold the mechanics.
"""
