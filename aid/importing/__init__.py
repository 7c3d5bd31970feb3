"""Importing proposal lists: read -> check -> stage -> deduplicate -> review -> merge.

- :mod:`.columns`  canonical columns and the loose header names they arrive under;
- :mod:`.guards`   upload guards: size, type by content, zip bombs, XML entities;
- :mod:`.read`     bytes -> rows of strings (encoding and delimiter sniffed, XLSX streamed);
- :mod:`.check`    one row -> normalised values and its outcome (pure, no database);
- :mod:`.stage`    rows into ``aid.ImportRow`` in batches (COPY on PostgreSQL);
- :mod:`.dedupe`   set-based rules over the staging table, one statement per rule;
- :mod:`.review`   counts, first problem rows, the outcome file;
- :mod:`.merge`    accepted rows into the registry and applications, in one transaction.
- :mod:`.pipeline` read, check and stage a whole file in batches, then the set-based rules;
- :mod:`.flags`    the possible-duplicate flags of a staged row, put in words when shown;
- :mod:`.row_messages`  why a set-based rule refused a row (a code and values), in words;
- :mod:`.sql`      small helpers for the set-based statements (PostgreSQL and SQLite);
- :mod:`.template_file`   the blank files offered for download (CSV, XLSX);
- :mod:`.returned_files`  reading the files that come back: the ministry's decision file and
  the bank's transfer report (no database; :mod:`aid.services.reconciliation` applies them).

Callers go through :mod:`aid.services` (``proposal_list_upload``/``_stage``/``_confirm``/
``_cancel``); these modules hold the mechanics.
"""
