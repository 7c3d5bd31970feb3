"""Retention: the kept files with personal data are deleted after their period."""

from __future__ import annotations

import logging

from django.db import transaction

from aid.models import (
    BankReport,
    DecisionFile,
    ImportRow,
    ProposalList,
    SubmissionBatch,
)

logger = logging.getLogger(__name__)


def kept_files_purge(*, older_than, dry_run: bool = False) -> list:
    """Delete the kept files that hold NIKs and account numbers, created before ``older_than``.

    Those are the proposal lists as uploaded (with their staged rows, which repeat the raw
    cells), the files sent to the ministry, and the decision files and bank reports received.
    The records themselves stay (who, when, counts, and the applications and history they
    produced); only ``file`` is cleared. A file already missing from storage is cleared too.
    Idempotent: a second run finds nothing to do. Returns the records whose file was (or, with
    ``dry_run``, would be) deleted.
    """
    purged = []
    for model in (ProposalList, SubmissionBatch, DecisionFile, BankReport):
        candidates = model.objects.filter(created_at__lt=older_than).exclude(file="")
        for record in candidates.order_by("pk").iterator():
            name = record.file.name
            if not dry_run:
                with transaction.atomic():
                    record.file.storage.delete(name)
                    model.objects.filter(pk=record.pk).update(file="")
                    if model is ProposalList:
                        ImportRow.objects.filter(proposal_list=record).delete()
            logger.info(
                "kept file purged",
                extra={
                    "model": model._meta.label_lower,
                    "id": record.pk,
                    "file": name,
                    "created_at": record.created_at.isoformat(),
                    "dry_run": dry_run,
                },
            )
            purged.append(record)
    return purged
